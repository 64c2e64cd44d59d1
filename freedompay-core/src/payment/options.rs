//! The closed vocabularies of the payment requests: page language, callback and redirect
//! methods, payment methods (docs/protocol.md §1.1).

use crate::InvalidInput;
use crate::declare::ToWire;

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

/// [`check_token`] of a value's wire text, as a declaration's `[check ..]`.
pub(crate) fn checked_token<T: ToWire>(field: &'static str, value: &T) -> Result<(), InvalidInput> {
    check_token(field, &value.to_wire(field)?)
}

wire_enum! {
    /// The language of the payment page (`pg_language`); the gateway's default is Russian.
    ///
    /// The documentation disagrees on Kazakh: the KZ page lists `kk` (the ISO 639-1 code), the
    /// UZ page and the "page with amount control" page list `kz` (docs/protocol.md §1.1 and §5 mark
    /// it uncertain). Both are offered as they are written; [`Language::Kk`] follows the KZ
    /// documentation, the one for the gateway that serves Kazakh payers.
    ///
    /// ```
    /// use freedompay_core::payment::Language;
    ///
    /// assert_eq!(Language::Kk.as_str(), "kk");
    /// assert_eq!(Language::from_code("uz"), Language::Uz);
    /// assert_eq!(Language::from_code("de"), Language::Unknown("de".into()));
    /// ```
    Language {
        /// `ru`: Russian (the default).
        Ru = "ru",
        /// `en`: English.
        En = "en",
        /// `kk`: Kazakh, as the KZ documentation writes it.
        Kk = "kk",
        /// `kz`: Kazakh, as the UZ documentation and the any-amount page write it.
        Kz = "kz",
        /// `kg`: Kyrgyz, as the documentation writes it.
        Kg = "kg",
        /// `uz`: Uzbek.
        Uz = "uz",
    }
}

impl Language {
    /// The language of a code, or [`Language::Unknown`] (sent as given).
    pub fn from_code(code: &str) -> Self {
        Self::from_wire_str(code)
    }
}

wire_enum! {
    /// How FreedomPay calls the merchant's check and result URLs (`pg_request_method`,
    /// docs/protocol.md §0): a query string, a form body, or one `pg_xml` form field.
    /// Every form is verified by the notifications in [`notifications`](super::notifications).
    RequestMethod {
        /// `GET`: the fields in the URL's query.
        Get = "GET",
        /// `POST`: the fields in a form body.
        Post = "POST",
        /// `XML`: one `pg_xml` form field holding an XML document.
        Xml = "XML",
    }
}

wire_enum! {
    /// How the payer's browser is sent to the success, failure or state URL
    /// (`pg_success_url_method`, `pg_failure_url_method`, `pg_state_url_method`).
    RedirectMethod {
        /// `GET`: a redirect with the fields in the query.
        Get = "GET",
        /// `POST`: a form the payer submits.
        Post = "POST",
        /// `AUTOPOST`: a form submitted by the page's script (older documentation and
        /// integrations; the current pages list only `GET` and `POST`).
        AutoPost = "AUTOPOST",
    }
}

wire_enum! {
    /// A payment method (`pg_payment_method`), sent to pre-select it and reported back in
    /// statuses and result notifications.
    ///
    /// ```
    /// use freedompay_core::payment::PaymentMethod;
    ///
    /// assert_eq!(PaymentMethod::MobileCommerce.as_str(), "mobile_commerce");
    /// assert_eq!(PaymentMethod::from_wire_str("bankcard"), PaymentMethod::BankCard);
    /// ```
    PaymentMethod {
        /// `bankcard`: a bank card.
        BankCard = "bankcard",
        /// `mobile_commerce`: the payer's mobile phone balance (docs/protocol.md §1.7).
        MobileCommerce = "mobile_commerce",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_checked_before_sending() {
        assert!(checked_token("pg_language", &Language::Unknown(String::new())).is_err());
        assert!(checked_token("pg_language", &Language::Unknown("k k".into())).is_err());
        assert!(checked_token("pg_language", &Language::Unknown("tr".into())).is_ok());
        let long = RequestMethod::Unknown("x".repeat(65));
        assert!(checked_token("pg_request_method", &long).is_err());
        assert!(checked_token("pg_success_url_method", &RedirectMethod::AutoPost).is_ok());
        assert!(checked_token("pg_payment_method", &PaymentMethod::Unknown("\n".into())).is_err());
    }

    #[test]
    fn languages_round_trip() {
        for code in ["ru", "en", "kk", "kz", "kg", "uz", "tr"] {
            assert_eq!(Language::from_code(code).as_str(), code);
        }
    }
}
