//! Card data for the Gateway API: the security code, the expiry date, the holder's name, and
//! the four together with the number ([`CardData`]).
//!
//! **PCI DSS.** Every type here is card data. FreedomPay's Gateway API takes it only from
//! merchants that are PCI DSS compliant (docs.freedompay.kz api-9586997, "SecureBox" and the
//! manager's permission): an integration that builds these values handles card data and is in
//! the scope of PCI DSS. The SDK keeps them out of sight: `Debug` is masked (the security code
//! is never shown at all, not even its length), there is no `Display`, errors name the field
//! and the rule but never the value, and every value is wiped from memory (zeroized) when it
//! is dropped. The values reach the wire only through the request body the SDK signs.

use core::fmt;

use zeroize::{Zeroize, Zeroizing};

use crate::{CardNumber, InvalidInput};

/// A card's security code (CVC2/CVV2/CVC): 3 or 4 digits.
///
/// Card data (PCI DSS): never stored after the payment; `Debug` prints `Cvc(***)` whatever
/// the code, there is no `Display`, and the digits are zeroized on drop.
///
/// ```
/// use freedompay_core::Cvc;
///
/// let cvc = Cvc::parse("653")?;
/// assert_eq!(format!("{cvc:?}"), "Cvc(***)");
/// assert!(Cvc::parse("65").is_err());
/// assert!(Cvc::parse("65a").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Cvc {
    digits: String,
}

impl Cvc {
    /// Parses a security code: 3 or 4 digits, nothing else.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let text = text.trim();
        if !(3..=4).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "pg_card_cvc",
                "a security code has 3 or 4 digits",
            ));
        }
        Ok(Self {
            digits: text.to_owned(),
        })
    }

    /// The digits, for the request body only.
    pub(crate) fn reveal(&self) -> &str {
        &self.digits
    }
}

impl Drop for Cvc {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

impl fmt::Debug for Cvc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cvc(***)")
    }
}

from_text!(Cvc, parse);

/// A card's expiry date: a month (01–12) and a year, the card being valid through the end of
/// that month.
///
/// Card data (PCI DSS): `Debug` prints `Expiry(**/**)`, there is no `Display`, and the value
/// is zeroized on drop. The year may be given with two digits (`27`: 2027) or four (`2027`);
/// the Gateway API takes two of each (`pg_card_month` `09`, `pg_card_year` `27`,
/// docs.freedompay.kz api-9586997). The SDK reads no clock: whether the card has expired is
/// asked with a date the caller passes ([`Expiry::is_expired_at`]).
///
/// ```
/// use freedompay_core::Expiry;
///
/// let expiry = Expiry::new(9, 27)?;
/// assert_eq!(expiry, Expiry::parse("09/2027")?);
/// assert_eq!(format!("{expiry:?}"), "Expiry(**/**)");
/// assert!(!expiry.is_expired_at(2027, 9)); // valid through September 2027
/// assert!(expiry.is_expired_at(2027, 10));
/// assert!(Expiry::new(13, 27).is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Expiry {
    month: u8,
    /// The full year (2000–2099).
    year: u16,
}

impl Expiry {
    /// An expiry of `month` (1–12) in `year`: two digits (0–99, in 2000–2099) or four
    /// (2000–2099).
    pub fn new(month: u8, year: u16) -> Result<Self, InvalidInput> {
        if !(1..=12).contains(&month) {
            return Err(InvalidInput::new("pg_card_month", "a month is 01 to 12"));
        }
        let year = match year {
            0..=99 => 2000 + year,
            2000..=2099 => year,
            _ => {
                return Err(InvalidInput::new(
                    "pg_card_year",
                    "a year has two digits or is 2000 to 2099",
                ));
            }
        };
        Ok(Self { month, year })
    }

    /// Parses `MM/YY`, `MM/YYYY` or `MMYY` (spaces around the slash are ignored).
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let compact: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
        let (month, year) = match compact.split_once('/') {
            Some(parts) => parts,
            None if compact.len() == 4 && compact.is_char_boundary(2) => compact.split_at(2),
            None => return Err(Self::unreadable()),
        };
        let digits = |t: &str, lens: &[usize]| {
            lens.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(month, &[1, 2]) || !digits(year, &[2, 4]) {
            return Err(Self::unreadable());
        }
        let month = month.parse().map_err(|_| Self::unreadable())?;
        let year = year.parse().map_err(|_| Self::unreadable())?;
        Self::new(month, year)
    }

