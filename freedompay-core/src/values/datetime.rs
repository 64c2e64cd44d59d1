//! The gateway's `YYYY-MM-DD HH:MM:SS` timestamps, without a time zone.

use core::fmt;

use crate::InvalidInput;

/// A date and time as FreedomPay writes it: `YYYY-MM-DD HH:MM:SS`, in the gateway's local
/// time (no zone is given on the wire).
///
/// Used for `pg_order_time_limit` in payouts and for the dates in responses. The SDK reads no
/// clock: you pass the time in.
///
/// ```
/// use freedompay_core::DateTime;
///
/// let limit: DateTime = "2026-12-31 23:59:00".parse()?;
/// assert_eq!(limit.to_string(), "2026-12-31 23:59:00");
/// assert!(DateTime::parse("2026-02-30 10:00:00").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateTime {
    /// A date and time from its parts, checked (the day against the month, leap years).
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, InvalidInput> {
        let bad = || InvalidInput::new("date", "not a valid date and time");
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(bad());
        }
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days {
            return Err(bad());
        }
        Ok(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Parses `YYYY-MM-DD HH:MM:SS`.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let bad = || InvalidInput::new("date", "must be written YYYY-MM-DD HH:MM:SS");
        let b = text.as_bytes();
        if b.len() != 19
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b' '
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let num = |range: core::ops::Range<usize>| -> Result<u16, InvalidInput> {
            let part = &text[range];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let small = |range| num(range).map(|v| v as u8);
        Self::new(
            num(0..4)?,
            small(5..7)?,
            small(8..10)?,
            small(11..13)?,
            small(14..16)?,
            small(17..19)?,
        )
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The second.
    pub fn second(&self) -> u8 {
        self.second
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

from_text!(DateTime, parse);

serde_text!(DateTime);
