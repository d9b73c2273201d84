//! Saving the connections from several tabs at once without losing what another tab
//! saved.
//!
//! Each tab remembers the connections as it last synchronised them with localStorage
//! (its *base*). To save, it works out what it changed since ([`changes`]: connections
//! added, changed or removed, by id) and applies only that to what localStorage holds
//! now ([`to_write`]), so that a connection another tab changed in the meantime is
//! left as that tab wrote it. When another tab writes, the `storage` event hands this
//! tab the new text, and the same [`changes`], from its base to that text, say what
//! to take over.

use crate::state::persist::{entry_text, Saved, Stored, STORAGE_KEY};

/// What changed between two lists of saved connections, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Connections added or changed, in list order.
    pub upserts: Vec<Saved>,
    /// The ids of the connections removed.
    pub removed: Vec<String>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.removed.is_empty()
    }

    /// `onto` with these changes made: removed ids dropped, changed connections replaced
    /// where they are, added ones appended.
    pub fn apply(&self, mut onto: Vec<Saved>) -> Vec<Saved> {
        onto.retain(|s| !self.removed.contains(&s.id));
        for up in &self.upserts {
            match onto.iter_mut().find(|s| s.id == up.id) {
                Some(s) => *s = up.clone(),
                None => onto.push(up.clone()),
            }
        }
        onto
    }
}

/// What changed from `base` to `now`: a connection counts as changed when its stored
/// form ([`entry_text`]) differs, so a subscription's status or a password that is not
/// remembered never does.
pub fn changes(base: &[Saved], now: &[Saved]) -> Changes {
    let before = |id: &str| base.iter().find(|b| b.id == id);
    Changes {
        upserts: now
            .iter()
            .filter(|s| before(&s.id).is_none_or(|b| entry_text(b) != entry_text(s)))
            .cloned()
            .collect(),
        removed: base
            .iter()
            .filter(|b| !now.iter().any(|s| s.id == b.id))
            .map(|b| b.id.clone())
            .collect(),
    }
}

/// What a tab whose connections went from `base` to `mine` writes over `stored` (what
/// localStorage holds now, `None` when nothing): nothing when it changed nothing; its
/// changes applied to `stored` when that can be read; all of `mine` over a damaged
/// text (which the caller keeps a copy of first).
pub fn to_write(base: &[Saved], mine: &[Saved], stored: Option<&Stored>) -> Option<Vec<Saved>> {
    let changes = changes(base, mine);
    if changes.is_empty() {
        return None;
    }
    Some(match stored {
        Some(Stored::Read(now)) => changes.apply(now.clone()),
        Some(Stored::Damaged(_)) => mine.to_vec(),
        None => changes.apply(Vec::new()),
    })
}

/// The prefix of the keys under which unreadable saved texts are kept.
pub fn backup_prefix() -> String {
    format!("{STORAGE_KEY}.corrupt-")
}

/// A key to keep an unreadable saved text under, from the time (ms since the epoch),
/// that is not `taken`: `mqttscope.connections.v1.corrupt-1764000000000`, then `-2`,
/// `-3`… after it, so that no older copy is ever written over.
pub fn backup_key(now_ms: u64, taken: impl Fn(&str) -> bool) -> String {
    let key = format!("{}{now_ms}", backup_prefix());
    if !taken(&key) {
        return key;
    }
    (2u32..)
        .map(|n| format!("{key}-{n}"))
        .find(|k| !taken(k))
        .unwrap_or(key)
}

