//! Card numbers (PANs): validated, and masked whenever they are printed.

use crate::InvalidInput;

/// A card number: 13 to 20 digits with a valid Luhn check digit.
///
/// It prints masked (`4405 64** **** 1234`) in both `Debug` and `Display`; the full number
/// is only reachable through [`CardNumber::reveal`], which the SDK calls when it writes the
/// request body. Spaces and dashes are accepted on input and dropped. The digits are wiped
/// from memory (zeroized) when the value is dropped.
///
/// A card number is card data: an integration that sends one (`pg_card_pan` of the
/// [Gateway API](crate::gateway), `pg_payment_to` of a card payout) must be PCI DSS compliant.
///
/// ```
/// use freedompay_core::CardNumber;
///
/// let card = CardNumber::parse("4671 5938 6647 8252")?;
/// assert_eq!(card.to_string(), "4671 59** **** 8252");
/// assert_eq!(format!("{card:?}"), "CardNumber(4671 59** **** 8252)");
/// assert!(CardNumber::parse("4671593866478253").is_err()); // Luhn
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
///
/// With the feature `serde` it serializes masked, and has no `Deserialize`: a masked number
/// is not a card number.
///
/// ```compile_fail
/// let card: freedompay_core::CardNumber = serde_json::from_str("\"4671593866478252\"").unwrap();
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNumber {
    digits: String,
}

impl CardNumber {
    /// The shortest accepted length.
    pub const MIN_LEN: usize = 13;
    /// The longest accepted length.
    pub const MAX_LEN: usize = 20;

    /// Parses a card number, ignoring spaces and dashes.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Self::parse_for("pg_payment_to", text)
    }

    pub(crate) fn parse_for(field: &'static str, text: &str) -> Result<Self, InvalidInput> {
        // Zeroized on every path; the capacity is enough, so no partial copy is left behind.
        let mut digits = zeroize::Zeroizing::new(String::with_capacity(text.len()));
        for c in text.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(InvalidInput::new(field, "a card number has digits only")),
            }
        }
        if digits.len() < Self::MIN_LEN || digits.len() > Self::MAX_LEN {
            return Err(InvalidInput::new(
                field,
                "a card number has 13 to 20 digits",
            ));
        }
        if !luhn(&digits) {
            return Err(InvalidInput::new(
                field,
                "the card number's check digit is wrong (Luhn)",
            ));
        }
        Ok(Self {
            digits: core::mem::take(&mut *digits),
        })
    }

    /// The full number, digits only. Use it to put the number on the wire, nowhere else.
    pub fn reveal(&self) -> &str {
        &self.digits
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }

    /// The masked number: the first six and last four digits, in groups of four.
    pub fn masked(&self) -> String {
        let len = self.digits.len();
        let mut out = String::with_capacity(len + len / 4);
        for (i, c) in self.digits.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(if i < 6 || i >= len - 4 { c } else { '*' });
        }
        out
    }
}

impl Drop for CardNumber {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.digits);
    }
}

pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

masked_value!(CardNumber);

from_text!(CardNumber, parse);
