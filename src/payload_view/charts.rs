//! Feeding the charts: each series reads the page's messages of its filter that came since
//! it last looked, decodes each as the message detail would (rule, else detection), and
//! takes the number at its path.

use mqttscope_payload::{decode, Limits};

use super::host::{self, Params};
use super::model::choice::choose;
use super::model::rules::Rules;
use super::model::schemas::Schemas;
use super::model::series::{number_at, Series, MAX_POINTS};

/// Reads what is new into `series`; whether any series changed.
pub fn refresh(p: &Params, series: &mut [Series], rules: &Rules, schemas: &Schemas) -> bool {
    let mut changed = false;
    for s in series.iter_mut() {
        let fresh = host::messages(
            p.conn,
            &s.filter,
            s.read_up_to,
            f64::INFINITY,
            MAX_POINTS as u32,
        );
        for m in fresh {
            s.read_up_to = s.read_up_to.max(m.id);
            let choice = choose(&m, None, rules, schemas);
            let value = decode(&choice.decoder, &m.payload, &Limits::default())
                .ok()
                .and_then(|node| number_at(&node, &s.path));
            if let Some(v) = value {
                s.push(m.at_ms, v);
                changed = true;
            }
        }
    }
    changed
}