/// A new connection's id from a random `seed`.
pub fn new_id(seed: u64) -> String {
    format!("c{seed:x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::connection::{SubStatus, SubscriptionEntry};
    use crate::state::persist::{read, to_json};
    use crate::state::settings::ConnectionSettings;

    fn conn(id: &str, name: &str) -> Saved {
        Saved {
            id: id.to_owned(),
            settings: ConnectionSettings {
                name: name.to_owned(),
                client_id: format!("client-{id}"),
                ..Default::default()
            },
            subscriptions: Vec::new(),
        }
    }

    fn names(saved: &[Saved]) -> Vec<String> {
        saved.iter().map(|s| s.settings.name.clone()).collect()
    }

    /// One tab saving `mine` over `stored` text, as the page does.
    fn save(base: &[Saved], mine: &[Saved], stored: &str) -> Option<String> {
        to_write(base, mine, Some(&read(stored))).map(|s| to_json(&s))
    }

    fn names_in(text: &str) -> Vec<String> {
        match read(text) {
            Stored::Read(s) => names(&s),
            Stored::Damaged(_) => panic!("damaged: {text}"),
        }
    }

    #[test]
    fn two_tabs_changing_different_connections_keep_both_changes() {
        let start = vec![conn("a", "A"), conn("b", "B")];
        let stored = to_json(&start);
        // Tab 1 renames a, tab 2 renames b, each from the same start.
        let tab1 = vec![conn("a", "A1"), conn("b", "B")];
        let tab2 = vec![conn("a", "A"), conn("b", "B2")];
        let stored = save(&start, &tab1, &stored).unwrap();
        let stored = save(&start, &tab2, &stored).unwrap();
        assert_eq!(names_in(&stored), ["A1", "B2"]);
    }

    #[test]
    fn additions_and_removals_in_two_tabs_merge() {
        let start = vec![conn("a", "A"), conn("b", "B")];
        let stored = to_json(&start);
        let tab1 = vec![conn("a", "A"), conn("b", "B"), conn("c", "C")];
        let tab2 = vec![conn("b", "B"), conn("d", "D")];
        let stored = save(&start, &tab1, &stored).unwrap();
        let stored = save(&start, &tab2, &stored).unwrap();
        assert_eq!(names_in(&stored), ["B", "C", "D"]);
    }

    #[test]
    fn a_status_or_an_unremembered_password_is_no_change() {
        let mut sub = SubscriptionEntry::new("a/#");
        sub.id = 1;
        let mut base = conn("a", "A");
        base.subscriptions.push(sub);
        let mut now = base.clone();
        now.subscriptions[0].status = SubStatus::Granted(mqttscope_proto::codec::QoS::AtMostOnce);
        now.settings.password = "typed".to_owned();
        assert!(changes(&[base.clone()], &[now.clone()]).is_empty());
        assert_eq!(to_write(&[base], &[now], None), None);
    }

    #[test]
    fn over_a_damaged_text_the_whole_list_is_written() {
        let presets = vec![conn("p0", "P0"), conn("p1", "P1")];
        // Loaded over damaged text: nothing is written until something changes.
        assert_eq!(save(&presets, &presets, "{oops"), None);
        let changed = vec![conn("p0", "P0"), conn("p1", "P1 renamed")];
        let written = save(&presets, &changed, "{oops").unwrap();
        assert_eq!(names_in(&written), ["P0", "P1 renamed"]);
    }

    #[test]
    fn changes_from_another_tab_are_what_its_text_changed() {
        let base = vec![conn("a", "A"), conn("b", "B")];
        let theirs = vec![conn("b", "B2"), conn("c", "C")];
        let c = changes(&base, &theirs);
        assert_eq!(names(&c.upserts), ["B2", "C"]);
        assert_eq!(c.removed, ["a"]);
        assert_eq!(names(&c.apply(base)), ["B2", "C"]);
    }

    #[test]
    fn a_backup_key_never_names_an_existing_one() {
        let prefix = backup_prefix();
        assert_eq!(backup_key(5, |_| false), format!("{prefix}5"));
        let taken = [format!("{prefix}5"), format!("{prefix}5-2")];
        assert_eq!(
            backup_key(5, |k| taken.iter().any(|t| t == k)),
            format!("{prefix}5-3")
        );
    }
}
