//! The charts: every charted series in one live line chart (uPlot: drag to zoom, double
//! click to reset), with each series' last value, minimum, maximum and rate; pause freezes
//! the drawing while the series go on reading.

use gloo_timers::callback::Interval;
use leptos::html::Div;
use leptos::prelude::*;

use crate::payload_view::uplot::{self, UPlot};
use crate::payload_view::use_frame;

/// The chart drawn, with how many series it was made for.
type Chart = StoredValue<Option<(UPlot, usize)>, LocalStorage>;

/// How often the series read new messages, in milliseconds.
const REFRESH_MS: u32 = 500;

/// The chart panel (nothing until a series is charted).
#[component]
pub fn ChartPanel() -> impl IntoView {
    let frame = use_frame();
    let paused = RwSignal::new(false);
    let target = NodeRef::<Div>::new();
    let chart: Chart = StoredValue::new_local(None);
    // Dropped, and so stopped, with the panel.
    let _timer = StoredValue::new_local(Interval::new(REFRESH_MS, move || frame.refresh_charts()));
    Effect::new(move |_| {
        frame.chart_tick.track();
        if paused.get() {
            return;
        }
        let Some(el) = target.get() else { return };
        frame.charts.with_value(|series| draw(&el, series, chart));
    });
    let stats = move || {
        frame.chart_tick.track();
        frame.charts.with_value(|series| {
            series
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let last = s.last.map_or("-".to_owned(), |v| v.to_string());
                    view! {
                        <tr>
                            <th class="mono">{s.label()}</th>
                            <td data-testid="chart-last">{last}</td>
                            <td>{s.min.to_string()}</td>
                            <td>{s.max.to_string()}</td>
                            <td>{format!("{:.1}/s", s.rate())}</td>
                            <td>{s.count.to_string()}</td>
                            <td><button class="small" on:click=move |_| frame.remove_series(i)>"Remove"</button></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let shown = move || {
        frame.chart_tick.track();
        frame.charts.with_value(|c| !c.is_empty())
    };
    view! {
        <section class="charts" data-testid="chart-panel" class:hidden=move || !shown()>
            <h2>"Values over time"
                <button class="small" aria-pressed=move || paused.get().to_string() on:click=move |_| paused.update(|p| *p = !*p)>
                    {move || if paused.get() { "Resume" } else { "Pause" }}
                </button>
            </h2>
            <div class="chart" node_ref=target data-testid="chart"></div>
            <table class="chart-stats mono">
                <tr><th>"Series"</th><th>"Last"</th><th>"Min"</th><th>"Max"</th><th>"Rate"</th><th>"Values"</th><th></th></tr>
                {stats}
            </table>
        </section>
    }
}

/// Draws `series` into `el`: new data into the chart there, or a new chart when the
/// number of series changed.
fn draw(
    el: &web_sys::HtmlDivElement,
    series: &[crate::payload_view::model::series::Series],
    chart: Chart,
) {
    let same = chart.with_value(|c| c.as_ref().is_some_and(|(_, n)| *n == series.len()));
    if same {
        chart.with_value(|c| c.as_ref().map(|(u, _)| u.set_data(&uplot::data(series))));
        return;
    }
    chart.update_value(|c| {
        if let Some((old, _)) = c.take() {
            old.destroy();
        }
        if series.is_empty() {
            return;
        }
        let width = f64::from(el.client_width().max(320));
        *c = UPlot::new(&uplot::options(series, width), &uplot::data(series), el)
            .ok()
            .map(|u| (u, series.len()));
    });
}
