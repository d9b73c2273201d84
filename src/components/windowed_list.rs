//! A scrolling list that draws only the rows in view ([`viewport`]): two spacers stand for
//! the rows above and below, and a fixed set of slots shows whichever rows are in the
//! window. Under a flood the slots keep their elements and only their text changes;
//! scrolling through thousands of rows costs what a screenful does.

use std::ops::Range;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::model::listing::Listing;
use crate::model::viewport;

/// How many slots one frame may add: creating a line is the costliest part of drawing,
/// so a list that fills under a flood grows over several frames.
const GROW: usize = 8;

/// The list's height in pixels until it is measured.
const UNMEASURED_PX: f64 = 800.0;

/// An `<ol>` of `shape.2` rows of [`viewport::ROW_PX`] pixels each, of which it draws
/// rows `shape.0..shape.0 + shape.1`, slot `k` showing row `shape.0 + k`.
#[component]
pub fn WindowedList<F, V>(
    /// The list's class.
    class: &'static str,
    /// Its `data-testid`.
    test_id: &'static str,
    /// `(scrollTop, clientHeight)` of the list, which it keeps up to date.
    scroll: RwSignal<(f64, f64)>,
    /// `(first, drawn, total)`: the first row of the window, how many rows the window
    /// has, and how many the whole list has.
    #[prop(into)]
    shape: Signal<(usize, usize, usize)>,
    /// Called with `true` when the list is scrolled away from its top and with `false`
    /// when it is back, before `scroll` changes (a list that does not hold has none).
    #[prop(optional)]
    on_away: Option<Callback<bool>>,
    /// Draws slot `k` (named `draw`, since `slot` means something else in `view!`).
    draw: F,
) -> impl IntoView
where
    F: Fn(usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let list_ref = NodeRef::<html::Ol>::new();
    let measure = move || {
        // A frame or an event may come after the list is gone.
        if list_ref.is_disposed() || scroll.is_disposed() {
            return;
        }
        let Some(el) = list_ref.get_untracked() else {
            return;
        };
        let now = (f64::from(el.scroll_top()), f64::from(el.client_height()));
        let before = scroll.get_untracked();
        if let Some(on_away) = on_away.filter(|_| (now.0 > 0.0) != (before.0 > 0.0)) {
            on_away.run(now.0 > 0.0);
        }
        if now != before {
            scroll.set(now);
        }
    };
    // Measure once drawn, and again when the number of rows changes: a list whose height
    // follows its rows (up to a maximum) grows without a scroll or a resize. The frame
    // after, so that the spacers have their new heights.
    Effect::new(move |_| {
        shape.with(|s| s.2);
        if list_ref.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let drawn = grown_slots(Signal::derive(move || shape.with(|s| s.1)));
    let above = move || px(shape.with(|s| s.0));
    let below = move || px(shape.with(|s| s.2 - s.0).saturating_sub(drawn.get()));
    view! {
        <ol class=class data-testid=test_id node_ref=list_ref on:scroll=move |_| measure()>
            <li class="spacer" aria-hidden="true" style:height=above></li>
            <For each=move || 0..drawn.get() key=|k| *k children=move |k| draw(k) />
            <li class="spacer" aria-hidden="true" style:height=below></li>
        </ol>
    }
}

/// The scroll state of a list that holds while scrolled away from its top, which the
/// message list, the packet log and a topic's history share: where it is scrolled, and
/// the newest row shown when it left the top (so that the rows being read do not slide
/// away under a flood; back at the top, the list is live again).
#[derive(Clone, Copy)]
pub struct HeldScroll {
    /// `(scrollTop, clientHeight)`, which [`WindowedList`] keeps up to date.
    pub scroll: RwSignal<(f64, f64)>,
    /// The newest row shown when the list left its top; `None` at the top.
    pub held_at: RwSignal<Option<u64>>,
}

impl HeldScroll {
    /// At the top, not yet measured.
    pub fn new() -> Self {
        HeldScroll {
            scroll: RwSignal::new((0.0, UNMEASURED_PX)),
            held_at: RwSignal::new(None),
        }
    }

    /// The rows in view now (tracked).
    pub fn window(self) -> Range<usize> {
        let (top, height) = self.scroll.get();
        viewport::window(top, height)
    }

    /// The list's `on_away`: holds at `listing`'s newest row when the list leaves its
    /// top, and lets go when it is back.
    pub fn on_away<R>(self, listing: Memo<Listing<R>>) -> Callback<bool>
    where
        R: Send + Sync + PartialEq + 'static,
    {
        self.on_away_at(move || listing.with_untracked(|l| l.newest))
    }

    /// The list's `on_away`, holding at `point()` when the list leaves its top.
    pub fn on_away_at(self, point: impl Fn() -> u64 + Send + Sync + 'static) -> Callback<bool> {
        let held_at = self.held_at;
        Callback::new(move |away: bool| held_at.set(away.then(&point)))
    }
}

impl Default for HeldScroll {
    fn default() -> Self {
        HeldScroll::new()
    }
}

/// `listing`'s shape, for [`WindowedList`].
pub fn shape_of<R>(listing: Memo<Listing<R>>) -> Signal<(usize, usize, usize)>
where
    R: Send + Sync + PartialEq + 'static,
{
    Signal::derive(move || listing.with(Listing::shape))
}

/// The row in slot `k` of `listing`'s window (tracked), or `blank(id)`, a placeholder
/// with an id no row has, for a slot about to go away.
pub fn slot_row<R>(listing: Memo<Listing<R>>, k: usize, blank: fn(u64) -> R) -> R
where
    R: Clone + Send + Sync + PartialEq + 'static,
{
    listing
        .with(|l| l.rows.get(k).cloned())
        .unwrap_or_else(|| blank(u64::MAX - k as u64))
}

/// How many slots to draw for `rows` rows: at most [`GROW`] more each frame until there
/// are as many as rows, and fewer at once when the rows are fewer.
fn grown_slots(rows: Signal<usize>) -> Memo<usize> {
    let slots = StoredValue::new(0usize);
    let grow = RwSignal::new(0u32);
    Memo::new(move |_| {
        grow.track();
        let rows = rows.get();
        let n = rows.min(slots.get_value() + GROW);
        slots.set_value(n);
        if n < rows {
            request_animation_frame(move || grow.update(|g| *g = g.wrapping_add(1)));
        }
        n
    })
}

/// The CSS height of a spacer for `rows` rows.
fn px(rows: usize) -> String {
    format!("{}px", viewport::spacer_px(rows))
}
