//! The page's two clocks: a monotonic one for the core and the redraw pacing, the wall clock
//! for people (what the driver, the state and the views all read).

use mqttscope_proto::client::Instant;

thread_local! {
    /// The page's `performance` object, looked up once: the driver reads the clock for
    /// every packet, and each lookup is a call into JS.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// Milliseconds since the page loaded (`performance.now()`), monotonic.
pub fn monotonic_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or_else(js_sys::Date::now, |p| p.now()))
}

/// The core's clock: whole milliseconds of [`monotonic_ms`].
pub fn now() -> Instant {
    instant(monotonic_ms())
}

/// [`monotonic_ms`] as the core's clock (whole milliseconds, never before the page loaded).
pub fn instant(monotonic_ms: f64) -> Instant {
    Instant::from_millis(monotonic_ms.max(0.0) as u64)
}

/// A time another context (a worker) read as `performance.timeOrigin + performance.now()`,
/// on [`monotonic_ms`]'s clock.
pub fn from_shared_ms(shared_ms: f64) -> f64 {
    let origin = PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.time_origin()));
    shared_ms - origin
}

/// The wall clock, in milliseconds since the Unix epoch (for timestamps shown and
/// exported).
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

thread_local! {
    /// The local time zone's offset, read once (every message line shows a clock time).
    static UTC_OFFSET: i32 = -(js_sys::Date::new_0().get_timezone_offset() as i32);
}

/// The local time zone's offset from UTC in minutes (east positive), for clock times.
pub fn utc_offset_minutes() -> i32 {
    UTC_OFFSET.with(|o| *o)
}
