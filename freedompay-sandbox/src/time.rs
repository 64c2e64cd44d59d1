//! The sandbox's clock and the gateway's date format (`YYYY-MM-DD HH:MM:SS`), with `jiff`
//! doing the calendar.
//!
//! Sandbox time is the wall clock (or a fixed start) plus whatever the control API advanced
//! it by; every time-based transition (payouts in `process`, holds, lifetimes, callback
//! retries, cash-by-code expiry) reads this clock, so tests can jump hours in a call.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};

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

/// The largest UTC offset a time zone can have (25:59:59), in seconds.
const MAX_UTC_OFFSET_SECS: i64 = 93_599;

/// The gateway's local date format.
const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Where [`Clock`] ids come from: they key each thread's cache of formatted instants.
static CLOCK_IDS: AtomicU64 = AtomicU64::new(0);

/// An instant formatted by a clock: the clock, the second and the text.
struct Written {
    clock: u64,
    second: i64,
    text: String,
}

impl Written {
    /// Nothing written yet (no clock has this id).
    const NONE: Written = Written {
        clock: u64::MAX,
        second: i64::MIN,
        text: String::new(),
    };
}

thread_local! {
    /// The last second this thread formatted, by format ([`Clock::format`],
    /// [`Clock::format_iso`]): replies made in the same second share the calendar work,
    /// without a lock or memory that both worker threads write.
    static LAST: RefCell<[Written; 2]> = const { RefCell::new([Written::NONE, Written::NONE]) };
}

/// The sandbox clock: milliseconds since the Unix epoch.
#[derive(Debug)]
pub(crate) struct Clock {
    mode: ClockMode,
    offset_ms: AtomicI64,
    /// The gateway's local time: a fixed offset from UTC.
    zone: TimeZone,
    /// This clock's key in each thread's cache of formatted instants.
    id: u64,
}

impl Clock {
    /// A clock whose local time is `utc_offset_secs` from UTC (kept within ±25:59:59).
    pub(crate) fn new(mode: ClockMode, utc_offset_secs: i64) -> Self {
        let secs = utc_offset_secs.clamp(-MAX_UTC_OFFSET_SECS, MAX_UTC_OFFSET_SECS);
        let offset = i32::try_from(secs)
            .ok()
            .and_then(|s| Offset::from_seconds(s).ok())
            .unwrap_or(Offset::UTC);
        Self {
            mode,
            offset_ms: AtomicI64::new(0),
            zone: TimeZone::fixed(offset),
            id: CLOCK_IDS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Sandbox time in Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let base = match self.mode {
            ClockMode::Real => Timestamp::now().as_millisecond(),
            ClockMode::Fixed(secs) => secs.clamp(0, 100_000_000_000) * 1000,
        };
        base.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// How far sandbox time was moved forward in all, in ms (kept by `--data`).
    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Sets how far sandbox time was moved forward (read back by `--data`), within the
    /// bounds of [`Clock::advance_ms`].
    pub(crate) fn set_offset_ms(&self, ms: i64) {
        self.offset_ms
            .store(ms.clamp(0, MAX_OFFSET_MS), Ordering::SeqCst);
    }

    /// Moves sandbox time forward (at most 1,000 years in all).
    pub(crate) fn advance_ms(&self, ms: i64) {
        let _ = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                Some(offset.saturating_add(ms.max(0)).min(MAX_OFFSET_MS))
            });
    }

