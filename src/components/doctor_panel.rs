//! The connection doctor's explanation of the last failure, with what to do about it.

use leptos::prelude::*;

use crate::doctor::{Action, Diagnosis};
use crate::state::actions;
use crate::state::connection::Conn;
use crate::state::workspace::use_workspace;

/// The explanation, when there is one, with a button per suggested action.
#[component]
pub fn DoctorPanel(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let ws = use_workspace();
    let act = move |action: Action| match action {
        Action::Retry => drop(actions::connect(conn)),
        Action::UseUrl { url, .. } => {
            conn.settings.update(|s| s.url = url);
            let _ = actions::connect(conn);
        }
        Action::OpenPage { url, .. } => {
            // The broker's page must not get a handle on this one (`window.opener`),
            // nor learn where it came from.
            if let Some(w) = web_sys::window() {
                let _ =
                    w.open_with_url_and_target_and_features(&url, "_blank", "noopener,noreferrer");
            }
        }
        Action::SwitchVersion(v) => {
            conn.settings.update(|s| s.version = v);
            let _ = actions::connect(conn);
        }
        Action::Edit(_) => ws.editing.set(true),
    };
    let panel = move |d: Diagnosis| {
        let buttons = d
            .actions
            .iter()
            .cloned()
            .map(|a| {
                let label = a.label();
                view! { <button class="small" on:click=move |_| act(a.clone())>{label}</button> }
            })
            .collect_view();
        view! {
            <section class=format!("doctor {:?}", d.severity).to_lowercase() role="alert" data-testid="doctor">
                <h2>{d.title}</h2>
                <p>{d.detail}</p>
                <div class="doctor-actions">{buttons}</div>
            </section>
        }
    };
    move || conn.diagnosis.get().map(panel)
}
