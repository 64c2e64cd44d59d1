//! The recipient of a bank transfer in Kazakhstan: IBAN, IIN, KBe, KNP, BIK.
//!
//! Each value is checked by its published form before anything is signed. The IBAN and the
//! IIN are personal data: they print masked, and the full value is reachable only through
//! `reveal()`, which the SDK calls when it writes the request body.

use core::fmt;

use super::text::{MAX_PARAM_LEN, check_text};
use crate::InvalidInput;

/// Groups `text` by four characters, keeping the first `head` and the last `tail` characters
/// and starring the rest.
fn masked(text: &str, head: usize, tail: usize) -> String {
    let len = text.chars().count();
    let mut out = String::with_capacity(len + len / 4);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(if i < head || i + tail >= len { c } else { '*' });
    }
    out
}

/// An International Bank Account Number (ISO 13616), as `pg_recipient_iban` takes it.
///
/// A Kazakh IBAN is 20 characters: `KZ`, two check digits, then 16 letters or digits (the
/// 3-digit bank code and the 13-character account). Other countries' IBANs are accepted with
/// 15 to 34 characters: two letters, two check digits, letters and digits (the country code
/// is not checked against a list of countries). The check digits must be 02–98 and satisfy
/// the ISO 7064 MOD 97-10 check, which catches any single mistyped character and most swaps.
///
/// Spaces are accepted on input and dropped; letters are upper-cased. It prints masked
/// (`KZ86 **** **** **** 0100`) in `Debug` and `Display`.
///
/// ```
/// use freedompay_core::payout::Iban;
///
/// let iban = Iban::parse("KZ86 125K ZT50 0410 0100")?;
/// assert_eq!(iban.reveal(), "KZ86125KZT5004100100");
/// assert_eq!(iban.to_string(), "KZ86 **** **** **** 0100");
/// assert_eq!(iban.country(), "KZ");
/// assert!(Iban::parse("KZ87125KZT5004100100").is_err()); // check digits
/// assert!(Iban::parse("DE89370400440532013000").is_ok());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// The length of a Kazakh IBAN.
    pub const KZ_LEN: usize = 20;
    /// The shortest IBAN of any country.
    pub const MIN_LEN: usize = 15;
    /// The longest IBAN ISO 13616 allows.
    pub const MAX_LEN: usize = 34;

    /// Checks an IBAN.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "pg_recipient_iban";
        let mut iban = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                ' ' => {}
                'a'..='z' | 'A'..='Z' | '0'..='9' => iban.push(c.to_ascii_uppercase()),
                _ => {
                    return Err(InvalidInput::new(
                        FIELD,
                        "an IBAN has Latin letters and digits only",
                    ));
                }
            }
        }
        let b = iban.as_bytes();
        if b.len() < 4 || !b[..2].iter().all(u8::is_ascii_alphabetic) {
            return Err(InvalidInput::new(
                FIELD,
                "an IBAN starts with a two-letter country code",
            ));
        }
        if !b[2..4].iter().all(u8::is_ascii_digit) {
            return Err(InvalidInput::new(
                FIELD,
                "an IBAN has two check digits after the country code",
            ));
        }
        if &iban[..2] == "KZ" {
            if b.len() != Self::KZ_LEN {
                return Err(InvalidInput::new(
                    FIELD,
                    "a Kazakh IBAN has 20 characters (KZ, 2 check digits, 16 letters or digits)",
                ));
            }
        } else if b.len() < Self::MIN_LEN || b.len() > Self::MAX_LEN {
            return Err(InvalidInput::new(FIELD, "an IBAN has 15 to 34 characters"));
        }
        if matches!(&iban[2..4], "00" | "01" | "99") || mod97(&iban) != 1 {
            return Err(InvalidInput::new(
                FIELD,
                "the IBAN's check digits are wrong (ISO 7064 MOD 97-10)",
            ));
        }
        Ok(Self(iban))
    }

    /// The full IBAN, upper case, without spaces. Use it to put the IBAN on the wire.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The country code (`KZ`).
    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    /// The masked IBAN: country code, check digits and last four characters.
    pub fn masked(&self) -> String {
        masked(&self.0, 4, 4)
    }
}