    /// A sandbox instant in the gateway's local time zone.
    fn local(&self, unix_ms: i64) -> Zoned {
        let instant = Timestamp::from_millisecond(unix_ms).unwrap_or(if unix_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        instant.to_zoned(self.zone.clone())
    }

    /// A sandbox instant in the gateway's local format.
    pub(crate) fn format(&self, unix_ms: i64) -> String {
        let mut text = String::with_capacity(19);
        self.push_format(&mut text, unix_ms);
        text
    }

    /// Appends [`Clock::format`]'s text (a reply's values, written into one buffer).
    pub(crate) fn push_format(&self, out: &mut String, unix_ms: i64) {
        self.push_cached(0, unix_ms, out, |zoned, text| {
            let _ = write!(text, "{}", zoned.strftime(FORMAT));
        });
    }

    /// Appends `write(instant)`, remembered by this thread for the last second asked for (in
    /// slot `slot`).
    fn push_cached(
        &self,
        slot: usize,
        unix_ms: i64,
        out: &mut String,
        write: impl Fn(&Zoned, &mut String),
    ) {
        let second = unix_ms.div_euclid(1000);
        let cached = LAST.try_with(|last| {
            let mut last = last.borrow_mut();
            let written = &mut last[slot];
            if written.clock != self.id || written.second != second {
                written.text.clear();
                write(&self.local(unix_ms), &mut written.text);
                written.clock = self.id;
                written.second = second;
            }
            out.push_str(&written.text);
        });
        // A thread whose cache is gone (being torn down) writes it afresh.
        if cached.is_err() {
            write(&self.local(unix_ms), out);
        }
    }

    /// Now, formatted.
    pub(crate) fn now_text(&self) -> String {
        self.format(self.now_ms())
    }

    /// Parses a local `YYYY-MM-DD HH:MM:SS` into Unix milliseconds.
    pub(crate) fn parse(&self, text: &str) -> Option<i64> {
        let local = parse_datetime(text)?;
        let zoned = local.to_zoned(self.zone.clone()).ok()?;
        Some(zoned.timestamp().as_millisecond())
    }

    /// An instant as ISO 8601 with the local offset (`2024-09-02T12:19:01+05:00`).
    pub(crate) fn format_iso(&self, unix_ms: i64) -> String {
        let mut text = String::with_capacity(25);
        self.push_format_iso(&mut text, unix_ms);
        text
    }

    /// Appends [`Clock::format_iso`]'s text.
    pub(crate) fn push_format_iso(&self, out: &mut String, unix_ms: i64) {
        self.push_cached(1, unix_ms, out, |zoned, text| {
            let _ = write!(text, "{}", zoned.strftime("%Y-%m-%dT%H:%M:%S%:z"));
        });
    }
}

/// Parses exactly `YYYY-MM-DD HH:MM:SS` (a real calendar date and time of day): the shape is
/// checked here, the calendar by `jiff`, which otherwise also accepts `T`, fractions and
/// shorter forms the gateway does not.
pub(crate) fn parse_datetime(text: &str) -> Option<DateTime> {
    let shape = text.len() == 19
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    DateTime::strptime(FORMAT, text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let utc = Clock::new(ClockMode::Fixed(0), 0);
        assert_eq!(utc.format(0), "1970-01-01 00:00:00");
        assert_eq!(utc.format(1_590_086_661_000), "2020-05-21 18:44:21");
        assert_eq!(utc.parse("2020-05-21 18:44:21"), Some(1_590_086_661_000));
        assert_eq!(
            utc.parse("2024-02-29 00:00:00")
                .map(|ms| utc.format(ms))
                .as_deref(),
            Some("2024-02-29 00:00:00")
        );
        for bad in [
            "2023-02-29 00:00:00",
            "2020-13-01 00:00:00",
            "2020-12-31T12:00:00",
            "2020-12-31 24:00:00",
            "2020-1-31 12:00:00",
            "2020-01-31 12:00:0x",
            "2020-01-31 12:00:00.5",
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
        let west = Clock::new(ClockMode::Fixed(0), -(3 * 3600 + 30 * 60));
        assert_eq!(west.format_iso(0), "1969-12-31T20:30:00-03:30");
    }

    #[test]
    fn clocks_with_other_zones_never_share_a_cached_text() {
        let east = Clock::new(ClockMode::Fixed(0), 5 * 3600);
        let utc = Clock::new(ClockMode::Fixed(0), 0);
        for _ in 0..2 {
            // The same second, alternately on two clocks of this thread.
            assert_eq!(east.format(1_000), "1970-01-01 05:00:01");
            assert_eq!(utc.format(1_000), "1970-01-01 00:00:01");
            assert_eq!(east.format_iso(1_999), "1970-01-01T05:00:01+05:00");
            assert_eq!(utc.format_iso(1_500), "1970-01-01T00:00:01+00:00");
        }
        // Another second of the same clock.
        assert_eq!(utc.format(2_000), "1970-01-01 00:00:02");
        let mut out = String::from("at ");
        utc.push_format(&mut out, -1);
        assert_eq!(out, "at 1969-12-31 23:59:59");
    }
}
