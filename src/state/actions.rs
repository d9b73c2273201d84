//! What the user can do with a connection: connect, disconnect, subscribe, unsubscribe,
//! publish. Each returns an error in words for the form that asked. And the small runner
//! of what the reducer of the connection's reports asks for ([`on_report`]).

use std::num::NonZeroU32;

use leptos::prelude::*;
use mqttscope_proto::client::{Authenticator, Client, ClientOptions, Message};
use mqttscope_proto::codec::{
    RetainHandling, SubscribeProperties, Subscription, SubscriptionOptions,
};

use crate::doctor;
use crate::driver::{Link, Report};
use crate::state::checkup::{self, page_is_https};
use crate::state::connection::{Conn, ConnStatus, SubStatus, SubscriptionEntry};
use crate::state::kept::{Carry, KeptSession, SessionKey};
use crate::state::reports::{self, Effect, Page};
use crate::state::tabs;
use crate::state::workspace::random_seed;

/// Opens `conn` with its settings. A URL the doctor refuses before any traffic (mixed
/// content, not a WebSocket URL) is explained instead.
pub fn connect(conn: Conn) -> Result<(), String> {
    disconnect(conn);
    let kept = conn.data.try_update_value(|d| d.kept.take()).flatten();
    let settings = conn.settings.get_untracked();
    let target = match doctor::precheck(&settings.url, page_is_https()) {
        Ok(t) => t,
        Err(d) => {
            conn.status.set(ConnStatus::Failed(d.title.clone()));
            conn.diagnosis.set(Some(d));
            return Err("see the explanation".to_owned());
        }
    };
    let seed = random_seed();
    let (opts, auth) = settings
        .to_options(Box::new(crate::util::random_nonce), seed)
        .map_err(|e| e.to_string())?;
    let url = target.ws_url();
    let key = SessionKey::new(&url, &settings);
    let client = match kept {
        Some(k) if k.carry(&key, settings.clean_start) == Carry::Resume => {
            let mut client = k.client;
            client.set_options(opts).map_err(|e| e.to_string())?;
            match auth {
                Some(a) => client.set_authenticator(a),
                None => client.clear_authenticator(),
            }
            client
        }
        Some(k) => match k.carry(&key, settings.clean_start) {
            Carry::AskFirst(n) if !confirm_discard(n) => {
                conn.data.update_value(|d| d.kept = Some(k));
                return Err(format!("not connected: {n} QoS 1/2 message(s) kept"));
            }
            _ => new_client(opts, auth),
        },
        None => new_client(opts, auth),
    };
    conn.subscriptions
        .update(|subs| subs.iter_mut().for_each(|s| s.status = SubStatus::Pending));
    let budget = settings.memory_budget();
    conn.data.update_value(|d| d.budget = budget);
    let page = checkup::this_page();
    let link = Link::resume(&url, client, move |r| on_report(conn, r, &page));
    conn.data.update_value(|d| d.link = Some(link));
    tabs::announce(key, conn);
    Ok(())
}

/// The link's reports go through the reducer, then what it asks for is done.
fn on_report(conn: Conn, report: Report, page: &Page) {
    if let Some(effect) = reports::reduce(conn, report, page) {
        run(conn, effect);
    }
}

/// Does what the reducer asked for.
fn run(conn: Conn, effect: Effect) {
    match effect {
        Effect::Redraw => conn.touch(),
        Effect::SubscribeSaved { session_present } => subscribe_saved(conn, session_present),
        Effect::RunDoctor { elapsed_ms } => checkup::run_doctor(conn, elapsed_ms),
    }
}

fn new_client(opts: ClientOptions, auth: Option<Box<dyn Authenticator>>) -> Client {
    let mut client = Client::new(opts, crate::clock::now());
    if let Some(a) = auth {
        client.set_authenticator(a);
    }
    client
}

/// Asks the user before a new session discards `n` messages of the old one.
fn confirm_discard(n: usize) -> bool {
    let text = format!(
        "{n} QoS 1/2 message(s) of this connection's session are still in flight or \
         queued. The new connection starts a new session (Clean Start, or another broker, \
         client id or version), which discards them.\n\nDiscard them and connect?"
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&text).ok())
        .unwrap_or(false)
}

/// Closes `conn` (DISCONNECT when connected) and stops reconnecting. The client is kept
/// with its session, for the next connection to continue.
pub fn disconnect(conn: Conn) {
    let link = conn.data.try_update_value(|d| d.link.take()).flatten();
    if let Some(link) = link {
        tabs::release(conn);
        link.close();
        let client = link.take_client();
        let key = SessionKey {
            url: link.url(),
            client_id: client.options().client_id.clone(),
            version: client.version(),
        };
        conn.data
            .update_value(|d| d.kept = Some(KeptSession { key, client }));
        conn.status.set(ConnStatus::Offline);
    }
}

/// Adds `entry` to `conn`'s subscriptions and subscribes when connected (otherwise the
/// subscription is sent on the next connection).
pub fn subscribe(conn: Conn, mut entry: SubscriptionEntry) -> Result<(), String> {
    if entry.filter.is_empty() {
        return Err("a subscription needs a topic filter".to_owned());
    }
    entry.id = conn
        .subscriptions
        .with_untracked(|s| s.iter().map(|e| e.id).max().unwrap_or(0) + 1);
    entry.status = SubStatus::Pending;
    if let Some(link) = conn.link().filter(|_| is_connected(conn)) {
        send_subscribe(&link, &entry)?;
    }
    conn.subscriptions.update(|s| s.push(entry));
    Ok(())
}

