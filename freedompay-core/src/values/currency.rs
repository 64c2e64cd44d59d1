//! ISO 4217 currency codes.

use core::fmt;
use core::str::FromStr;

use crate::InvalidInput;

macro_rules! currencies {
    ($($variant:ident),* $(,)?) => {
        /// A currency, by its ISO 4217 alphabetic code.
        ///
        /// The known variants are the currencies of FreedomPay's official Android SDK
        /// (PROTOCOL.md §5). A code the gateway sends that is not among them is kept as
        /// [`Currency::Unknown`]: a new currency is data, not a failure.
        ///
        /// ```
        /// use freedompay_core::Currency;
        ///
        /// assert_eq!(Currency::from_code("KZT"), Currency::Kzt);
        /// assert_eq!(Currency::from_code("XTS"), Currency::Unknown("XTS".into()));
        /// assert_eq!(Currency::Uzs.code(), "UZS");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Currency {
            $(
                #[doc = concat!("`", stringify!($variant), "` (upper case on the wire)")]
                $variant,
            )*
            /// A code this version of the SDK does not know, as received.
            Unknown(String),
        }

        impl Currency {
            /// The currency of this code, or [`Currency::Unknown`] with the code as given.
            pub fn from_code(code: &str) -> Self {
                $(
                    if code.eq_ignore_ascii_case(stringify!($variant)) {
                        return Currency::$variant;
                    }
                )*
                Currency::Unknown(code.to_owned())
            }

            /// The code, upper case.
            pub fn code(&self) -> &str {
                match self {
                    $(Currency::$variant => const_upper!($variant),)*
                    Currency::Unknown(code) => code,
                }
            }
        }
    };
}

macro_rules! const_upper {
    (Kzt) => {
        "KZT"
    };
    (Rub) => {
        "RUB"
    };
    (Usd) => {
        "USD"
    };
    (Uzs) => {
        "UZS"
    };
    (Kgs) => {
        "KGS"
    };
    (Eur) => {
        "EUR"
    };
    (Hkd) => {
        "HKD"
    };
    (Gbp) => {
        "GBP"
    };
    (Aed) => {
        "AED"
    };
    (Cny) => {
        "CNY"
    };
    (Krw) => {
        "KRW"
    };
    (Inr) => {
        "INR"
    };
    (Thb) => {
        "THB"
    };
    (Uah) => {
        "UAH"
    };
    (Amd) => {
        "AMD"
    };
    (Byn) => {
        "BYN"
    };
    (Pln) => {
        "PLN"
    };
    (Czk) => {
        "CZK"
    };
    (Azn) => {
        "AZN"
    };
    (Gel) => {
        "GEL"
    };
    (Tjs) => {
        "TJS"
    };
    (Cad) => {
        "CAD"
    };
    (Mdl) => {
        "MDL"
    };
    (Try) => {
        "TRY"
    };
}

currencies!(
    Kzt, Rub, Usd, Uzs, Kgs, Eur, Hkd, Gbp, Aed, Cny, Krw, Inr, Thb, Uah, Amd, Byn, Pln, Czk, Azn,
    Gel, Tjs, Cad, Mdl, Try,
);

impl Currency {
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

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
