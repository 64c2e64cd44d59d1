//! Field checks with the documented limits (docs/protocol.md §1.1, §5). Every failure is a signed
//! error reply with code 9403 and a description naming the field.

use freedompay_sign::{Fields, Value};

use crate::cards;
use crate::error::ApiError;
use crate::money;
use crate::time::parse_datetime;

/// A text field, if present; a nested value where text is expected is an error.
pub(crate) fn text<'a>(fields: &'a Fields, name: &str) -> Result<Option<&'a str>, ApiError> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::Text(t)) if t.is_empty() => Ok(None),
        Some(Value::Text(t)) => Ok(Some(t)),
        Some(_) => Err(ApiError::validation(format!(
            "{name}: must be a single value"
        ))),
    }
}

/// A text field that must be there and non-empty.
pub(crate) fn required<'a>(fields: &'a Fields, name: &str) -> Result<&'a str, ApiError> {
    text(fields, name)?.ok_or_else(|| ApiError::validation(format!("{name}: required")))
}

/// An optional text of at most `max` characters.
pub(crate) fn max_len<'a>(
    fields: &'a Fields,
    name: &str,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    let value = text(fields, name)?;
    // A text of at most `max` bytes has at most `max` characters: only a longer one is
    // counted.
    if let Some(v) = value
        && v.len() > max
        && v.chars().count() > max
    {
        return Err(ApiError::validation(format!(
            "{name}: at most {max} characters"
        )));
    }
    Ok(value)
}

/// A required amount: 0.01 … 99 999 999 with at most two fraction digits.
pub(crate) fn amount(fields: &Fields, name: &str) -> Result<i64, ApiError> {
    let text = required(fields, name)?;
    money::parse_amount(text).ok_or_else(|| {
        ApiError::validation(format!(
            "{name}: must be a number from 0.01 to 99999999 with at most 2 decimals"
        ))
    })
}

/// An optional amount.
pub(crate) fn optional_amount(fields: &Fields, name: &str) -> Result<Option<i64>, ApiError> {
    match text(fields, name)? {
        None => Ok(None),
        Some(_) => amount(fields, name).map(Some),
    }
}

/// `pg_order_id`: at most 50 characters.
pub(crate) fn order_id(fields: &Fields) -> Result<Option<String>, ApiError> {
    Ok(max_len(fields, "pg_order_id", 50)?.map(str::to_owned))
}

/// `pg_description`: at most 1024 characters.
pub(crate) fn description(fields: &Fields, required_field: bool) -> Result<String, ApiError> {
    let value = max_len(fields, "pg_description", 1024)?;
    match value {
        Some(v) => Ok(v.to_owned()),
        None if required_field => Err(ApiError::validation("pg_description: required")),
        None => Ok(String::new()),
    }
}

/// An optional absolute `http(s)` URL of at most 255 characters.
pub(crate) fn url(fields: &Fields, name: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = max_len(fields, name, 255)? else {
        return Ok(None);
    };
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && !host.starts_with('/')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(Some(value.to_owned()))
        }
        _ => Err(ApiError::validation(format!(
            "{name}: must be an absolute http(s) URL"
        ))),
    }
}

/// `pg_user_id`: 1–50 characters of `[A-Za-z0-9_-]`.
pub(crate) fn user_id(fields: &Fields, required_field: bool) -> Result<Option<String>, ApiError> {
    match text(fields, "pg_user_id")? {
        None if required_field => Err(ApiError::validation("pg_user_id: required")),
        None => Ok(None),
        Some(v)
            if v.len() <= 50
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            Ok(Some(v.to_owned()))
        }
        Some(_) => Err(ApiError::validation(
            "pg_user_id: 1 to 50 characters of A-Z, a-z, 0-9, _ and -",
        )),
    }
}

/// `pg_lifetime`: 300 … 604 800 seconds, 86 400 when absent.
pub(crate) fn lifetime(fields: &Fields) -> Result<i64, ApiError> {
    match text(fields, "pg_lifetime")? {
        None => Ok(86_400),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (300..=604_800).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| ApiError::validation("pg_lifetime: seconds from 300 to 604800")),
    }
}

/// A `0`/`1` flag; `default` when absent.
pub(crate) fn flag(fields: &Fields, name: &str, default: bool) -> Result<bool, ApiError> {
    match text(fields, name)? {
        None => Ok(default),
        Some("1") | Some("true") => Ok(true),
        Some("0") | Some("false") => Ok(false),
        Some(_) => Err(ApiError::validation(format!("{name}: must be 0 or 1"))),
    }
}

/// A `YYYY-MM-DD HH:MM:SS` date-time (local time, returned as local seconds).
pub(crate) fn datetime<'a>(fields: &'a Fields, name: &str) -> Result<Option<&'a str>, ApiError> {
    match text(fields, name)? {
        None => Ok(None),
        Some(v) if parse_datetime(v).is_some() => Ok(Some(v)),
        Some(_) => Err(ApiError::validation(format!(
            "{name}: must be YYYY-MM-DD HH:MM:SS"
        ))),
    }
}

/// A card number: 13–20 digits with a valid Luhn digit.
pub(crate) fn pan<'a>(fields: &'a Fields, name: &str) -> Result<&'a str, ApiError> {
    let value = required(fields, name)?;
    if cards::valid_pan(value) {
        Ok(value)
    } else {
        Err(ApiError::validation(format!(
            "{name}: must be a card number of 13 to 20 digits"
        )))
    }
}

/// `pg_idempotency_key`: at most 255 characters.
pub(crate) fn idempotency_key(fields: &Fields) -> Result<Option<&str>, ApiError> {
    max_len(fields, "pg_idempotency_key", 255)
}

/// A payment or payout id: digits.
pub(crate) fn id(fields: &Fields, name: &str) -> Result<i64, ApiError> {
    let value = required(fields, name)?;
    value
        .parse::<i64>()
        .ok()
        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| ApiError::validation(format!("{name}: must be a number")))
}

/// A phone number: digits, optionally after `+`, 10 to 15 digits.
pub(crate) fn phone(fields: &Fields, name: &str) -> Result<String, ApiError> {
    let value = required(fields, name)?;
    let digits = value.strip_prefix('+').unwrap_or(value);
    if (10..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(ApiError::validation(format!(
            "{name}: must be a phone number of 10 to 15 digits"
        )))
    }
}

/// `pg_currency`: three capital letters, `KZT` when absent.
pub(crate) fn currency(fields: &Fields) -> Result<String, ApiError> {
    match text(fields, "pg_currency")? {
        None => Ok("KZT".into()),
        Some(v) if v.len() == 3 && v.bytes().all(|b| b.is_ascii_uppercase()) => Ok(v.to_owned()),
        Some(_) => Err(ApiError::validation(
            "pg_currency: an ISO 4217 code such as KZT",
        )),
    }
}

/// `pg_request_method` and the `*_url_method` fields: one of `allowed`, `default` when absent.
pub(crate) fn one_of(
    fields: &Fields,
    name: &str,
    allowed: &[&str],
    default: &str,
) -> Result<String, ApiError> {
    match text(fields, name)? {
        None => Ok(default.to_owned()),
        Some(v) if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) => Ok(v.to_ascii_uppercase()),
        Some(_) => Err(ApiError::validation(format!(
            "{name}: one of {}",
            allowed.join(", ")
        ))),
    }
}
