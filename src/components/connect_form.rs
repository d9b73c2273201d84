//! The connect form: every setting of a connection, saved to the connection on submit.

use leptos::prelude::*;

use crate::components::auth_select::AuthSelect;
use crate::components::check_field::CheckField;
use crate::components::number_field::NumberField;
use crate::components::text_field::TextField;
use crate::components::v5_settings::V5Settings;
use crate::components::version_select::VersionSelect;
use crate::components::will_editor::WillEditor;
use crate::state::actions;
use crate::state::connection::Conn;
use crate::state::settings::generate_client_id;
use crate::state::workspace::{random_seed, use_workspace};

/// Edits a copy of `conn`'s settings; "Save" stores it, "Save and connect" also
/// (re)connects.
#[component]
pub fn ConnectForm(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let ws = use_workspace();
    let draft = RwSignal::new(conn.settings.get_untracked());
    let error = RwSignal::new(None::<String>);
    let save = move |and_connect: bool| {
        let settings = draft.get_untracked();
        if let Err(e) = settings.to_options(Box::new(String::new), 1) {
            error.set(Some(e.to_string()));
            return;
        }
        error.set(None);
        conn.settings.set(settings);
        if and_connect {
            if let Err(e) = actions::connect(conn) {
                error.set(Some(e));
                return;
            }
        }
        ws.editing.set(false);
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        save(true);
    };
    let (name, set_name) = text!(draft.name);
    let (url, set_url) = text!(draft.url);
    let (client_id, set_client_id) = text!(draft.client_id);
    let (username, set_username) = text!(draft.username);
    let (password, set_password) = text!(draft.password);
    let (remember, set_remember) = flag!(draft.remember_password);
    let (keep_alive, set_keep_alive) = number!(draft.keep_alive: u16);
    let (limit, set_limit) = number!(draft.maximum_packet_size: u32);
    let (budget, set_budget) = number!(draft.memory_budget_mib: u32);
    let (clean, set_clean) = flag!(draft.clean_start);
    let (reconnect, set_reconnect) = flag!(draft.auto_reconnect);
    let v5 = move || draft.with(|d| d.version.is_v5());
    view! {
        <form class="connect-form panel" on:submit=on_submit aria-label="Connection settings">
            <div class="row-fields">
                <TextField label="Name" value=name on_input=set_name />
                <TextField label="Broker URL" class="wide" kind="url" value=url on_input=set_url
                    placeholder="ws://127.0.0.1:9001" test_id="url" />
                <VersionSelect draft />
            </div>
            <div class="row-fields">
                <TextField label="Client ID" class="wide" value=client_id on_input=set_client_id test_id="client-id" />
                <button type="button" class="small" on:click=move |_| {
                    draft.update(|d| d.client_id = generate_client_id(random_seed()))
                }>"New ID"</button>
                <NumberField label="Keep alive" hint="s, 0: off" max=65535 value=keep_alive on_input=set_keep_alive />
                <NumberField label="Receive limit" hint="bytes, 0: 16 MiB" max=268_435_460 value=limit on_input=set_limit />
                <NumberField label="History memory" hint="MiB, 0: 64" max=4096 value=budget on_input=set_budget />
                <CheckField label="Clean start" checked=clean on_change=set_clean />
                <CheckField label="Reconnect automatically" checked=reconnect on_change=set_reconnect />
            </div>
            <div class="row-fields">
                <TextField label="Username" value=username on_input=set_username />
                <TextField label="Password" kind="password" value=password on_input=set_password />
                <CheckField label="Remember password (stored in this browser)" checked=remember on_change=set_remember />
                <Show when=v5>
                    <AuthSelect draft />
                </Show>
            </div>
            <Show when=v5>
                <V5Settings draft />
            </Show>
            <WillEditor draft />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button type="submit" class="primary" data-testid="save-connect">"Save and connect"</button>
                <button type="button" on:click=move |_| save(false)>"Save"</button>
                <button type="button" on:click=move |_| ws.editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}
