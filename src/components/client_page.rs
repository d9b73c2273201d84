//! The client page: connections on the left; the selected connection's bar, form or
//! doctor, subscriptions and publishing, and its messages, topics and packets.

use leptos::prelude::*;

use crate::components::broker_frame::BrokerFrame;
use crate::components::connect_form::ConnectForm;
use crate::components::connection_bar::ConnectionBar;
use crate::components::connection_list::ConnectionList;
use crate::components::doctor_panel::DoctorPanel;
use crate::components::message_list::MessageList;
use crate::components::packet_log::PacketLog;
use crate::components::publish_panel::PublishPanel;
use crate::components::subscription_panel::SubscriptionPanel;
use crate::components::topic_tree_view::TopicTreeView;
use crate::components::view_tabs::ViewTabs;
use crate::state::workspace::{use_workspace, Tab};

/// The client page.
#[component]
pub fn ClientPage() -> impl IntoView {
    let ws = use_workspace();
    let body = move || {
        let Some(conn) = ws.current() else {
            return view! { <p class="empty">"No connection: add one on the left."</p> }.into_any();
        };
        view! {
            <ConnectionBar conn />
            <DoctorPanel conn />
            <Show when=move || ws.editing.get()>
                <ConnectForm conn />
            </Show>
            <div class="work">
                <div class="side-panels">
                    <SubscriptionPanel conn />
                    <PublishPanel conn />
                </div>
                <section class="views" aria-label="Traffic">
                    <ViewTabs />
                    {move || match ws.shown_tab() {
                        Tab::Messages => view! { <MessageList conn /> }.into_any(),
                        Tab::Topics => view! { <TopicTreeView conn /> }.into_any(),
                        Tab::Packets => view! { <PacketLog conn /> }.into_any(),
                        Tab::Broker => view! { <BrokerFrame /> }.into_any(),
                    }}
                </section>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="client">
            <ConnectionList />
            <div class="conn-main">{body}</div>
        </div>
    }
}
