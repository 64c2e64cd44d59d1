//! Conversions to and from the types a Rust codebase already has, each behind its feature:
//!
//! | Feature | Conversions |
//! |---|---|
//! | `rust_decimal` | [`Amount`] → `rust_decimal::Decimal` (`From`, scale 2), `Decimal` → [`Amount`] (`TryFrom`: at most two fraction digits, 0.01 to 99 999 999) |
//! | `chrono` | [`DateTime`] ↔ `chrono::NaiveDateTime` |
//! | `jiff` | [`DateTime`] ↔ `jiff::civil::DateTime` |
//! | `uuid` | `uuid::Uuid` → [`IdempotencyKey`] and [`OrderId`] (`From`: its hyphenated form) |
//!
//! No conversion goes through a float. The gateway's dates carry no time zone (they are in
//! the gateway's local time), so they convert to the *civil* (naive) date-time types, never
//! to an instant. Two date-time crates are offered: `chrono`, the one most Rust payment and
//! ledger code already holds (sqlx, diesel, sea-orm and most payment SDKs map timestamps to
//! it), and `jiff`, whose civil types are the closest match and which the sandbox uses.
//! The `time` crate is left out: one more would only add a third way to say the same thing.

#[cfg(any(feature = "chrono", feature = "jiff"))]
use super::DateTime;
#[cfg(feature = "rust_decimal")]
use super::amount::Amount;
#[cfg(feature = "uuid")]
use super::{IdempotencyKey, OrderId};
#[cfg(any(feature = "rust_decimal", feature = "chrono", feature = "jiff"))]
use crate::InvalidInput;

/// `2500.00` (scale 2) for 2500, `-10.00` for a refund read from the gateway.
///
/// ```
/// use freedompay_core::Amount;
/// use rust_decimal::Decimal;
///
/// let amount = Amount::parse("1500.5")?;
/// assert_eq!(Decimal::from(amount).to_string(), "1500.50");
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[cfg(feature = "rust_decimal")]
impl From<Amount> for rust_decimal::Decimal {
    fn from(amount: Amount) -> Self {
        rust_decimal::Decimal::new(amount.minor_units(), 2)
    }
}

/// An amount to send: at most two fraction digits once trailing zeros are dropped
/// (`10.500` is 10.50, `10.005` is refused), from 0.01 to 99 999 999, as [`Amount::parse`].
///
/// ```
/// use freedompay_core::Amount;
/// use rust_decimal::Decimal;
///
/// assert_eq!(Amount::try_from(Decimal::new(150050, 2))?, Amount::parse("1500.50")?);
/// assert_eq!(Amount::try_from(Decimal::new(105000, 4))?, Amount::parse("10.5")?);
/// assert!(Amount::try_from(Decimal::new(10005, 3)).is_err()); // 10.005
/// assert!(Amount::try_from(Decimal::ZERO).is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[cfg(feature = "rust_decimal")]
impl TryFrom<rust_decimal::Decimal> for Amount {
    type Error = InvalidInput;

    fn try_from(value: rust_decimal::Decimal) -> Result<Self, InvalidInput> {
        let value = value.normalize();
        let scale = value.scale();
        if scale > 2 {
            return Err(InvalidInput::new(
                "pg_amount",
                "must have at most two fraction digits",
            ));
        }
        let minor = value
            .mantissa()
            .checked_mul(10i128.pow(2 - scale))
            .and_then(|minor| i64::try_from(minor).ok())
            .ok_or_else(|| InvalidInput::new("pg_amount", "must be at most 99999999"))?;
        Amount::from_minor(minor)
    }
}

/// The same calendar date and wall-clock time.
#[cfg(feature = "chrono")]
impl From<DateTime> for chrono::NaiveDateTime {
    fn from(value: DateTime) -> Self {
        chrono::NaiveDate::from_ymd_opt(
            i32::from(value.year()),
            u32::from(value.month()),
            u32::from(value.day()),
        )
        .and_then(|date| {
            date.and_hms_opt(
                u32::from(value.hour()),
                u32::from(value.minute()),
                u32::from(value.second()),
            )
        })
        .expect("a checked DateTime is a valid chrono date and time")
    }
}

