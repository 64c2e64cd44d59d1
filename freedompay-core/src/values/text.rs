//! Free texts with documented limits.

use crate::InvalidInput;

/// A description shown to the payer or recipient (`pg_description`): 1 to 1024 characters.
///
/// ```
/// use freedompay_core::Description;
///
/// assert!(Description::new("Оплата заказа №1").is_ok());
/// assert!(Description::new("").is_err());
/// assert!(Description::new("я".repeat(1025)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(String);

impl Description {
    /// The longest description, in characters.
    pub const MAX_LEN: usize = 1024;

    /// Checks and takes a description.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidInput> {
        let text = text.into();
        let len = text.chars().count();
        if len == 0 {
            return Err(InvalidInput::new("pg_description", "must not be empty"));
        }
        if len > Self::MAX_LEN {
            return Err(InvalidInput::new(
                "pg_description",
                "must be at most 1024 characters",
            ));
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(Description => new);

/// A phone number, digits only on the wire: 10 to 15 digits. A leading `+`, spaces, dashes
/// and parentheses are accepted and dropped.
///
/// Most calls take it in international form with the country code (`77017777777`); cash by
/// code (`cbc/check`, seed 002) takes it **without** the country code (`7073175200`, 10
/// digits), and [`CashByCodeCheck`](crate::payout::CashByCodeCheck) refuses any other length.
///
/// ```
/// use freedompay_core::Phone;
///
/// assert_eq!(Phone::new("+7 (701) 777-77-77")?.as_str(), "77017777777");
/// assert!(Phone::new("12345").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Checks and takes a phone number.
    pub fn new(text: &str) -> Result<Self, InvalidInput> {
        Self::new_for("pg_phone", text)
    }

    pub(crate) fn new_for(field: &'static str, text: &str) -> Result<Self, InvalidInput> {
        let mut digits = String::with_capacity(text.len());
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '(' | ')' => {}
                _ => {
                    return Err(InvalidInput::new(
                        field,
                        "a phone number has digits only (and an optional leading '+')",
                    ));
                }
            }
        }
        if !(10..=15).contains(&digits.len()) {
            return Err(InvalidInput::new(
                field,
                "a phone number has 10 to 15 digits with the country code",
            ));
        }
        Ok(Self(digits))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

display_as!(Phone => as_str);

from_text!(Phone, new);

serde_text!(Phone);
