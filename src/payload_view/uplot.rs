//! uPlot, the chart library of the payload frame (npm `uplot`, loaded by `payload.html` as a
//! script before the frame's module): the three calls the charts make.
//!
//! A library rather than drawing by hand: uPlot draws thousands of points to a canvas in a
//! few milliseconds, zooms by dragging (a double click resets), and is about 20 kB gzipped.

use js_sys::{Array, JSON};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::model::series::{aligned, Series};

#[wasm_bindgen]
extern "C" {
    /// A uPlot chart.
    #[wasm_bindgen(js_name = uPlot)]
    pub type UPlot;

    /// Draws a chart of `data` with `opts` into `target`; throws when uPlot did not load.
    #[wasm_bindgen(constructor, js_class = "uPlot", catch)]
    pub fn new(opts: &JsValue, data: &JsValue, target: &Element) -> Result<UPlot, JsValue>;

    /// Draws new data.
    #[wasm_bindgen(method, js_name = setData)]
    pub fn set_data(this: &UPlot, data: &JsValue);

    /// Removes the chart.
    #[wasm_bindgen(method)]
    pub fn destroy(this: &UPlot);
}

/// Line colours, one a series in turn.
const COLOURS: [&str; 6] = [
    "#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#0a7ea4",
];

/// uPlot's options for `series` at `width` pixels: time on x, one line each, gaps spanned,
/// drag to zoom on x.
pub fn options(series: &[Series], width: f64) -> JsValue {
    let lines: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = JSON::stringify(&JsValue::from_str(&s.label()))
                .ok()
                .and_then(|l| l.as_string())
                .unwrap_or_else(|| "\"\"".into());
            let colour = COLOURS[i % COLOURS.len()];
            format!(r#"{{"label":{label},"stroke":"{colour}","width":1.5,"spanGaps":true}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"width":{width},"height":240,"scales":{{"x":{{"time":true}}}},"cursor":{{"drag":{{"x":true,"y":false}}}},"series":[{{}},{}]}}"#,
        lines.join(",")
    );
    JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// The series as uPlot's data: the times, then each series' values (null where none).
pub fn data(series: &[Series]) -> JsValue {
    let (times, columns) = aligned(series);
    let out = Array::new();
    out.push(
        &times
            .iter()
            .map(|t| JsValue::from_f64(*t))
            .collect::<Array>(),
    );
    for column in columns {
        let values = column
            .iter()
            .map(|v| v.map_or(JsValue::NULL, JsValue::from_f64))
            .collect::<Array>();
        out.push(&values);
    }
    out.into()
}