/// The same date and time, to the second (a fraction of a second is dropped: the gateway's
/// format has none). Years outside 1 to 9999 are refused.
///
/// ```
/// use chrono::NaiveDate;
/// use freedompay_core::DateTime;
///
/// let limit = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap().and_hms_opt(23, 59, 0).unwrap();
/// let ours = DateTime::try_from(limit)?;
/// assert_eq!(ours.to_string(), "2026-12-31 23:59:00");
/// assert_eq!(chrono::NaiveDateTime::from(ours), limit);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[cfg(feature = "chrono")]
impl TryFrom<chrono::NaiveDateTime> for DateTime {
    type Error = InvalidInput;

    fn try_from(value: chrono::NaiveDateTime) -> Result<Self, InvalidInput> {
        use chrono::{Datelike, Timelike};
        let year = u16::try_from(value.year())
            .map_err(|_| InvalidInput::new("date", "the year must be 1 to 9999"))?;
        DateTime::new(
            year,
            value.month() as u8,
            value.day() as u8,
            value.hour() as u8,
            value.minute() as u8,
            // chrono keeps a leap second in the fraction: the second is 0 to 59.
            value.second() as u8,
        )
    }
}

/// The same calendar date and wall-clock time.
#[cfg(feature = "jiff")]
impl From<DateTime> for jiff::civil::DateTime {
    fn from(value: DateTime) -> Self {
        jiff::civil::DateTime::new(
            value.year() as i16,
            value.month() as i8,
            value.day() as i8,
            value.hour() as i8,
            value.minute() as i8,
            value.second() as i8,
            0,
        )
        .expect("a checked DateTime is a valid jiff civil date and time")
    }
}

/// The same date and time, to the second (a fraction of a second is dropped). Years outside
/// 1 to 9999 are refused.
///
/// ```
/// use freedompay_core::DateTime;
///
/// let limit = jiff::civil::date(2026, 12, 31).at(23, 59, 0, 0);
/// let ours = DateTime::try_from(limit)?;
/// assert_eq!(ours.to_string(), "2026-12-31 23:59:00");
/// assert_eq!(jiff::civil::DateTime::from(ours), limit);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[cfg(feature = "jiff")]
impl TryFrom<jiff::civil::DateTime> for DateTime {
    type Error = InvalidInput;

    fn try_from(value: jiff::civil::DateTime) -> Result<Self, InvalidInput> {
        let year = u16::try_from(value.year())
            .map_err(|_| InvalidInput::new("date", "the year must be 1 to 9999"))?;
        DateTime::new(
            year,
            value.month() as u8,
            value.day() as u8,
            value.hour() as u8,
            value.minute() as u8,
            value.second() as u8,
        )
    }
}

/// The UUID's hyphenated lower-case form (36 characters), a valid key by construction:
/// `IdempotencyKey::from(Uuid::new_v4())`.
///
/// ```
/// use freedompay_core::IdempotencyKey;
/// use uuid::Uuid;
///
/// let id = Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
/// assert_eq!(IdempotencyKey::from(id).as_str(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// ```
#[cfg(feature = "uuid")]
impl From<uuid::Uuid> for IdempotencyKey {
    fn from(id: uuid::Uuid) -> Self {
        IdempotencyKey(hyphenated(id))
    }
}

/// The UUID's hyphenated lower-case form (36 characters, within the 50 an order id may
/// have): an order id that is unique without a counter.
///
/// ```
/// use freedompay_core::OrderId;
/// use uuid::Uuid;
///
/// let id = Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
/// assert_eq!(OrderId::from(id).as_str(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// ```
#[cfg(feature = "uuid")]
impl From<uuid::Uuid> for OrderId {
    fn from(id: uuid::Uuid) -> Self {
        OrderId(hyphenated(id))
    }
}

#[cfg(feature = "uuid")]
fn hyphenated(id: uuid::Uuid) -> String {
    let mut buf = uuid::Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut buf).to_owned()
}
