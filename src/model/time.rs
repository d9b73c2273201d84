//! Wall-clock times (milliseconds since the Unix epoch, as JavaScript's `Date.now()`)
//! written as ISO 8601 in UTC for exports, and as a local time of day for the views.

/// The last millisecond [`iso8601`] writes: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: f64 = 253_402_300_799_999.0;

const MS_PER_DAY: i64 = 86_400_000;

/// `at_ms` as ISO 8601 in UTC with milliseconds: `2026-11-26T10:00:00.123Z`. Fractions
/// of a millisecond are dropped; times before 1970 are written as the epoch and times
/// after 9999 as [`MAX_MS`], and NaN as the epoch, so the output always has this shape.
pub fn iso8601(at_ms: f64) -> String {
    let ms = if at_ms.is_nan() {
        0
    } else {
        at_ms.clamp(0.0, MAX_MS).floor() as i64
    };
    let (y, m, d) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    let (hh, mm, ss, milli) = time_of_day(ms.rem_euclid(MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{milli:03}Z")
}

/// The local time of day of `at_ms` as `HH:MM:SS.mmm`, for a zone `offset_minutes` ahead
/// of UTC (+60 for Central European Time, -300 for US Eastern Standard Time). Note that
/// JavaScript's `Date.getTimezoneOffset()` has the opposite sign: pass its negation.
/// NaN and infinities read as the epoch.
pub fn clock(at_ms: f64, offset_minutes: i32) -> String {
    let ms = if at_ms.is_finite() {
        at_ms.floor() as i64
    } else {
        0
    };
    let local = ms.saturating_add(i64::from(offset_minutes) * 60_000);
    let (hh, mm, ss, milli) = time_of_day(local.rem_euclid(MS_PER_DAY));
    format!("{hh:02}:{mm:02}:{ss:02}.{milli:03}")
}

/// Hours, minutes, seconds and milliseconds of `ms` milliseconds into a day.
fn time_of_day(ms: i64) -> (i64, i64, i64, i64) {
    let s = ms / 1000;
    (s / 3600, s / 60 % 60, s % 60, ms % 1000)
}

/// Year, month (1-12) and day (1-31) of `days` days after 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_709_251_199_999.0), "2024-02-29T23:59:59.999Z");
        assert_eq!(iso8601(1_709_251_200_000.0), "2024-03-01T00:00:00.000Z");
        assert_eq!(iso8601(1_795_687_200_123.0), "2026-11-26T10:00:00.123Z");
        assert_eq!(iso8601(4_107_542_400_000.0), "2100-03-01T00:00:00.000Z");
        assert_eq!(iso8601(1_234_567_890_000.5), "2009-02-13T23:31:30.000Z");
    }

    #[test]
    fn leap_years_follow_the_gregorian_rules() {
        // 1900 and 2100 are not leap years; 2000 is.
        assert_eq!(iso8601(4_107_456_000_000.0), "2100-02-28T00:00:00.000Z");
        assert_eq!(iso8601(4_107_542_399_999.0), "2100-02-28T23:59:59.999Z");
        assert_eq!(iso8601(978_220_800_000.0), "2000-12-31T00:00:00.000Z");
        assert_eq!(iso8601(978_307_200_000.0), "2001-01-01T00:00:00.000Z");
    }

    #[test]
    fn out_of_range_input_is_clamped() {
        assert_eq!(iso8601(MAX_MS), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(MAX_MS + 1.0), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(f64::INFINITY), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(-1.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(f64::NEG_INFINITY), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(f64::NAN), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walk 30 years day by day: dates must advance by exactly one day each time.
        let mut prev = civil_from_days(0);
        for days in 1..11_000 {
            let next = civil_from_days(days);
            let same_month = next.0 == prev.0 && next.1 == prev.1 && next.2 == prev.2 + 1;
            let new_month = next.2 == 1 && (next.1 == prev.1 + 1 || (next.1 == 1 && prev.1 == 12));
            assert!(same_month || new_month, "{prev:?} -> {next:?}");
            prev = next;
        }
    }

    #[test]
    fn clock_applies_the_offset() {
        let t = 1_795_687_200_123.0; // 10:00:00.123 UTC
        assert_eq!(clock(t, 0), "10:00:00.123");
        assert_eq!(clock(t, 60), "11:00:00.123");
        assert_eq!(clock(t, -630), "23:30:00.123");
        assert_eq!(clock(t, 14 * 60), "00:00:00.123");
        assert_eq!(clock(-1.0, 0), "23:59:59.999");
        assert_eq!(clock(f64::NAN, i32::MAX), clock(0.0, i32::MAX));
        assert_eq!(clock(f64::MAX, i32::MIN).len(), 12);
    }
}
