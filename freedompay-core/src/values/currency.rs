//! ISO 4217 currency codes.

use crate::InvalidInput;

wire_enum! {
    /// A currency, by its ISO 4217 alphabetic code.
    ///
    /// The known variants are the currencies of FreedomPay's official Android SDK
    /// (docs/protocol.md §5). A code the gateway sends that is not among them is kept as
    /// [`Currency::Unknown`]: a new currency is data, not a failure. Codes are matched without
    /// regard to case.
    ///
    /// ```
    /// use freedompay_core::Currency;
    ///
    /// assert_eq!(Currency::from_code("KZT"), Currency::Kzt);
    /// assert_eq!(Currency::from_code("kzt"), Currency::Kzt);
    /// assert_eq!(Currency::from_code("XTS"), Currency::Unknown("XTS".into()));
    /// assert_eq!(Currency::Uzs.code(), "UZS");
    /// ```
    ignore_case Currency {
        /// `KZT`
        Kzt = "KZT",
        /// `RUB`
        Rub = "RUB",
        /// `USD`
        Usd = "USD",
        /// `UZS`
        Uzs = "UZS",
        /// `KGS`
        Kgs = "KGS",
        /// `EUR`
        Eur = "EUR",
        /// `HKD`
        Hkd = "HKD",
        /// `GBP`
        Gbp = "GBP",
        /// `AED`
        Aed = "AED",
        /// `CNY`
        Cny = "CNY",
        /// `KRW`
        Krw = "KRW",
        /// `INR`
        Inr = "INR",
        /// `THB`
        Thb = "THB",
        /// `UAH`
        Uah = "UAH",
        /// `AMD`
        Amd = "AMD",
        /// `BYN`
        Byn = "BYN",
        /// `PLN`
        Pln = "PLN",
        /// `CZK`
        Czk = "CZK",
        /// `AZN`
        Azn = "AZN",
        /// `GEL`
        Gel = "GEL",
        /// `TJS`
        Tjs = "TJS",
        /// `CAD`
        Cad = "CAD",
        /// `MDL`
        Mdl = "MDL",
        /// `TRY`
        Try = "TRY",
    }
}

impl Currency {
    /// The currency of this code, or [`Currency::Unknown`] with the code as given.
    pub fn from_code(code: &str) -> Self {
        Self::from_wire_str(code)
    }

    /// The code, upper case.
    pub fn code(&self) -> &str {
        self.as_str()
    }

    /// A currency to send: three ASCII letters. Known codes map to their variant; others are
    /// kept, upper-cased, as [`Currency::Unknown`] (the gateway decides whether it takes them).
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(InvalidInput::new(
                "pg_currency",
                "a currency is a three-letter ISO 4217 code",
            ));
        }
        Ok(match Self::from_code(code) {
            Currency::Unknown(code) => Currency::Unknown(code.to_ascii_uppercase()),
            known => known,
        })
    }
}

from_text!(Currency, parse);