/// The IBAN's remainder modulo 97, with its first four characters moved to the end and
/// letters read as 10 to 35 (ISO 7064 MOD 97-10). The IBAN is upper-case ASCII alphanumeric.
fn mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.bytes().chain(head.bytes()).fold(0u32, |rest, b| {
        if b.is_ascii_digit() {
            (rest * 10 + u32::from(b - b'0')) % 97
        } else {
            (rest * 100 + u32::from(b - b'A') + 10) % 97
        }
    })
}

masked_value!(Iban);

from_text!(Iban, parse);

/// A Kazakh individual identification number (ИИН, `pg_recipient_iin`): 12 digits. A
/// business identification number (БИН) has the same form and is accepted too.
///
/// Its first six digits are the holder's date of birth, so it prints masked
/// (`******1234`, the last four digits kept) in `Debug` and `Display`.
///
/// ```
/// use freedompay_core::payout::Iin;
///
/// let iin = Iin::parse("900101301234")?;
/// assert_eq!(iin.reveal(), "900101301234");
/// assert_eq!(format!("{iin:?}"), "Iin(******1234)");
/// assert!(Iin::parse("90010130123").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iin(String);

impl Iin {
    /// The number of digits.
    pub const LEN: usize = 12;

    /// Checks an IIN: exactly 12 digits.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        if text.len() != Self::LEN || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "pg_recipient_iin",
                "an IIN (or BIN) is exactly 12 digits",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The full number. Use it to put the IIN on the wire.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The masked number: the last four digits.
    pub fn masked(&self) -> String {
        format!("******{}", &self.0[Self::LEN - 4..])
    }
}

masked_value!(Iin);

from_text!(Iin, parse);

/// Declares a code of a fixed number of digits.
macro_rules! digit_code {
    ($(#[$meta:meta])* $name:ident, $field:literal, $len:literal, $rule:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The number of digits.
            pub const LEN: usize = $len;

            /// Checks the code: exactly this many digits.
            pub fn parse(text: &str) -> Result<Self, InvalidInput> {
                if text.len() != Self::LEN || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(InvalidInput::new($field, $rule));
                }
                Ok(Self(text.to_owned()))
            }

            /// The code.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        display_as!($name => as_str);

        from_text!($name, parse);

        serde_text!($name);
    };
}

digit_code!(
    /// The beneficiary code (КБе, `pg_recipient_kbe`): 2 digits, residency then economic
    /// sector (`19`: a resident individual).
    ///
    /// ```
    /// use freedompay_core::payout::Kbe;
    ///
    /// assert_eq!(Kbe::parse("19")?.as_str(), "19");
    /// assert!(Kbe::parse("9").is_err());
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    Kbe,
    "pg_recipient_kbe",
    2,
    "a beneficiary code (KBe) is exactly 2 digits"
);

digit_code!(
    /// The payment purpose code (КНП, `pg_knp`) of the National Bank of Kazakhstan: 3 digits.
    ///
    /// ```
    /// use freedompay_core::payout::Knp;
    ///
    /// assert_eq!(Knp::parse("119")?.as_str(), "119");
    /// assert!(Knp::parse("1190").is_err());
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    Knp,
    "pg_knp",
    3,
    "a payment purpose code (KNP) is exactly 3 digits"
);

/// The recipient bank's identifier code (БИК, `pg_bank_bik`): 8 to 11 Latin letters and
/// digits (Kazakh banks use their SWIFT code, `HSBKKZKX`). Letters are upper-cased.
///
/// ```
/// use freedompay_core::payout::Bik;
///
/// assert_eq!(Bik::parse("hsbkkzkx")?.as_str(), "HSBKKZKX");
/// assert!(Bik::parse("HSBKKZK").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bik(String);

impl Bik {
    /// The shortest code.
    pub const MIN_LEN: usize = 8;
    /// The longest code.
    pub const MAX_LEN: usize = 11;

    /// Checks a BIK.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        if text.len() < Self::MIN_LEN
            || text.len() > Self::MAX_LEN
            || !text.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(InvalidInput::new(
                "pg_bank_bik",
                "a bank identifier code (BIK) is 8 to 11 Latin letters and digits",
            ));
        }
        Ok(Self(text.to_ascii_uppercase()))
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

