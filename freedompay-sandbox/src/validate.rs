//! Field checks with the documented limits (docs/protocol.md §1.1, §5). Every failure is a signed
//! error reply with code 9403 and a description naming the field.

use freedompay_sign::{Fields, Value};

use crate::wire::{FlatForm, KNOWN_NAMES, Message, known_id, known_place};

use crate::cards;
use crate::error::ApiError;
use crate::money;
use crate::time::parse_datetime;

/// One of the usual field names (those a form is decoded with uncopied, `crate::wire`), with
/// its place among them: a [`Picked`] message gives its value at once.
#[derive(Clone, Copy)]
pub(crate) struct Usual {
    /// The name.
    pub(crate) name: &'static str,
    place: u8,
}

impl Usual {
    /// `name`, which must be a usual name: in a constant, anything else fails to compile.
    pub(crate) const fn new(name: &'static str) -> Self {
        Usual {
            name,
            place: known_place(name),
        }
    }
}

/// A field's value as the validators see it: a text, or a nested value (refused where a
/// text is expected).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found<'a> {
    /// A text.
    Text(&'a str),
    /// A map or a list.
    Nested,
}

impl<'a> From<&'a Value> for Found<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Text(text) => Found::Text(text),
            _ => Found::Nested,
        }
    }
}

/// The value of the first field named `name` of a message, as [`Fields::get`] finds it.
#[inline]
pub(crate) fn find<'a>(message: &'a Message<'_>, name: Usual) -> Option<Found<'a>> {
    match message {
        Message::Flat(form) => form.known(name.place).map(Found::Text),
        Message::Tree(fields) => fields.get(name.name).map(Found::from),
    }
}

/// A message's first value of each usual name, found at once: an operation that reads many
/// fields gets each without searching the message each time.
// Made once on the stack of the operation that reads it, never moved around: the array is
// not worth a heap allocation of its own.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Picked<'a> {
    /// A tree's, found in one pass over it.
    Tree([Option<Found<'a>>; KNOWN_NAMES]),
    /// A flat form's, which knows where each is.
    Flat(&'a FlatForm<'a>),
}

impl<'a> Picked<'a> {
    /// The first value of each usual name of `fields`.
    pub(crate) fn new(fields: &'a Fields) -> Self {
        let mut picked = [None; KNOWN_NAMES];
        for field in fields {
            if let Some(slot) = known_id(field.name().as_bytes())
                .and_then(|place| picked.get_mut(usize::from(place)))
                && slot.is_none()
            {
                *slot = Some(Found::from(field.value()));
            }
        }
        Picked::Tree(picked)
    }

    /// The first value of each usual name of a message.
    pub(crate) fn of_message(message: &'a Message<'a>) -> Self {
        match message {
            Message::Tree(fields) => Picked::new(fields),
            Message::Flat(form) => Picked::Flat(form),
        }
    }

    /// The first value named `name`, as [`Fields::get`] finds it.
    #[inline]
    pub(crate) fn get(&self, name: Usual) -> Option<Found<'a>> {
        match self {
            Picked::Tree(picked) => picked.get(usize::from(name.place)).copied().flatten(),
            Picked::Flat(form) => form.known(name.place).map(Found::Text),
        }
    }
}

/// A text field, if present; a nested value where text is expected is an error.
pub(crate) fn text<'a>(fields: &'a Fields, name: &str) -> Result<Option<&'a str>, ApiError> {
    text_of(fields.get(name).map(Found::from), name)
}

/// [`text`] of the value found for `name`.
#[inline]
pub(crate) fn text_of<'a>(
    value: Option<Found<'a>>,
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    match value {
        None => Ok(None),
        Some(Found::Text("")) => Ok(None),
        Some(Found::Text(t)) => Ok(Some(t)),
        Some(Found::Nested) => Err(ApiError::validation(format!(
            "{name}: must be a single value"
        ))),
    }
}

