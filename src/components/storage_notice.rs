//! The notice about the saved connections: an unreadable saved text (and where it was
//! kept), or a save that failed.

use leptos::prelude::*;

use crate::state::workspace::use_workspace;

/// Shows the workspace's storage notice, if any, until dismissed.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let ws = use_workspace();
    move || {
        ws.notice.get().map(|notice| {
            view! {
                <div class="banner storage-notice" role="alert" data-testid="storage-notice">
                    <span class="banner-message">{notice.text()}</span>
                    " "
                    <button class="small" on:click=move |_| ws.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}