/// Sends SUBSCRIBE for every saved subscription the core does not restore by itself,
/// after a CONNACK with `session_present`: on a link's first connection all of them,
/// after a reconnect those added since the core last heard of them. One the broker
/// refused stays refused until the user retries it ([`retry_subscription`]) or connects
/// again: asking again on every reconnect only repeats the refusal (MQTT.js does not
/// either).
pub fn subscribe_saved(conn: Conn, session_present: bool) {
    let Some(link) = conn.link() else { return };
    let saved = conn.subscriptions.get_untracked();
    let entries: Vec<&SubscriptionEntry> = link.with_client(|c| {
        let kept = |filter: &str| c.keeps_subscription(filter);
        not_restored(&saved, session_present, c.resubscribes(), kept).collect()
    });
    for entry in entries {
        let _ = send_subscribe(&link, entry);
    }
}

/// The saved subscriptions to send after a CONNACK: all but the refused ones and those
/// the core restores by itself, which are the ones it `kept` (granted, not unsubscribed)
/// when the server resumed the session (it still holds them) or the core `resubscribes`
/// (it sends them again).
fn not_restored(
    saved: &[SubscriptionEntry],
    session_present: bool,
    resubscribes: bool,
    kept: impl Fn(&str) -> bool,
) -> impl Iterator<Item = &SubscriptionEntry> {
    let restores = session_present || resubscribes;
    saved
        .iter()
        .filter(|e| !matches!(e.status, SubStatus::Refused(_)))
        .filter(move |e| !(restores && kept(&e.filter)))
}

/// Asks for subscription `id` again (the broker refused it): SUBSCRIBE now when
/// connected, else on the next connection.
pub fn retry_subscription(conn: Conn, id: u32) -> Result<(), String> {
    let mut entry = None;
    conn.subscriptions.update(|subs| {
        if let Some(e) = subs.iter_mut().find(|e| e.id == id) {
            e.status = SubStatus::Pending;
            entry = Some(e.clone());
        }
    });
    match (entry, conn.link().filter(|_| is_connected(conn))) {
        (Some(entry), Some(link)) => send_subscribe(&link, &entry),
        _ => Ok(()),
    }
}

fn is_connected(conn: Conn) -> bool {
    matches!(conn.status.get_untracked(), ConnStatus::Connected { .. })
}

fn send_subscribe(link: &Link, entry: &SubscriptionEntry) -> Result<(), String> {
    let retain_handling = match entry.retain_handling {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendAtSubscribeIfNew,
        _ => RetainHandling::DoNotSend,
    };
    let options = SubscriptionOptions {
        qos: entry.qos,
        no_local: entry.no_local,
        retain_as_published: entry.retain_as_published,
        retain_handling,
    };
    let sub = Subscription {
        filter: entry.filter.clone().into(),
        options,
    };
    let props = SubscribeProperties {
        subscription_identifier: entry.identifier.and_then(NonZeroU32::new),
        ..Default::default()
    };
    link.subscribe(vec![sub], props)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Removes subscription `id`: UNSUBSCRIBE when connected; otherwise the core forgets it,
/// so that it is not subscribed again on reconnect (and is unsubscribed if the server
/// resumes a session that still holds it).
pub fn unsubscribe(conn: Conn, id: u32) -> Result<(), String> {
    let filter = conn
        .subscriptions
        .with_untracked(|s| s.iter().find(|e| e.id == id).map(|e| e.filter.clone()));
    let Some(filter) = filter else { return Ok(()) };
    match conn.link() {
        Some(link) if is_connected(conn) => {
            link.unsubscribe(vec![filter]).map_err(|e| e.to_string())?;
        }
        Some(link) => link.forget_subscriptions(vec![filter]),
        None => {}
    }
    conn.subscriptions.update(|s| s.retain(|e| e.id != id));
    Ok(())
}

/// Publishes `msg` on `conn`.
pub fn publish(conn: Conn, msg: Message) -> Result<(), String> {
    let link = conn.link().ok_or("not connected")?;
    link.publish(msg).map(|_| ()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(filter: &str) -> SubscriptionEntry {
        SubscriptionEntry::new(filter)
    }

    /// The filters sent when the core kept "a" and "b" of saved "a", "b", "c".
    fn sent(session_present: bool, resubscribes: bool) -> Vec<String> {
        let saved = ["a", "b", "c"].map(entry);
        let kept = |f: &str| f == "a" || f == "b";
        not_restored(&saved, session_present, resubscribes, kept)
            .map(|e| e.filter.clone())
            .collect()
    }

    #[test]
    fn after_a_reconnect_only_what_the_core_does_not_restore_is_sent() {
        // Lost session, the core resubscribes "a" and "b": "c" was added offline.
        assert_eq!(sent(false, true), ["c"]);
        // Resumed session: the server still holds "a" and "b".
        assert_eq!(sent(true, false), ["c"]);
        assert_eq!(sent(true, true), ["c"]);
        // Lost session and the core does not resubscribe: everything.
        assert_eq!(sent(false, false), ["a", "b", "c"]);
    }

    #[test]
    fn a_refused_subscription_is_not_asked_for_again_on_a_reconnect() {
        let mut saved = ["a", "b"].map(entry);
        saved[1].status = SubStatus::Refused(mqttscope_proto::codec::ReasonCode::NotAuthorized);
        let sent: Vec<_> = not_restored(&saved, false, false, |_| false)
            .map(|e| e.filter.as_str())
            .collect();
        assert_eq!(sent, ["a"]);
    }

    #[test]
    fn on_a_first_connection_every_saved_subscription_is_sent() {
        let saved = ["a", "a/#"].map(entry);
        let sent: Vec<_> = not_restored(&saved, true, true, |_| false).collect();
        assert_eq!(sent.len(), 2);
    }
}
