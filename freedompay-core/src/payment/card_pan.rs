//! The masked card numbers the gateway reports (`pg_card_pan`, `pg_card_hash`).

use core::fmt;

use crate::wire::FromWire;

/// A card number as FreedomPay reports it, masked (`5483-18XX-XXXX-0293`).
///
/// The gateway masks it already; `Debug` and `Display` mask it again (any digit besides the
/// first six and the last four becomes `*`), so a full number sent by mistake never reaches
/// a log. [`MaskedPan::as_received`] gives the text as it came.
///
/// ```
/// use freedompay_core::payment::MaskedPan;
///
/// let pan = MaskedPan::new("5483-18XX-XXXX-0293");
/// assert_eq!(pan.to_string(), "5483-18XX-XXXX-0293");
/// assert_eq!(pan.last4(), Some("0293"));
/// let full = MaskedPan::new("4405640000006150");
/// assert_eq!(format!("{full:?}"), "MaskedPan(440564******6150)");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MaskedPan(String);

impl MaskedPan {
    /// Wraps a reported card number.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as received. It is masked by the gateway; do not log it if you doubt that.
    pub fn as_received(&self) -> &str {
        &self.0
    }

    /// The last four characters when they are digits.
    pub fn last4(&self) -> Option<&str> {
        let start = self.0.len().checked_sub(4)?;
        let tail = self.0.get(start..)?;
        tail.bytes().all(|b| b.is_ascii_digit()).then_some(tail)
    }

    fn masked(&self) -> String {
        let digits = self.0.chars().filter(char::is_ascii_digit).count();
        let mut seen = 0;
        self.0
            .chars()
            .map(|c| {
                if !c.is_ascii_digit() {
                    return c;
                }
                seen += 1;
                if seen <= 6 || seen > digits.saturating_sub(4) {
                    c
                } else {
                    '*'
                }
            })
            .collect()
    }
}

impl fmt::Display for MaskedPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for MaskedPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MaskedPan({})", self.masked())
    }
}

/// The masked text (as `Display`), never more than the first six and last four digits.
#[cfg(feature = "serde")]
impl serde::Serialize for MaskedPan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

/// From a masked text: it is already the value (a reported mask, not a card number), so a
/// stored result reads back the same.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for MaskedPan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(MaskedPan(MaskedPan(text).masked()))
    }
}

impl FromWire for MaskedPan {
    fn from_wire(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| MaskedPan::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_kept() {
        assert_eq!(MaskedPan::new("1234").to_string(), "1234");
        assert_eq!(MaskedPan::new("1234567890").to_string(), "1234567890");
        assert_eq!(MaskedPan::new("12345678901").to_string(), "123456*8901");
        assert_eq!(MaskedPan::new("XX").last4(), None);
    }
}