/// A text field that must be there and non-empty.
pub(crate) fn required<'a>(fields: &'a Fields, name: &str) -> Result<&'a str, ApiError> {
    required_of(fields.get(name).map(Found::from), name)
}

/// [`required`] of the value found for `name`.
#[inline]
pub(crate) fn required_of<'a>(value: Option<Found<'a>>, name: &str) -> Result<&'a str, ApiError> {
    text_of(value, name)?.ok_or_else(|| ApiError::validation(format!("{name}: required")))
}

/// An optional text of at most `max` characters.
pub(crate) fn max_len<'a>(
    fields: &'a Fields,
    name: &str,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    max_len_of(fields.get(name).map(Found::from), name, max)
}

/// [`max_len`] of the value found for `name`.
#[inline]
pub(crate) fn max_len_of<'a>(
    value: Option<Found<'a>>,
    name: &str,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    let value = text_of(value, name)?;
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
    amount_of(fields.get(name).map(Found::from), name)
}

/// [`amount`] of the value found for `name`.
pub(crate) fn amount_of(value: Option<Found<'_>>, name: &str) -> Result<i64, ApiError> {
    let text = required_of(value, name)?;
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
    Ok(order_id_of(fields.get("pg_order_id").map(Found::from))?.map(str::to_owned))
}

/// [`order_id`] of the value found for `pg_order_id`, borrowed.
pub(crate) fn order_id_of(value: Option<Found<'_>>) -> Result<Option<&str>, ApiError> {
    max_len_of(value, "pg_order_id", 50)
}

/// `pg_description`: at most 1024 characters.
pub(crate) fn description(fields: &Fields, required_field: bool) -> Result<String, ApiError> {
    description_of(
        fields.get("pg_description").map(Found::from),
        required_field,
    )
    .map(str::to_owned)
}

/// [`description`] of the value found for `pg_description`, borrowed.
pub(crate) fn description_of(
    value: Option<Found<'_>>,
    required_field: bool,
) -> Result<&str, ApiError> {
    let value = max_len_of(value, "pg_description", 1024)?;
    match value {
        Some(v) => Ok(v),
        None if required_field => Err(ApiError::validation("pg_description: required")),
        None => Ok(""),
    }
}

/// An optional absolute `http(s)` URL of at most 255 characters.
pub(crate) fn url(fields: &Fields, name: &str) -> Result<Option<String>, ApiError> {
    Ok(url_of(fields.get(name).map(Found::from), name)?.map(str::to_owned))
}

/// [`url`] of the value found for `name`, borrowed.
pub(crate) fn url_of<'a>(
    value: Option<Found<'a>>,
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    let Some(value) = max_len_of(value, name, 255)? else {
        return Ok(None);
    };
    // The scheme in any case (`HTTPS://`), as a lowercased copy would compare it.
    let after = |scheme: &str| {
        value
            .get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|head| &value[head.len()..])
    };
    let rest = after("http://").or_else(|| after("https://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && !host.starts_with('/')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(Some(value))
        }
        _ => Err(ApiError::validation(format!(
            "{name}: must be an absolute http(s) URL"
        ))),
    }
}

/// `pg_user_id`: 1–50 characters of `[A-Za-z0-9_-]`.
pub(crate) fn user_id(fields: &Fields, required_field: bool) -> Result<Option<String>, ApiError> {
    Ok(user_id_of(fields.get("pg_user_id").map(Found::from), required_field)?.map(str::to_owned))
}

