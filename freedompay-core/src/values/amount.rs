//! Money amounts: decimal, two fraction digits at most, never a float.

use core::fmt;

use crate::InvalidInput;

/// An amount of money in the payment's currency, held as an integer number of hundredths.
///
/// Amounts you send are positive, with at most two fraction digits, between 0.01 and
/// 99 999 999 (docs/protocol.md §1.1); [`Amount::parse`] and [`Amount::from_minor`] check that.
/// Amounts the gateway sends are read leniently by [`Amount::from_gateway`]: refunds come
/// negative (`-10`), balances may be zero.
///
/// On the wire an amount is written with two fraction digits unless it is whole
/// (`25`, `10.50`), the same string in the body and in the signature.
///
/// ```
/// use freedompay_core::Amount;
///
/// let amount: Amount = "1500.5".parse()?;
/// assert_eq!(amount.minor_units(), 150_050);
/// assert_eq!(amount.to_string(), "1500.50");
/// assert_eq!(Amount::parse("25")?.to_string(), "25");
/// assert!(Amount::parse("0").is_err());
/// assert!(Amount::parse("10.005").is_err());
/// assert!(Amount::parse("100000000").is_err());
/// assert_eq!(format!("{:?}", Amount::parse("2500")?), "Amount(2500.00)");
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    minor: i64,
}

impl Amount {
    /// The smallest amount the gateway accepts: 0.01.
    pub const MIN: Amount = Amount { minor: 1 };
    /// Zero: only where the documented minimum is 0 (the proposed amount of
    /// [`AnyAmountPayment`](crate::payment::AnyAmountPayment), seed 004); every other
    /// request refuses it before anything is sent.
    pub const ZERO: Amount = Amount { minor: 0 };
    /// The largest amount the gateway accepts: 99 999 999.
    pub const MAX: Amount = Amount {
        minor: 9_999_999_900,
    };

    /// Parses an amount to send: digits, optionally `.` and one or two digits; positive and
    /// within [`Amount::MIN`]..=[`Amount::MAX`].
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Self::parse_for("pg_amount", text)
    }

    /// As [`Amount::parse`], naming `field` in the error.
    pub(crate) fn parse_for(field: &'static str, text: &str) -> Result<Self, InvalidInput> {
        let minor = parse_decimal(text, false).ok_or_else(|| {
            InvalidInput::new(
                field,
                "must be a decimal number like 1500 or 1500.50, at most two fraction digits",
            )
        })?;
        Self::from_minor_for(field, minor)
    }

    /// An amount to send from a number of hundredths (tiyn, tiyin, cents): `150050` is 1500.50.
    pub fn from_minor(minor: i64) -> Result<Self, InvalidInput> {
        Self::from_minor_for("pg_amount", minor)
    }

    pub(crate) fn from_minor_for(field: &'static str, minor: i64) -> Result<Self, InvalidInput> {
        if minor < Self::MIN.minor {
            return Err(InvalidInput::new(field, "must be at least 0.01"));
        }
        if minor > Self::MAX.minor {
            return Err(InvalidInput::new(field, "must be at most 99999999"));
        }
        Ok(Self { minor })
    }

    /// A whole amount to send: `Amount::whole(25)` is 25.
    pub fn whole(units: u32) -> Result<Self, InvalidInput> {
        Self::from_minor(i64::from(units) * 100)
    }

    /// Reads an amount written by the gateway: an optional `-`, digits, optionally `.` and
    /// one or two digits (`-10`, `0.00`, `1500.5`). No range check. `None` when it is not
    /// such a number.
    pub fn from_gateway(text: &str) -> Option<Self> {
        parse_decimal(text, true).map(|minor| Self { minor })
    }

    /// The amount in hundredths.
    pub fn minor_units(self) -> i64 {
        self.minor
    }

    /// Whether the amount is below zero (only in amounts read from the gateway: refunds).
    pub fn is_negative(self) -> bool {
        self.minor < 0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let (units, hundredths) = (abs / 100, abs % 100);
        if hundredths == 0 {
            write!(f, "{sign}{units}")
        } else {
            write!(f, "{sign}{units}.{hundredths:02}")
        }
    }
}

/// `Amount(2500.00)`: always two fraction digits, so a log reads as money.
impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({})", self.to_fixed_string())
    }
}

from_text!(Amount, parse);

impl Amount {
    /// The amount with exactly two fraction digits (`2500.00`, `-10.50`): the form it
    /// serializes to and `Debug` shows.
    pub fn to_fixed_string(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A decimal string with two fraction digits (`"2500.00"`), never a float.
#[cfg(feature = "serde")]
impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fixed_string())
    }
}

/// From a decimal string (`"2500.00"`, `"25"`, `"-10"`) read as [`Amount::from_gateway`]
/// reads it: at most two fraction digits, no float, no exponent. Amounts read back from a
/// stored result may be zero or negative (refunds, balances), so there is no range check here;
/// a request refuses an amount out of range when it is prepared. A JSON number is refused:
/// it may have been a float on its way.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Amount::from_gateway(&text).ok_or_else(|| {
            serde::de::Error::custom(
                "an amount is a decimal string like \"2500.00\", at most two fraction digits",
            )
        })
    }
}

/// `[-]digits[.d[d]]` to hundredths, with no overflow. Leading zeros are accepted; nothing
/// else (no `+`, no exponent, no spaces, no separators).
fn parse_decimal(text: &str, allow_negative: bool) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return None,
        None => (false, text),
    };
    let (units, fraction) = match rest.split_once('.') {
        Some((u, f)) => (u, Some(f)),
        None => (rest, None),
    };
    if units.is_empty() || units.len() > 15 || !units.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut minor: i64 = units.parse::<i64>().ok()?.checked_mul(100)?;
    if let Some(fraction) = fraction {
        if fraction.is_empty()
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let value: i64 = fraction.parse().ok()?;
        minor += if fraction.len() == 1 {
            value * 10
        } else {
            value
        };
    }
    Some(if negative { -minor } else { minor })
}
