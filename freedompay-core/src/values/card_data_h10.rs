// merge: replaced by card_data.rs
//! Card data other than the number: the CVC and the expiry date (minimal stand-ins).
//!
//! Card data calls need PCI DSS certification: a merchant that is not certified must not
//! hold these values at all (docs.freedompay.kz api-9885527, api-9586997).

use zeroize::Zeroize;

use crate::InvalidInput;

/// A card's CVC/CVC2/CVV: 3 or 4 digits.
///
/// Card data under PCI DSS: it never prints (`Debug` shows `Cvc(***)`, there is no
/// `Display`), and it is wiped from memory on drop. The digits are reachable only through
/// [`Cvc::reveal`], which the SDK calls when it writes the request body.
///
/// ```
/// use freedompay_core::Cvc;
///
/// let cvc = Cvc::parse("653")?;
/// assert_eq!(format!("{cvc:?}"), "Cvc(***)");
/// assert!(Cvc::parse("65").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Cvc(String);

impl Cvc {
    /// A CVC of 3 or 4 digits.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        if !(3..=4).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new("pg_card_cvc", "a CVC has 3 or 4 digits"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The digits. Use them to put the CVC on the wire, nowhere else.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl Drop for Cvc {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl core::fmt::Debug for Cvc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Cvc(***)")
    }
}

/// A card's expiry date: month 01–12 and a two-digit year, as the gateway takes them
/// (`pg_card_month`, `pg_card_year`).
///
/// Card data under PCI DSS: `Debug` shows `Expiry(**/**)`, there is no `Display`, and the
/// digits are wiped from memory on drop.
///
/// ```
/// use freedompay_core::Expiry;
///
/// let expiry = Expiry::new(9, 2030)?;
/// assert_eq!((expiry.month_text().as_str(), expiry.year_text().as_str()), ("09", "30"));
/// assert_eq!(format!("{expiry:?}"), "Expiry(**/**)");
/// assert!(Expiry::new(13, 2030).is_err());
/// assert!(Expiry::new(9, 2030)?.is_expired_at(10, 2030));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Expiry {
    month: u8,
    year: u16,
}

impl Expiry {
    /// The expiry `month` (1–12) of `year` (2000–2099, or two digits 0–99).
    pub fn new(month: u8, year: u16) -> Result<Self, InvalidInput> {
        if !(1..=12).contains(&month) {
            return Err(InvalidInput::new("pg_card_month", "the month is 01 to 12"));
        }
        let year = match year {
            0..=99 => 2000 + year,
            2000..=2099 => year,
            _ => {
                return Err(InvalidInput::new(
                    "pg_card_year",
                    "the year is 2000 to 2099",
                ));
            }
        };
        Ok(Self { month, year })
    }

    /// Whether the card has expired in the month `month` of `year` (a card is valid through
    /// the last day of its expiry month). The SDK reads no clock: the date comes in.
    pub fn is_expired_at(&self, month: u8, year: u16) -> bool {
        (year, month) > (self.year, self.month)
    }

    /// `pg_card_month`: two digits.
    pub fn month_text(&self) -> String {
        format!("{:02}", self.month)
    }

    /// `pg_card_year`: two digits.
    pub fn year_text(&self) -> String {
        format!("{:02}", self.year % 100)
    }
}

impl Drop for Expiry {
    fn drop(&mut self) {
        self.month.zeroize();
        self.year.zeroize();
    }
}

impl core::fmt::Debug for Expiry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Expiry(**/**)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvc_is_3_or_4_digits_and_never_printed() {
        assert!(Cvc::parse("1234").is_ok());
        for bad in ["", "12", "12345", "12a", " 123"] {
            assert_eq!(
                Cvc::parse(bad).unwrap_err().field(),
                "pg_card_cvc",
                "{bad:?}"
            );
        }
        let debug = format!("{:?}", Cvc::parse("987").unwrap());
        assert!(!debug.contains("987"), "{debug}");
    }

    #[test]
    fn expiry_takes_two_or_four_digit_years() {
        let short = Expiry::new(1, 31).unwrap();
        assert_eq!(
            (short.month_text(), short.year_text()),
            ("01".into(), "31".into())
        );
        assert_eq!(short, Expiry::new(1, 2031).unwrap());
        assert_eq!(Expiry::new(0, 2031).unwrap_err().field(), "pg_card_month");
        assert_eq!(Expiry::new(1, 2100).unwrap_err().field(), "pg_card_year");
        assert_eq!(Expiry::new(1, 150).unwrap_err().field(), "pg_card_year");
    }

    #[test]
    fn a_card_is_valid_through_its_expiry_month() {
        let expiry = Expiry::new(9, 2030).unwrap();
        assert!(!expiry.is_expired_at(9, 2030));
        assert!(!expiry.is_expired_at(12, 2029));
        assert!(expiry.is_expired_at(10, 2030));
        assert!(expiry.is_expired_at(1, 2031));
        assert_eq!(format!("{expiry:?}"), "Expiry(**/**)");
    }
}