/// [`user_id`] of the value found for `pg_user_id`, borrowed.
pub(crate) fn user_id_of(
    value: Option<Found<'_>>,
    required_field: bool,
) -> Result<Option<&str>, ApiError> {
    match text_of(value, "pg_user_id")? {
        None if required_field => Err(ApiError::validation("pg_user_id: required")),
        None => Ok(None),
        Some(v)
            if v.len() <= 50
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            Ok(Some(v))
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
    datetime_of(fields.get(name).map(Found::from), name)
}

/// [`datetime`] of the value found for `name`.
pub(crate) fn datetime_of<'a>(
    value: Option<Found<'a>>,
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    match text_of(value, name)? {
        None => Ok(None),
        Some(v) if parse_datetime(v).is_some() => Ok(Some(v)),
        Some(_) => Err(ApiError::validation(format!(
            "{name}: must be YYYY-MM-DD HH:MM:SS"
        ))),
    }
}

/// A card number: 13–20 digits with a valid Luhn digit.
pub(crate) fn pan<'a>(fields: &'a Fields, name: &str) -> Result<&'a str, ApiError> {
    pan_of(fields.get(name).map(Found::from), name)
}

/// [`pan`] of the value found for `name`.
pub(crate) fn pan_of<'a>(value: Option<Found<'a>>, name: &str) -> Result<&'a str, ApiError> {
    let value = required_of(value, name)?;
    if cards::valid_pan(value) {
        Ok(value)
    } else {
        Err(ApiError::validation(format!(
            "{name}: must be a card number of 13 to 20 digits"
        )))
    }
}

/// `pg_idempotency_key` (the value found for it): at most 255 characters.
pub(crate) fn idempotency_key_of(value: Option<Found<'_>>) -> Result<Option<&str>, ApiError> {
    max_len_of(value, "pg_idempotency_key", 255)
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
    currency_of(fields.get("pg_currency").map(Found::from)).map(str::to_owned)
}

/// [`currency`] of the value found for `pg_currency`, borrowed.
pub(crate) fn currency_of(value: Option<Found<'_>>) -> Result<&str, ApiError> {
    match text_of(value, "pg_currency")? {
        None => Ok("KZT"),
        Some(v) if v.len() == 3 && v.bytes().all(|b| b.is_ascii_uppercase()) => Ok(v),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_http_in_any_case_without_spaces() {
        fn url(text: &str) -> Option<&str> {
            url_of(Some(Found::Text(text)), "pg_post_link")
                .ok()
                .flatten()
        }
        for good in [
            "http://a",
            "https://example.com/x?y=1",
            "HTTPS://Example.com",
            "hTtP://a/b",
        ] {
            assert_eq!(url(good), Some(good), "{good}");
        }
        for bad in [
            "https://",
            "http:///a",
            "ftp://a",
            "https:/a",
            "http://a b",
            "https://a\tb",
            "xhttp://a",
            "http",
            "ä://a",
            "httpä//a",
        ] {
            assert_eq!(url(bad), None, "{bad}");
        }
        assert_eq!(url(""), None);
        assert!(url_of(Some(Found::Nested), "pg_post_link").is_err());
        let long = format!("https://{}", "a".repeat(300));
        assert!(url_of(Some(Found::Text(&long)), "pg_post_link").is_err());
    }

    #[test]
    fn picked_gives_what_fields_get_gives() {
        let mut fields = Fields::new();
        fields
            .push("pg_amount", "1")
            .push("pg_other", "x")
            .push_map("pg_description", Fields::new())
            .push("pg_amount", "2")
            .push_static("pg_order_id", "o-1")
            .push("pg_description", "later");
        let picked = Picked::new(&fields);
        for name in [
            Usual::new("pg_amount"),
            Usual::new("pg_order_id"),
            Usual::new("pg_description"),
            Usual::new("pg_currency"),
            Usual::new("pg_sig"),
        ] {
            assert_eq!(
                picked.get(name),
                fields.get(name.name).map(Found::from),
                "{}",
                name.name
            );
        }
        let error = |r: Result<String, ApiError>| r.map_err(|e| e.description);
        assert_eq!(
            error(
                description_of(picked.get(Usual::new("pg_description")), true).map(str::to_owned)
            ),
            error(description(&fields, true))
        );
    }
}
