//! Reading a verified reply's fields into typed values.

use core::fmt;
use std::borrow::Cow;

use freedompay_sign::Fields;

use crate::{Amount, DateTime, PaymentId};

/// A value type the gateway writes as text.
///
/// Implemented for the SDK's values; implement it for your own types to read them with
/// [`Response::get`].
pub trait FromWire: Sized {
    /// The value of this text, or `None` when it is not one.
    fn from_wire(text: &str) -> Option<Self>;
}

impl FromWire for String {
    fn from_wire(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromWire for u32 {
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl FromWire for u64 {
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

/// `1`/`0`, `true`/`false`.
impl FromWire for bool {
    fn from_wire(text: &str) -> Option<Self> {
        match text.trim() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        }
    }
}

impl FromWire for Amount {
    fn from_wire(text: &str) -> Option<Self> {
        Amount::from_gateway(text.trim())
    }
}

impl FromWire for PaymentId {
    fn from_wire(text: &str) -> Option<Self> {
        PaymentId::parse(text.trim()).ok()
    }
}

impl FromWire for DateTime {
    fn from_wire(text: &str) -> Option<Self> {
        DateTime::parse(text.trim()).ok()
    }
}

/// A field of a verified reply that is missing or unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    field: Cow<'static, str>,
    missing: bool,
}

impl ReadError {
    /// The field is required and absent (or empty).
    pub fn missing(field: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            missing: true,
        }
    }

    /// The field is there but not of the expected form.
    pub fn invalid(field: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            missing: false,
        }
    }

    /// The field's name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Whether it was missing (rather than unreadable).
    pub fn is_missing(&self) -> bool {
        self.missing
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.missing {
            write!(f, "the reply has no {}", self.field)
        } else {
            write!(f, "the reply's {} is not of the expected form", self.field)
        }
    }
}

impl std::error::Error for ReadError {}

/// The fields of a reply whose signature was verified, with typed accessors.
///
/// Values the gateway leaves empty or writes as the literal `undefined` (seen in live
/// callbacks) read as absent.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    fields: &'a Fields,
}

impl<'a> Response<'a> {
    /// Wraps verified fields. Only call this with fields whose signature was checked.
    pub fn new(fields: &'a Fields) -> Self {
        Self { fields }
    }

    /// All the fields, unknown ones included.
    pub fn fields(&self) -> &'a Fields {
        self.fields
    }

    /// The text of a top-level field, as received.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.fields.text(name)
    }

    fn present(&self, name: &str) -> Option<&'a str> {
        self.fields
            .text(name)
            .filter(|t| !t.trim().is_empty() && *t != "undefined")
    }

    /// A required text field.
    pub fn required(&self, name: &'static str) -> Result<&'a str, ReadError> {
        self.present(name).ok_or_else(|| ReadError::missing(name))
    }

    /// An optional typed field: `Ok(None)` when absent, empty or `undefined`; an error when
    /// present but unreadable.
    pub fn get<T: FromWire>(&self, name: &'static str) -> Result<Option<T>, ReadError> {
        match self.present(name) {
            None => Ok(None),
            Some(text) => T::from_wire(text)
                .map(Some)
                .ok_or_else(|| ReadError::invalid(name)),
        }
    }

    /// A required typed field.
    pub fn require<T: FromWire>(&self, name: &'static str) -> Result<T, ReadError> {
        self.get(name)?.ok_or_else(|| ReadError::missing(name))
    }

    /// An optional field read leniently: `None` when absent or unreadable. For informational
    /// fields whose form the documentation does not pin down.
    pub fn lenient<T: FromWire>(&self, name: &str) -> Option<T> {
        self.present(name).and_then(T::from_wire)
    }

    /// A payment id field where `0` means "not found" (get_status2, payment_status2).
    pub fn payment_id_or_zero(&self, name: &'static str) -> Result<Option<PaymentId>, ReadError> {
        match self.present(name) {
            None => Ok(None),
            Some(t) if t.trim() == "0" => Ok(None),
            Some(t) => PaymentId::parse(t.trim())
                .map(Some)
                .map_err(|_| ReadError::invalid(name)),
        }
    }
}
