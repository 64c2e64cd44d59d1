//! `GET /v1/merchant/{merchant_id}/card/pay`: the payer confirms a saved-card payment in a
//! browser. No server call.

use freedompay_sign::Salt;

use crate::payment::redirect::SignedLink;
use crate::{Config, Error, PaymentId, SecretKind};

/// The signed URL where the payer confirms a payment created by
/// [`InitCardPayment`](super::InitCardPayment) (`card/pay`, script `pay`, payment secret;
/// docs/protocol.md §1.5): open it in a browser or WebView; the page asks for the CVC and runs
/// 3-D Secure. Nothing is sent by the SDK; the outcome comes to the result URL.
///
/// ```
/// use freedompay_core::payment::CardPayLink;
/// use freedompay_core::{Config, PaymentId};
/// use freedompay_sign::Salt;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
/// let link = CardPayLink::new(&config, PaymentId::new(123_457_100)?, &Salt::new("s4lt")?)?;
/// assert!(link.url().starts_with("https://api.freedompay.kz/v1/merchant/123456/card/pay?pg_merchant_id=123456&pg_payment_id=123457100&pg_salt=s4lt&pg_sig="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPayLink {
    link: SignedLink,
}

impl CardPayLink {
    /// Signs the confirmation of `payment_id` with the payment secret and this salt (a fresh
    /// random one each time).
    pub fn new(config: &Config, payment_id: PaymentId, salt: &Salt) -> Result<Self, Error> {
        Ok(Self {
            link: SignedLink::new(config, &CardPay::new(payment_id), salt)?,
        })
    }

    /// The full URL with the signed query string.
    pub fn url(&self) -> String {
        self.link.url()
    }

    /// The signed fields as `(name, value)` pairs, for a form instead of a URL.
    pub fn form_fields(&self) -> Vec<(String, String)> {
        self.link.form_fields()
    }
}

operation! {
    /// The confirmation the link signs.
    pub(super) struct CardPay => () {
        name: "card_pay_link",
        path: "/v1/merchant/{merchant_id}/card/pay",
        secret: SecretKind::Payment,
        moves_money: true;
        fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, SecretKey, verify};

    use super::*;
    use crate::form;
    use crate::testing::{PAYMENT_SECRET, config, salt};

    fn link() -> CardPayLink {
        CardPayLink::new(&config(), PaymentId::new(123_457_100).unwrap(), &salt()).unwrap()
    }

    #[test]
    fn the_exact_url() {
        assert_payment_snapshot!(link().url());
    }

    #[test]
    fn the_url_verifies_with_the_script_pay() {
        let url = link().url();
        let (action, query) = url.split_once('?').unwrap();
        assert_eq!(
            action,
            "https://api.freedompay.kz/v1/merchant/123456/card/pay"
        );
        let script = ScriptName::from_url(action).unwrap();
        assert_eq!(script.as_str(), "pay");
        let fields = form::decode(query.as_bytes()).unwrap();
        verify(&script, &fields, &SecretKey::new(PAYMENT_SECRET).unwrap()).expect("verifies");
        assert_eq!(
            link().form_fields()[1],
            ("pg_payment_id".to_owned(), "123457100".to_owned())
        );
    }
}
