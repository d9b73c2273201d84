//! A connection's subscription list as the core's events tell it: a SUBACK's codes (for
//! the user's SUBSCRIBE and for the core's own resubscriptions alike, since each event
//! names its filters), and requests lost with their connection.

use mqttscope_proto::client::Request;
use mqttscope_proto::codec::{QoS, ReasonCode, Subscription};

use crate::state::connection::{SubStatus, SubscriptionEntry};

/// A SUBACK answered `subscriptions` with `reasons` (one per filter, in order): each
/// entry with one of those filters takes the answer for it.
pub fn subscribed(
    list: &mut [SubscriptionEntry],
    subscriptions: &[Subscription<'_>],
    reasons: &[ReasonCode],
) {
    for (sub, reason) in subscriptions.iter().zip(reasons) {
        for entry in list.iter_mut().filter(|e| *e.filter == *sub.filter) {
            entry.status = sub_status(*reason);
        }
    }
}

/// `request` got no answer before its connection ended: a SUBSCRIBE's filters wait
/// again (they are asked for on the next connection). An UNSUBSCRIBE's entries left
/// the list when the user removed them.
pub fn lost(list: &mut [SubscriptionEntry], request: &Request) {
    if let Request::Subscribe { subscriptions, .. } = request {
        let asked = |e: &SubscriptionEntry| subscriptions.iter().any(|s| *s.filter == *e.filter);
        for entry in list.iter_mut().filter(|e| asked(e)) {
            entry.status = SubStatus::Pending;
        }
    }
}

/// A SUBACK reason as a subscription's status.
pub fn sub_status(reason: ReasonCode) -> SubStatus {
    match reason {
        ReasonCode::Success => SubStatus::Granted(QoS::AtMostOnce),
        ReasonCode::GrantedQos1 => SubStatus::Granted(QoS::AtLeastOnce),
        ReasonCode::GrantedQos2 => SubStatus::Granted(QoS::ExactlyOnce),
        other => SubStatus::Refused(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(filters: &[&str]) -> Vec<SubscriptionEntry> {
        filters.iter().map(|f| SubscriptionEntry::new(*f)).collect()
    }

    fn statuses(list: &[SubscriptionEntry]) -> Vec<SubStatus> {
        list.iter().map(|e| e.status).collect()
    }

    #[test]
    fn suback_codes_become_statuses() {
        assert_eq!(
            sub_status(ReasonCode::GrantedQos1),
            SubStatus::Granted(QoS::AtLeastOnce)
        );
        assert_eq!(
            sub_status(ReasonCode::NotAuthorized),
            SubStatus::Refused(ReasonCode::NotAuthorized)
        );
    }

    #[test]
    fn a_suback_sets_each_named_filter_and_leaves_the_others() {
        let mut l = list(&["a", "b/#", "c", "a"]);
        let asked = [
            Subscription::new("a", QoS::ExactlyOnce),
            Subscription::new("b/#", QoS::AtLeastOnce),
        ];
        subscribed(
            &mut l,
            &asked,
            &[ReasonCode::GrantedQos2, ReasonCode::NotAuthorized],
        );
        assert_eq!(
            statuses(&l),
            [
                SubStatus::Granted(QoS::ExactlyOnce),
                SubStatus::Refused(ReasonCode::NotAuthorized),
                SubStatus::Pending,
                SubStatus::Granted(QoS::ExactlyOnce),
            ]
        );
    }

    #[test]
    fn a_lost_subscribe_waits_again_and_a_lost_unsubscribe_changes_nothing() {
        let mut l = list(&["a", "b"]);
        let granted = [ReasonCode::GrantedQos1, ReasonCode::GrantedQos1];
        let both = [
            Subscription::new("a", QoS::AtLeastOnce),
            Subscription::new("b", QoS::AtLeastOnce),
        ];
        subscribed(&mut l, &both, &granted);
        lost(
            &mut l,
            &Request::Unsubscribe {
                filters: vec!["a".into()],
            },
        );
        let one = SubStatus::Granted(QoS::AtLeastOnce);
        assert_eq!(statuses(&l), [one, one]);
        lost(
            &mut l,
            &Request::Subscribe {
                subscriptions: vec![Subscription::new("b", QoS::AtLeastOnce)],
                properties: Default::default(),
            },
        );
        assert_eq!(statuses(&l), [one, SubStatus::Pending]);
    }
}