    fn unreadable() -> InvalidInput {
        InvalidInput::new("pg_card_year", "an expiry is MM/YY, MM/YYYY or MMYY")
    }

    /// Whether the card has expired in `month` of `year` (four digits): a card is valid
    /// through the last day of its expiry month, so it has expired only in a later month.
    pub fn is_expired_at(&self, year: u16, month: u8) -> bool {
        (year, month) > (self.year, self.month)
    }

    /// Refuses the card when it has expired in `month` of `year` (see
    /// [`Expiry::is_expired_at`]). A refusal names `pg_card_year`, never the date.
    pub fn check_not_expired_at(&self, year: u16, month: u8) -> Result<(), InvalidInput> {
        match self.is_expired_at(year, month) {
            true => Err(InvalidInput::new("pg_card_year", "the card has expired")),
            false => Ok(()),
        }
    }

    /// `pg_card_month`: two digits.
    pub(crate) fn wire_month(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{:02}", self.month))
    }

    /// `pg_card_year`: two digits.
    pub(crate) fn wire_year(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{:02}", self.year % 100))
    }
}

impl Drop for Expiry {
    fn drop(&mut self) {
        self.month.zeroize();
        self.year.zeroize();
    }
}

impl fmt::Debug for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Expiry(**/**)")
    }
}

from_text!(Expiry, parse);

/// The expiry FreedomPay reports (`pg_card_exp` of a status): read leniently, as an
/// [`Expiry`] when it is in one of the forms [`Expiry::parse`] knows.
impl crate::FromWire for Expiry {
    fn from_wire(text: &str) -> Option<Self> {
        Expiry::parse(text).ok()
    }
}

/// The card holder's name as embossed on the card: Latin letters, spaces and dashes (and the
/// dot and apostrophe of initials and names such as O'NEIL [?]), 1 to 255 characters
/// (`pg_card_name`; "Letters (Latin), dash (-) and space", freedompay.kz
/// /docs-en/gateway-api/save-card).
///
/// Card data (PCI DSS): `Debug` keeps the first letter of each word (`CardHolder(J*** D**)`),
/// there is no `Display`, and the text is zeroized on drop.
///
/// ```
/// use freedompay_core::CardHolder;
///
/// let holder = CardHolder::new("JOHN DOE")?;
/// assert_eq!(format!("{holder:?}"), "CardHolder(J*** D**)");
/// assert!(CardHolder::new("Иван").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CardHolder {
    name: String,
}

impl CardHolder {
    /// The longest accepted name.
    pub const MAX_LEN: usize = 255;

    /// A holder's name; surrounding spaces are dropped.
    pub fn new(name: &str) -> Result<Self, InvalidInput> {
        let name = name.trim();
        let allowed = |c: char| c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '.' | '\'');
        if name.is_empty() || name.len() > Self::MAX_LEN || !name.chars().all(allowed) {
            return Err(InvalidInput::new(
                "pg_card_name",
                "a card holder's name is 1 to 255 Latin letters, spaces and dashes",
            ));
        }
        Ok(Self {
            name: name.to_owned(),
        })
    }

    /// The name, for the request body only.
    pub(crate) fn reveal(&self) -> &str {
        &self.name
    }

    fn masked(&self) -> String {
        let mut out = String::with_capacity(self.name.len());
        let mut word_start = true;
        for c in self.name.chars() {
            if c.is_ascii_alphabetic() {
                out.push(if word_start { c } else { '*' });
                word_start = false;
            } else {
                out.push(c);
                word_start = true;
            }
        }
        out
    }
}

impl Drop for CardHolder {
    fn drop(&mut self) {
        self.name.zeroize();
    }
}

impl fmt::Debug for CardHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardHolder({})", self.masked())
    }
}

from_text!(CardHolder, new);

/// A card as the payer typed it: number, security code, expiry and holder's name; the
/// `pg_card_*` fields of the Gateway API's card calls (`g2g/payment`, `g2g/cardstorage/add`).
///
/// Card data (PCI DSS): only a PCI DSS compliant merchant may collect and send it. Every part
/// prints masked (`Debug` only) and is zeroized on drop. The SDK reads no clock: check the
/// expiry against today's date with [`CardData::check_not_expired_at`] before sending.
///
/// ```
/// use freedompay_core::{CardData, CardHolder, CardNumber, Cvc, Expiry};
///
/// // The card of FreedomPay's documentation examples (public test data).
/// let card = CardData::new(
///     CardNumber::parse("4405645000006150")?,
///     Cvc::parse("653")?,
///     Expiry::new(9, 27)?,
///     CardHolder::new("TEST TESTOV")?,
/// );
/// card.check_not_expired_at(2026, 12)?;
/// let debug = format!("{card:?}");
/// assert!(!debug.contains("4405645000006150") && !debug.contains("653"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardData {
    pan: CardNumber,
    cvc: Cvc,
    expiry: Expiry,
    holder: CardHolder,
}

impl CardData {
    /// The card's four parts.
    pub fn new(pan: CardNumber, cvc: Cvc, expiry: Expiry, holder: CardHolder) -> Self {
        Self {
            pan,
            cvc,
            expiry,
            holder,
        }
    }

    /// The card number (prints masked).
    pub fn pan(&self) -> &CardNumber {
        &self.pan
    }

    /// The expiry date (prints masked).
    pub fn expiry(&self) -> &Expiry {
        &self.expiry
    }

    /// Refuses a card that has expired in `month` of `year` (today, as the caller knows it).
    pub fn check_not_expired_at(&self, year: u16, month: u8) -> Result<(), InvalidInput> {
        self.expiry.check_not_expired_at(year, month)
    }

    /// The four parts, for the JSON APIs' card objects.
    pub(crate) fn parts(&self) -> (&CardNumber, &Cvc, &Expiry, &CardHolder) {
        (&self.pan, &self.cvc, &self.expiry, &self.holder)
    }
}

/// `pg_card_pan`, `pg_card_cvc`, `pg_card_year`, `pg_card_month`, `pg_card_name`, in the
/// order of the documentation's table (docs.freedompay.kz api-9586997).
impl crate::declare::WriteFields for CardData {
    fn write_fields(&self, fields: &mut freedompay_sign::Fields) -> Result<(), InvalidInput> {
        fields.push("pg_card_pan", self.pan.reveal());
        fields.push("pg_card_cvc", self.cvc.reveal());
        fields.push("pg_card_year", self.expiry.wire_year().as_str());
        fields.push("pg_card_month", self.expiry.wire_month().as_str());
        fields.push("pg_card_name", self.holder.reveal());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_carry_the_value() {
        for (error, value) in [
            (Cvc::parse("12345").unwrap_err(), "12345"),
            (Expiry::parse("13/99").unwrap_err(), "13"),
            (CardHolder::new("Иван 1234").unwrap_err(), "1234"),
        ] {
            let text = format!("{error} {error:?}");
            assert!(!text.contains(value), "{text}");
        }
    }

    #[test]
    fn cvc_length_is_never_shown() {
        assert_eq!(
            format!("{:?}", Cvc::parse("1234").unwrap()),
            format!("{:?}", Cvc::parse("123").unwrap())
        );
    }

    #[test]
    fn expiry_forms() {
        let sept_27 = Expiry::new(9, 2027).unwrap();
        for text in ["09/27", "9/27", "09 / 2027", "0927"] {
            assert_eq!(Expiry::parse(text).unwrap(), sept_27, "{text}");
        }
        for text in [
            "", "9", "09/7", "00/27", "13/27", "09/27/1", "ab/cd", "09-27",
        ] {
            assert!(Expiry::parse(text).is_err(), "{text}");
        }
        assert!(Expiry::new(1, 1999).is_err());
        assert!(Expiry::new(1, 2100).is_err());
        assert_eq!(&*sept_27.wire_year(), "27");
        assert_eq!(&*sept_27.wire_month(), "09");
        assert!(!sept_27.is_expired_at(2026, 12));
        assert!(sept_27.is_expired_at(2028, 1));
        assert!(sept_27.check_not_expired_at(2027, 10).is_err());
    }

    #[test]
    fn holder_masks_every_word() {
        let holder = CardHolder::new("  Anna-Maria O'Neil ").unwrap();
        assert_eq!(holder.reveal(), "Anna-Maria O'Neil");
        assert_eq!(format!("{holder:?}"), "CardHolder(A***-M**** O'N***)");
        assert!(CardHolder::new("").is_err());
        assert!(CardHolder::new(&"A".repeat(256)).is_err());
    }
}
