//! The sandbox's clock and the gateway's date format (`YYYY-MM-DD HH:MM:SS`).
//!
//! Sandbox time is the wall clock (or a fixed start) plus whatever the control API advanced
//! it by; every time-based transition (payouts in `process`, holds, lifetimes, callback
//! retries, cash-by-code expiry) reads this clock, so tests can jump hours in a call.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where sandbox time starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// The wall clock, plus every advance: time-based transitions also happen by themselves
    /// as real time passes.
    Real,
    /// A fixed instant (Unix seconds) that moves only when advanced: fully deterministic.
    Fixed(i64),
}

/// How far sandbox time may be advanced in total: 1,000 years, so that every date stays
/// printable and no arithmetic on it can overflow.
const MAX_OFFSET_MS: i64 = 1000 * 366 * 86_400_000;

/// The sandbox clock: milliseconds since the Unix epoch.
#[derive(Debug)]
pub(crate) struct Clock {
    mode: ClockMode,
    offset_ms: AtomicI64,
    utc_offset_secs: i64,
}

impl Clock {
    pub(crate) fn new(mode: ClockMode, utc_offset_secs: i64) -> Self {
        Self {
            mode,
            offset_ms: AtomicI64::new(0),
            utc_offset_secs,
        }
    }

    /// Sandbox time in Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let base = match self.mode {
            ClockMode::Real => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            ClockMode::Fixed(secs) => secs.clamp(0, 100_000_000_000) * 1000,
        };
        base.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves sandbox time forward (at most 1,000 years in all).
    pub(crate) fn advance_ms(&self, ms: i64) {
        let _ = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                Some(offset.saturating_add(ms.max(0)).min(MAX_OFFSET_MS))
            });
    }

    /// A sandbox instant in the gateway's local format.
    pub(crate) fn format(&self, unix_ms: i64) -> String {
        format_datetime(unix_ms.div_euclid(1000) + self.utc_offset_secs)
    }

    /// Now, formatted.
    pub(crate) fn now_text(&self) -> String {
        self.format(self.now_ms())
    }

    /// Parses a local `YYYY-MM-DD HH:MM:SS` into Unix milliseconds.
    pub(crate) fn parse(&self, text: &str) -> Option<i64> {
        parse_datetime(text).map(|secs| (secs - self.utc_offset_secs) * 1000)
    }

    /// An instant as ISO 8601 with the local offset (`2024-09-02T12:19:01+05:00`).
    pub(crate) fn format_iso(&self, unix_ms: i64) -> String {
        let local = format_datetime(unix_ms.div_euclid(1000) + self.utc_offset_secs);
        let off = self.utc_offset_secs;
        let sign = if off < 0 { '-' } else { '+' };
        let abs = off.abs();
        format!(
            "{}T{}{sign}{:02}:{:02}",
            &local[..10],
            &local[11..],
            abs / 3600,
            (abs % 3600) / 60
        )
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Seconds since the epoch (already shifted to local time) as `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn format_datetime(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses exactly `YYYY-MM-DD HH:MM:SS` (a real calendar date) into seconds since the epoch.
pub(crate) fn parse_datetime(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &text[range];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > month_days[(mo - 1) as usize] {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(format_datetime(0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(1_590_086_661), "2020-05-21 18:44:21");
        assert_eq!(parse_datetime("2020-05-21 18:44:21"), Some(1_590_086_661));
        assert_eq!(
            parse_datetime("2024-02-29 00:00:00")
                .map(format_datetime)
                .as_deref(),
            Some("2024-02-29 00:00:00")
        );
        for bad in [
            "2023-02-29 00:00:00",
            "2020-13-01 00:00:00",
            "2020-12-31T12:00:00",
            "2020-12-31 24:00:00",
            "2020-1-31 12:00:00",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn clock_advances_and_formats_with_its_offset() {
        let clock = Clock::new(ClockMode::Fixed(1_590_086_661), 5 * 3600);
        assert_eq!(clock.now_text(), "2020-05-21 23:44:21");
        clock.advance_ms(3_600_000);
        assert_eq!(clock.now_text(), "2020-05-22 00:44:21");
        assert_eq!(clock.parse("2020-05-22 00:44:21"), Some(clock.now_ms()));
        assert_eq!(
            clock.format_iso(clock.now_ms()),
            "2020-05-22T00:44:21+05:00"
        );
    }
}
