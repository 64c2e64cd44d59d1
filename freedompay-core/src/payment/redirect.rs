//! `payment.php`: the payment page opened by the payer's browser directly, with a signed query
//! string or an auto-submitting form. No server call.

use freedompay_sign::{Fields, Salt, Value};

use crate::{
    Config, Error, InvalidInput, Operation, ReadError, Response, SecretKind, form, operation_fields,
};

use super::init::InitPayment;

/// A payment opened by sending the payer's browser to `payment.php` with the signed fields
/// of an [`InitPayment`] (docs/protocol.md §1.1: the same parameters, signed with the script
/// `payment.php`). Nothing is sent by the SDK: the gateway creates the payment when the
/// browser arrives, so no payment id is known until the callbacks come.
///
/// Use the [`url`](Self::url) for a redirect (HTTP 302 or a link), or the
/// [`form_fields`](Self::form_fields) / [`auto_submit_html`](Self::auto_submit_html) for a
/// POST form, which keeps long requests (receipts) out of the URL.
///
/// ```
/// use freedompay_core::payment::{InitPayment, PaymentRedirect};
/// use freedompay_core::{Amount, Config, Description, OrderId};
/// use freedompay_sign::Salt;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
/// let init = InitPayment::new(OrderId::new("23")?, Amount::parse("25")?, Description::new("test")?);
/// let redirect = PaymentRedirect::new(&config, &init, &Salt::new("molbulak")?)?;
/// assert!(redirect.url().starts_with("https://api.freedompay.kz/payment.php?pg_merchant_id=123456&"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRedirect {
    link: SignedLink,
}

impl PaymentRedirect {
    /// Signs the payment's fields for `payment.php` with the payment secret and this salt (a
    /// fresh random one per payment, e.g. from `freedompay_sign::OsSaltSource`).
    pub fn new(config: &Config, payment: &InitPayment, salt: &Salt) -> Result<Self, Error> {
        Ok(Self {
            link: SignedLink::new(config, &PaymentPhp(payment), salt)?,
        })
    }

    /// The page's address without the query: `{base}/payment.php`, the form's `action`.
    pub fn action(&self) -> &str {
        &self.link.action
    }

    /// The full URL with the signed query string.
    pub fn url(&self) -> String {
        self.link.url()
    }

    /// The signed fields.
    pub fn fields(&self) -> &Fields {
        &self.link.fields
    }

    /// The fields as `(name, value)` pairs for hidden form inputs, nested names in bracket
    /// notation (`pg_receipt_positions[0][name]`).
    pub fn form_fields(&self) -> Vec<(String, String)> {
        self.link.form_fields()
    }

    /// A complete HTML page that posts the signed form to the payment page as soon as it
    /// loads (with a button for browsers without scripts). Every value is HTML-escaped.
    pub fn auto_submit_html(&self) -> String {
        let mut html = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Payment</title></head>\n<body onload=\"document.forms[0].submit()\">\n",
        );
        html.push_str("<form method=\"post\" action=\"");
        escape_html(&mut html, self.action());
        html.push_str("\">\n");
        for (name, value) in self.form_fields() {
            html.push_str("<input type=\"hidden\" name=\"");
            escape_html(&mut html, &name);
            html.push_str("\" value=\"");
            escape_html(&mut html, &value);
            html.push_str("\">\n");
        }
        html.push_str("<noscript><button type=\"submit\">Continue to payment</button></noscript>\n</form>\n</body></html>\n");
        html
    }
}

/// The `payment.php` form of an [`InitPayment`]: the same fields, another script name.
struct PaymentPhp<'a>(&'a InitPayment);

impl Operation for PaymentPhp<'_> {
    type Output = ();
    const NAME: &'static str = "payment_redirect";
    const PATH: &'static str = "/payment.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.0.order().as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        self.0.write_fields(fields)
    }

    fn read(&self, _reply: &Response<'_>) -> Result<(), ReadError> {
        Ok(())
    }
}

