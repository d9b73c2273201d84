//! Values over time for the charts: one series per topic filter and path into the decoded
//! value, its memory bounded by thinning the older half when full, its statistics kept over
//! every value seen.

use std::collections::VecDeque;

use mqttscope_payload::sparkplug::{Session, Topic, NAMESPACE};
use mqttscope_payload::Node;

use super::rows::rows;

/// At most this many points a series keeps; past it the older half is thinned to every
/// other point.
pub const MAX_POINTS: usize = 2_000;

/// The window the rate is counted over, in milliseconds.
const RATE_WINDOW_MS: f64 = 10_000.0;

/// One series: where its values come from, and what it has seen.
#[derive(Debug)]
pub struct Series {
    /// The topic filter whose messages give its values.
    pub filter: String,
    /// The topic filter whose messages are read: `filter`, or for a Sparkplug B series all
    /// of its edge node's.
    pub feed: String,
    /// The stable path into the decoded value (`temp`, `metrics[name=Temperature].value`;
    /// empty for the value itself): see [`super::rows::Row::stable_path`].
    pub path: String,
    /// For a Sparkplug B series, its edge node's session: every message of the node goes
    /// through it, so that metrics sent by alias get their names.
    pub session: Option<Session>,
    /// (time in ms, value), oldest first.
    pub points: Vec<(f64, f64)>,
    /// The newest message id read.
    pub read_up_to: f64,
    /// The last value.
    pub last: Option<f64>,
    /// The smallest value seen.
    pub min: f64,
    /// The largest value seen.
    pub max: f64,
    /// How many values were seen.
    pub count: u64,
    recent: VecDeque<f64>,
}

impl Series {
    /// An empty series of `path` in the messages of `filter`.
    pub fn new(filter: &str, path: &str) -> Series {
        Series {
            filter: filter.to_string(),
            feed: filter.to_string(),
            path: path.to_string(),
            session: None,
            points: Vec::new(),
            read_up_to: 0.0,
            last: None,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            count: 0,
            recent: VecDeque::new(),
        }
    }

    /// A series of `path` in the messages of `topic`'s device (or edge node, for a node
    /// message), read after every message of its edge node.
    pub fn sparkplug(topic: &Topic, path: &str) -> Series {
        let node = format!("{NAMESPACE}/{}/+/{}", topic.group, topic.edge_node);
        let filter = match &topic.device {
            Some(device) => format!("{node}/{device}"),
            None => node.clone(),
        };
        Series {
            feed: format!("{node}/#"),
            session: Some(Session::new()),
            ..Series::new(&filter, path)
        }
    }

    /// Adds a value at `at_ms`.
    pub fn push(&mut self, at_ms: f64, v: f64) {
        if self.points.len() >= MAX_POINTS {
            self.thin();
        }
        self.points.push((at_ms, v));
        self.last = Some(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.count += 1;
        self.recent.push_back(at_ms);
        while self
            .recent
            .front()
            .is_some_and(|&t| t <= at_ms - RATE_WINDOW_MS)
        {
            self.recent.pop_front();
        }
    }

    /// Keeps every other point of the older half.
    fn thin(&mut self) {
        let half = self.points.len() / 2;
        let older = self.points[..half].iter().step_by(2).copied();
        let kept: Vec<_> = older.chain(self.points[half..].iter().copied()).collect();
        self.points = kept;
    }

    /// Values per second over the last ten seconds of values.
    pub fn rate(&self) -> f64 {
        self.recent.len() as f64 / (RATE_WINDOW_MS / 1000.0)
    }

    /// A label: `filter path`.
    pub fn label(&self) -> String {
        match self.path.as_str() {
            "" => self.filter.clone(),
            p => format!("{} {p}", self.filter),
        }
    }
}

/// The number at stable path `path` in `node`: an integer, a float or a boolean (as 0 or 1).
pub fn number_at(node: &Node, path: &str) -> Option<f64> {
    let (all, _) = rows(node);
    all.into_iter()
        .find(|r| r.stable_path == path && !r.container)?
        .number
}

/// The series as uPlot's data: the times of every point (seconds, sorted, without repeats),
/// then each series' values at those times (`None` where it has none).
pub fn aligned(series: &[Series]) -> (Vec<f64>, Vec<Vec<Option<f64>>>) {
    let mut times: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let columns = series
        .iter()
        .map(|s| {
            let mut at = s.points.iter().peekable();
            times
                .iter()
                .map(|t| match at.peek() {
                    Some((pt, v)) if pt == t => {
                        let v = *v;
                        at.next();
                        Some(v)
                    }
                    _ => None,
                })
                .collect()
        })
        .collect();
    (times.into_iter().map(|t| t / 1000.0).collect(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_payload::{decode, Decoder, Limits};

    #[test]
    fn numbers_are_found_by_path() {
        let text = br#"{"temp": 21.5, "ok": true, "name": "x", "deep": {"list": [1, 2, 7]}}"#;
        let node = decode(&Decoder::Json, text, &Limits::default()).unwrap();
        assert_eq!(number_at(&node, "temp"), Some(21.5));
        assert_eq!(number_at(&node, "ok"), Some(1.0));
        assert_eq!(number_at(&node, "name"), None);
        assert_eq!(number_at(&node, "deep.list[2]"), Some(7.0));
        assert_eq!(number_at(&node, "deep"), None);
        let listed = br#"{"m": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]}"#;
        let node = decode(&Decoder::Json, listed, &Limits::default()).unwrap();
        assert_eq!(number_at(&node, "m[name=b].v"), Some(2.0));
        assert_eq!(number_at(&node, "m[1].v"), None, "named items go by name");
        let bare = decode(&Decoder::Json, b"42", &Limits::default()).unwrap();
        assert_eq!(number_at(&bare, ""), Some(42.0));
    }

    #[test]
    fn memory_is_bounded_and_statistics_cover_everything() {
        let mut s = Series::new("a/#", "v");
        for i in 0..10_000 {
            s.push(f64::from(i) * 100.0, f64::from(i % 7));
        }
        assert!(s.points.len() <= MAX_POINTS);
        assert_eq!(
            (s.min, s.max, s.count, s.last),
            (0.0, 6.0, 10_000, Some(f64::from(9_999 % 7)))
        );
        assert_eq!(
            s.points.last(),
            Some(&(999_900.0, 3.0)),
            "the newest point is kept"
        );
        assert!(
            s.points.windows(2).all(|w| w[0].0 < w[1].0),
            "in time order"
        );
        assert_eq!(s.rate(), 10.0, "one value every 100 ms");
    }

    #[test]
    fn series_align_on_every_time() {
        let mut a = Series::new("a", "");
        a.push(1000.0, 1.0);
        a.push(3000.0, 3.0);
        let mut b = Series::new("b", "");
        b.push(2000.0, 20.0);
        b.push(3000.0, 30.0);
        let (times, columns) = aligned(&[a, b]);
        assert_eq!(times, [1.0, 2.0, 3.0]);
        assert_eq!(
            columns,
            [
                vec![Some(1.0), None, Some(3.0)],
                vec![None, Some(20.0), Some(30.0)]
            ]
        );
    }
}
