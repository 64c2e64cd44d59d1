//! The closed vocabularies of the payment requests: page language, callback and redirect
//! methods, payment methods (PROTOCOL.md §1.1).

use core::fmt;

use crate::InvalidInput;
use crate::wire::FromWire;

/// Checks a value given through an `Unknown(..)` variant before it goes on the wire.
pub(crate) fn check_token(field: &'static str, text: &str) -> Result<(), InvalidInput> {
    if text.is_empty() || text.len() > 64 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            field,
            "must be 1 to 64 visible ASCII characters",
        ));
    }
    Ok(())
}

/// The language of the payment page (`pg_language`); the gateway's default is Russian.
///
/// The documentation disagrees on Kazakh: the KZ page lists `kk` (the ISO 639-1 code), the
/// UZ page and the "page with amount control" page list `kz` (PROTOCOL.md §1.1 and §5 mark it
/// uncertain). Both are offered as they are written; [`Language::Kk`] follows the KZ
/// documentation, the one for the gateway that serves Kazakh payers.
///
/// ```
/// use freedompay_core::payment::Language;
///
/// assert_eq!(Language::Kk.as_str(), "kk");
/// assert_eq!(Language::from_code("uz"), Language::Uz);
/// assert_eq!(Language::from_code("de"), Language::Unknown("de".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// `ru`: Russian (the default).
    Ru,
    /// `en`: English.
    En,
    /// `kk`: Kazakh, as the KZ documentation writes it.
    Kk,
    /// `kz`: Kazakh, as the UZ documentation and the any-amount page write it.
    Kz,
    /// `kg`: Kyrgyz, as the documentation writes it.
    Kg,
    /// `uz`: Uzbek.
    Uz,
    /// Another code, sent as given (1 to 64 visible ASCII characters).
    Unknown(String),
}

impl Language {
    /// The language of a code, or [`Language::Unknown`] with the code.
    pub fn from_code(code: &str) -> Self {
        match code {
            "ru" => Language::Ru,
            "en" => Language::En,
            "kk" => Language::Kk,
            "kz" => Language::Kz,
            "kg" => Language::Kg,
            "uz" => Language::Uz,
            other => Language::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Language::Ru => "ru",
            Language::En => "en",
            Language::Kk => "kk",
            Language::Kz => "kz",
            Language::Kg => "kg",
            Language::Uz => "uz",
            Language::Unknown(code) => code,
        }
    }

    pub(crate) fn checked(&self) -> Result<&str, InvalidInput> {
        check_token("pg_language", self.as_str())?;
        Ok(self.as_str())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How FreedomPay calls the merchant's check and result URLs (`pg_request_method`,
/// PROTOCOL.md §0): a query string, a form body, or one `pg_xml` form field.
/// Every form is verified by the notifications in [`notifications`](super::notifications).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestMethod {
    /// `GET`: the fields in the URL's query.
    Get,
    /// `POST`: the fields in a form body.
    Post,
    /// `XML`: one `pg_xml` form field holding an XML document.
    Xml,
    /// Another value, sent as given.
    Unknown(String),
}

impl RequestMethod {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            RequestMethod::Get => "GET",
            RequestMethod::Post => "POST",
            RequestMethod::Xml => "XML",
            RequestMethod::Unknown(value) => value,
        }
    }

    pub(crate) fn checked(&self, field: &'static str) -> Result<&str, InvalidInput> {
        check_token(field, self.as_str())?;
        Ok(self.as_str())
    }
}

/// How the payer's browser is sent to the success, failure or state URL
/// (`pg_success_url_method`, `pg_failure_url_method`, `pg_state_url_method`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectMethod {
    /// `GET`: a redirect with the fields in the query.
    Get,
    /// `POST`: a form the payer submits.
    Post,
    /// `AUTOPOST`: a form submitted by the page's script (older documentation and
    /// integrations; the current pages list only `GET` and `POST`).
    AutoPost,
    /// Another value, sent as given.
    Unknown(String),
}

impl RedirectMethod {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            RedirectMethod::Get => "GET",
            RedirectMethod::Post => "POST",
            RedirectMethod::AutoPost => "AUTOPOST",
            RedirectMethod::Unknown(value) => value,
        }
    }

    pub(crate) fn checked(&self, field: &'static str) -> Result<&str, InvalidInput> {
        check_token(field, self.as_str())?;
        Ok(self.as_str())
    }
}

/// A payment method (`pg_payment_method`), sent to pre-select it and reported back in
/// statuses and result notifications.
///
/// ```
/// use freedompay_core::payment::PaymentMethod;
///
/// assert_eq!(PaymentMethod::MobileCommerce.as_str(), "mobile_commerce");
/// assert_eq!(PaymentMethod::from_wire_str("bankcard"), PaymentMethod::BankCard);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaymentMethod {
    /// `bankcard`: a bank card.
    BankCard,
    /// `mobile_commerce`: the payer's mobile phone balance (PROTOCOL.md §1.7).
    MobileCommerce,
    /// Another method, as given or received.
    Unknown(String),
}

impl PaymentMethod {
    /// The method of a wire value.
    pub fn from_wire_str(text: &str) -> Self {
        match text {
            "bankcard" => PaymentMethod::BankCard,
            "mobile_commerce" => PaymentMethod::MobileCommerce,
            other => PaymentMethod::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentMethod::BankCard => "bankcard",
            PaymentMethod::MobileCommerce => "mobile_commerce",
            PaymentMethod::Unknown(value) => value,
        }
    }

    pub(crate) fn checked(&self) -> Result<&str, InvalidInput> {
        check_token("pg_payment_method", self.as_str())?;
        Ok(self.as_str())
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromWire for PaymentMethod {
    fn from_wire(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| PaymentMethod::from_wire_str(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_checked_before_sending() {
        assert!(Language::Unknown(String::new()).checked().is_err());
        assert!(Language::Unknown("k k".into()).checked().is_err());
        assert_eq!(Language::Unknown("tr".into()).checked(), Ok("tr"));
        assert!(
            RequestMethod::Unknown("x".repeat(65))
                .checked("pg_request_method")
                .is_err()
        );
        assert_eq!(
            RedirectMethod::AutoPost.checked("pg_success_url_method"),
            Ok("AUTOPOST")
        );
        assert!(PaymentMethod::Unknown("\n".into()).checked().is_err());
    }

    #[test]
    fn languages_round_trip() {
        for code in ["ru", "en", "kk", "kz", "kg", "uz", "tr"] {
            assert_eq!(Language::from_code(code).as_str(), code);
        }
    }
}