/// A URL to open in a browser: an operation's path on the configured host, with its signed
/// fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedLink {
    action: String,
    fields: Fields,
}

impl SignedLink {
    pub(crate) fn new<O: Operation>(config: &Config, op: &O, salt: &Salt) -> Result<Self, Error> {
        Ok(Self {
            action: config.url(O::PATH),
            fields: operation_fields(config, op, salt)?,
        })
    }

    pub(crate) fn url(&self) -> String {
        format!("{}?{}", self.action, form::encode(&self.fields))
    }

    pub(crate) fn form_fields(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            flatten(field.name().to_owned(), field.value(), &mut pairs);
        }
        pairs
    }
}

fn flatten(name: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Text(text) => out.push((name, text.clone())),
        Value::Map(map) => {
            for field in map {
                flatten(format!("{name}[{}]", field.name()), field.value(), out);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{name}[{i}]"), item, out);
            }
        }
    }
}

fn escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, verify};

    use super::*;
    use crate::payment::{ReceiptPosition, TaxType};
    use crate::testing::{PAYMENT_SECRET, config, salt};
    use crate::{Amount, Description, ErrorKind, OrderId, Url};

    fn init() -> InitPayment {
        InitPayment::new(
            OrderId::new("order-42").unwrap(),
            Amount::parse("1500").unwrap(),
            Description::new("Order 42 \"<b>\" & co").unwrap(),
        )
        .result_url(Url::new("https://shop.kz/freedompay/result").unwrap())
        .receipt_position(
            ReceiptPosition::new(
                "Mouse pad",
                3,
                Amount::parse("500").unwrap(),
                TaxType::NoVat,
            )
            .unwrap(),
        )
    }

    fn redirect() -> PaymentRedirect {
        PaymentRedirect::new(&config(), &init(), &salt()).unwrap()
    }

    #[test]
    fn the_exact_url() {
        insta::assert_snapshot!(redirect().url());
    }

    #[test]
    fn the_auto_submit_page() {
        insta::assert_snapshot!(redirect().auto_submit_html());
    }

    #[test]
    fn the_url_verifies_with_the_script_payment_php() {
        let url = redirect().url();
        let (action, query) = url.split_once('?').unwrap();
        assert_eq!(action, "https://api.freedompay.kz/payment.php");
        let fields = form::decode(query.as_bytes()).unwrap();
        let secret = freedompay_sign::SecretKey::new(PAYMENT_SECRET).unwrap();
        verify(&ScriptName::from_url(action).unwrap(), &fields, &secret).expect("verifies");
        // Not the server-to-server script: the two signatures differ.
        assert!(
            verify(
                &ScriptName::new("init_payment.php").unwrap(),
                &fields,
                &secret
            )
            .is_err()
        );
    }

    #[test]
    fn form_fields_are_the_signed_fields_flattened() {
        let pairs = redirect().form_fields();
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "pg_merchant_id",
                "pg_order_id",
                "pg_amount",
                "pg_description",
                "pg_result_url",
                "pg_receipt_positions[0][count]",
                "pg_receipt_positions[0][name]",
                "pg_receipt_positions[0][tax_type]",
                "pg_receipt_positions[0][price]",
                "pg_salt",
                "pg_sig",
            ]
        );
        let body: String = pairs
            .iter()
            .map(|(n, v)| {
                let mut one = Fields::new();
                one.push(n.as_str(), v.as_str());
                form::encode(&one)
            })
            .collect::<Vec<_>>()
            .join("&");
        let fields = form::decode(body.as_bytes()).unwrap();
        assert_eq!(&fields, redirect().fields());
    }

    #[test]
    fn invalid_input_is_refused_before_signing() {
        let error =
            PaymentRedirect::new(&config(), &init().lifetime_seconds(1), &salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_lifetime"));
    }
}
