//! The connection doctor's checkup of a failed WebSocket handshake: network probes (is
//! anything answering http, does the socket open without the subprotocol, on another
//! path or port), then the explanation. It runs when the reducer asks for
//! [`Effect::RunDoctor`](crate::state::reports::Effect::RunDoctor).

use leptos::prelude::*;

use crate::doctor::{self, Failure, Probes};
use crate::driver::probe;
use crate::driver::socket::SUBPROTOCOL;
use crate::state::connection::{Conn, ConnStatus};
use crate::state::reports::{diagnose, Page};

/// Whether the page itself was loaded over https (then `ws://` is mixed content).
pub fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// This page, for the reducer.
pub fn this_page() -> Page {
    Page {
        https: page_is_https(),
        wall_ms: crate::clock::wall_ms,
    }
}

/// The handshake failed: run the probes, then explain (unless the connection came up
/// meanwhile).
pub fn run_doctor(conn: Conn, elapsed_ms: f64) {
    let https = page_is_https();
    let url = conn.settings.with_untracked(|s| s.url.clone());
    let Ok(target) = doctor::precheck(&url, https) else {
        return;
    };
    if target.sandbox {
        // In the page: no WebSocket probe applies.
        return diagnose(conn, Failure::HandshakeFailed { elapsed_ms }, https);
    }
    leptos::task::spawn_local(async move {
        let plan = doctor::probes_for(&target);
        let mut probes = Probes {
            http_answers: Some(probe::http_answers(&plan.http_url).await),
            ..Default::default()
        };
        if probes.http_answers == Some(true) {
            let bare = probe::ws_opens(&plan.without_subprotocol, &[]).await;
            probes.opens_without_subprotocol = Some(bare.is_some());
        }
        for alt in plan.alternatives {
            let opened = probe::ws_opens(&alt.ws_url(), &[SUBPROTOCOL]).await;
            probes
                .alternatives
                .push((alt, opened.as_deref() == Some(SUBPROTOCOL)));
        }
        let failure = Failure::HandshakeFailed { elapsed_ms };
        let d = doctor::diagnose(&target, &failure, &probes);
        if !conn.status.is_disposed()
            && !matches!(conn.status.get_untracked(), ConnStatus::Connected { .. })
        {
            conn.status.set(ConnStatus::Failed(d.title.clone()));
            conn.diagnosis.set(Some(d));
        }
    });
}
