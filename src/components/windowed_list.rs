//! A scrolling list that draws only the rows in view ([`viewport`]): two spacers stand for
//! the rows above and below, and a fixed set of slots shows whichever rows are in the
//! window. Under a flood the slots keep their elements and only their text changes;
//! scrolling through thousands of rows costs what a screenful does.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

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

/// An `on_away` for a list that holds while scrolled away from its top: it sets `held_at`
/// to `newest()` (the newest row shown) when the list leaves its top, and clears it when
/// the list is back.
pub fn hold_while_scrolled(
    held_at: RwSignal<Option<u64>>,
    newest: impl Fn() -> u64 + Send + Sync + 'static,
) -> Callback<bool> {
    Callback::new(move |away: bool| held_at.set(away.then(&newest)))
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

/// The height of the list to assume until it is measured, for [`WindowedList`]'s users.
pub fn initial_scroll() -> (f64, f64) {
    (0.0, UNMEASURED_PX)
}