display_as!(Bik => as_str);

from_text!(Bik, parse);

serde_text!(Bik);

/// Who receives a bank transfer: account, identity, name, beneficiary code and bank.
///
/// `Debug` masks the IBAN, the IIN and the name.
///
/// ```
/// use freedompay_core::payout::{BankRecipient, Bik, Iban, Iin, Kbe};
///
/// let recipient = BankRecipient::new(
///     Iban::parse("KZ86125KZT5004100100")?,
///     Iin::parse("900101301234")?,
///     "Иванов Иван Иванович",
///     Kbe::parse("19")?,
///     Bik::parse("KCJBKZKX")?,
/// )?;
/// let debug = format!("{recipient:?}");
/// assert!(!debug.contains("Иванов") && !debug.contains("900101"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BankRecipient {
    pub(super) iban: Iban,
    pub(super) iin: Iin,
    pub(super) name: String,
    pub(super) kbe: Kbe,
    pub(super) bik: Bik,
}

impl BankRecipient {
    /// The recipient; `name` (`pg_recipient_name`, the account holder's full name) must be 1
    /// to 255 characters without control characters.
    pub fn new(
        iban: Iban,
        iin: Iin,
        name: impl Into<String>,
        kbe: Kbe,
        bik: Bik,
    ) -> Result<Self, InvalidInput> {
        let name = name.into();
        check_text("pg_recipient_name", &name, MAX_PARAM_LEN)?;
        Ok(Self {
            iban,
            iin,
            name,
            kbe,
            bik,
        })
    }

    /// The IBAN.
    pub fn iban(&self) -> &Iban {
        &self.iban
    }

    /// The IIN (or BIN).
    pub fn iin(&self) -> &Iin {
        &self.iin
    }

    /// The account holder's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The beneficiary code.
    pub fn kbe(&self) -> &Kbe {
        &self.kbe
    }

    /// The bank's identifier code.
    pub fn bik(&self) -> &Bik {
        &self.bik
    }
}

impl BankRecipient {
    /// The name's first letter and `***`: what `Debug` and `Serialize` show of it.
    fn masked_name(&self) -> String {
        self.name.chars().take(1).chain("***".chars()).collect()
    }
}

/// Masked as `Debug` is: the IBAN, the IIN and the name.
#[cfg(feature = "serde")]
impl serde::Serialize for BankRecipient {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("BankRecipient", 5)?;
        s.serialize_field("iban", &self.iban)?;
        s.serialize_field("iin", &self.iin)?;
        s.serialize_field("name", &self.masked_name())?;
        s.serialize_field("kbe", &self.kbe)?;
        s.serialize_field("bik", &self.bik)?;
        s.end()
    }
}

impl fmt::Debug for BankRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let initial = self.masked_name();
        f.debug_struct("BankRecipient")
            .field("iban", &self.iban)
            .field("iin", &self.iin)
            .field("name", &initial)
            .field("kbe", &self.kbe)
            .field("bik", &self.bik)
            .finish()
    }
}

to_wire!(Iban => reveal, Iin => reveal, Kbe => as_str, Knp => as_str, Bik => as_str);

#[cfg(test)]
mod tests {
    use super::*;

    // Check digits computed independently (Python, ISO 7064 MOD 97-10).
    #[test]
    fn kazakh_ibans() {
        assert!(Iban::parse("KZ86125KZT5004100100").is_ok());
        assert!(Iban::parse("KZ18722S000012345678").is_ok());
        assert_eq!(
            Iban::parse("kz86 125k zt50 0410 0100").unwrap().reveal(),
            "KZ86125KZT5004100100"
        );
        // One character off, and two swapped.
        assert!(Iban::parse("KZ87125KZT5004100100").is_err());
        assert!(Iban::parse("KZ86125KZT5004100101").is_err());
        assert!(Iban::parse("KZ86125KZT5004101000").is_err());
        // 19 and 21 characters, each with valid check digits: the length decides.
        assert!(Iban::parse("KZ44125KZT500410010").is_err());
        assert!(Iban::parse("KZ21125KZT50041001000").is_err());
        // Structure.
        assert!(Iban::parse("KZAB125KZT5004100100").is_err());
        assert!(Iban::parse("KZ86125KZT500410010-").is_err());
        assert!(Iban::parse("K786125KZT5004100100").is_err());
        assert!(Iban::parse("").is_err());
    }

    #[test]
    fn check_digits_outside_02_to_98_are_refused_even_when_mod_97_passes() {
        for (good, bad) in [
            ("KZ97125KZT0000000076", "KZ00125KZT0000000076"),
            ("KZ98125KZT0000000058", "KZ01125KZT0000000058"),
            ("KZ02125KZT0000000040", "KZ99125KZT0000000040"),
        ] {
            assert_eq!(mod97(bad), 1, "{bad} passes MOD 97 alone");
            assert!(Iban::parse(good).is_ok(), "{good}");
            assert!(Iban::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_countries_15_to_34_characters() {
        assert!(Iban::parse("DE89370400440532013000").is_ok());
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        assert!(Iban::parse("DE88370400440532013000").is_err());
        // 15 and 34 characters are the bounds; 14 and 35, with valid check digits, are out.
        assert!(Iban::parse("NO9386011117947").is_ok());
        assert!(Iban::parse("XX031234567890ABCDEFGHIJKLMNOPQRST").is_ok());
        assert!(Iban::parse("XX10ABCDEFGHIJ").is_err());
        assert!(Iban::parse("XX861234567890ABCDEFGHIJKLMNOPQRSTU").is_err());
    }

    #[test]
    fn ibans_print_masked() {
        let iban = Iban::parse("KZ86125KZT5004100100").unwrap();
        assert_eq!(format!("{iban:?}"), "Iban(KZ86 **** **** **** 0100)");
        assert!(!iban.to_string().contains("125KZT"));
    }

    #[test]
    fn iins_are_12_digits() {
        assert!(Iin::parse("900101301234").is_ok());
        assert!(Iin::parse("90010130123").is_err());
        assert!(Iin::parse("9001013012345").is_err());
        assert!(Iin::parse("90010130123a").is_err());
        assert!(Iin::parse("").is_err());
        let iin = Iin::parse("900101301234").unwrap();
        assert_eq!(iin.to_string(), "******1234");
        assert_eq!(Iin::parse("1").unwrap_err().field(), "pg_recipient_iin");
    }

    #[test]
    fn kbe_knp_bik_limits() {
        assert!(Kbe::parse("19").is_ok());
        assert!(Kbe::parse("1").is_err());
        assert!(Kbe::parse("191").is_err());
        assert!(Kbe::parse("1a").is_err());
        assert!(Knp::parse("119").is_ok());
        assert!(Knp::parse("11").is_err());
        assert!(Knp::parse("1190").is_err());
        assert!(Knp::parse("11x").is_err());
        assert!(Bik::parse("KCJBKZKX").is_ok());
        assert!(Bik::parse("KCJBKZKXXXX").is_ok());
        assert!(Bik::parse("KCJBKZK").is_err());
        assert!(Bik::parse("KCJBKZKXXXXX").is_err());
        assert!(Bik::parse("KCJB-ZKX").is_err());
        assert_eq!(Kbe::parse("").unwrap_err().field(), "pg_recipient_kbe");
        assert_eq!(Knp::parse("").unwrap_err().field(), "pg_knp");
        assert_eq!(Bik::parse("").unwrap_err().field(), "pg_bank_bik");
    }

    #[test]
    fn recipient_name_limits() {
        let make = |name: String| {
            BankRecipient::new(
                Iban::parse("KZ86125KZT5004100100").unwrap(),
                Iin::parse("900101301234").unwrap(),
                name,
                Kbe::parse("19").unwrap(),
                Bik::parse("KCJBKZKX").unwrap(),
            )
        };
        assert!(make("Я".repeat(255)).is_ok());
        assert!(make("Я".repeat(256)).is_err());
        assert!(make(String::new()).is_err());
        assert!(make("Ivan\nIvanov".to_owned()).is_err());
        let debug = format!("{:?}", make("Ivanov Ivan".to_owned()).unwrap());
        assert!(debug.contains("\"I***\""), "{debug}");
        assert!(!debug.contains("Ivanov"));
    }
}
