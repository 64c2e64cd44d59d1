//! Invoices (a QR code or a link the payer opens): `/v5/merchant/invoice/*`, JSON signed with
//! the merchant id and the payment secret (HS512), docs/protocol.md §12.2.
//!
//! Only **init** is published field by field (freedompay.money/docs-en/merchant-api/bill,
//! docs.freedompay.kg api-13677871). The navigation also lists *Info*, *Pay* and *Status*, but
//! their paths, bodies and replies were not retrievable (docs/protocol.md §12.2 \[?\]): call
//! them with a [`JsonCall`](super::JsonCall) on [`JsonApi::Invoice`](super::JsonApi) and the
//! path FreedomPay gives you; it is signed and checked like every invoice call.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::values::{amount_number, id_value, text_or_number};
use super::{JsonApi, JsonContext, JsonOperation, JsonReply};
use crate::{Amount, Currency, Description, InvalidInput, OrderId, ReadError, Url};

wire_enum! {
    /// `invoice_method`: how the payer is given the invoice.
    InvoiceMethod {
        /// `qr`: a QR code (its link, base64, in the reply's `invoice_methods.qr`).
        Qr = "qr",
    }
}

wire_enum! {
    /// `invoice_status`: where the invoice is (docs.freedompay.kg api-13677871).
    InvoiceStatus {
        /// `process`: waiting for the payer or the payment system.
        Process = "process",
        /// `ok`: paid.
        Ok = "ok",
        /// `failed`: the payment failed.
        Failed = "failed",
        /// `incomplete`: expired unpaid.
        Incomplete = "incomplete",
    }
}

wire_enum! {
    /// `request_method`: how FreedomPay calls the check and result URLs.
    RequestMethod {
        /// `GET`.
        Get = "GET",
        /// `POST`.
        Post = "POST",
    }
}

wire_enum! {
    /// `status` of a reply: whether the request itself succeeded.
    ReplyStatus {
        /// `ok`: the request succeeded.
        Ok = "ok",
        /// `error`: it failed (the reply is then an error, never an output).
        Error = "error",
    }
}

/// `POST /v5/merchant/invoice/init`: issues an invoice the payer pays by QR code or link.
/// **Moves money** (it starts a payment): never resent once it may have left; after an
/// unknown outcome, ask FreedomPay about the order id before issuing another.
///
/// The body's members and order are those of the documented example token's payload
/// (`order_id`, `merchant_id` as an integer, `amount` as a number, `description`,
/// `invoice_method`, `currency`), then the optional `check_url`, `result_url`,
/// `request_method` of the field table (docs.freedompay.kg api-13677871).
///
/// ```
/// use freedompay_core::{Amount, Config, Currency, Description, OrderId};
/// use freedompay_core::json::{RequestId, prepare_json, invoice::{InitInvoice, InvoiceMethod}};
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret_key").build()?;
/// let invoice = InitInvoice::new(
///     OrderId::new("828cf71d-a447-4a67-a149-c1df8bc197ca")?,
///     Amount::whole(100)?,
///     Description::new("Счет за услуги")?,
///     vec![InvoiceMethod::Qr],
///     Currency::Kzt,
/// );
/// let request = prepare_json(&config, &invoice, &RequestId::new("unused")?)?;
/// // The Invoice documentation's example token, byte for byte.
/// assert!(request.headers().get("X-JWS-Signature").unwrap().ends_with("..wCwFCAmxN0nbTm6mad8GxowIjgkCwfF7IAy2ijO9thLjsZFXnS4K_I4NPnXjkTFTMnEzqjk8rtIVmtf7NbGyvg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitInvoice {
    order_id: OrderId,
    amount: Amount,
    description: Description,
    methods: Vec<InvoiceMethod>,
    currency: Currency,
    check_url: Option<Url>,
    result_url: Option<Url>,
    request_method: Option<RequestMethod>,
}

impl InitInvoice {
    /// An invoice of `amount` in `currency` for order `order_id`, offered by `methods`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        methods: Vec<InvoiceMethod>,
        currency: Currency,
    ) -> Self {
        Self {
            order_id,
            amount,
            description,
            methods,
            currency,
            check_url: None,
            result_url: None,
            request_method: None,
        }
    }

    /// `check_url`: FreedomPay asks it whether the payment may go ahead, before it does.
    pub fn check_url(mut self, url: Url) -> Self {
        self.check_url = Some(url);
        self
    }

    /// `result_url`: FreedomPay reports the result there (required unless set in the shop's
    /// settings).
    pub fn result_url(mut self, url: Url) -> Self {
        self.result_url = Some(url);
        self
    }

    /// `request_method`: how the check and result URLs are called.
    pub fn request_method(mut self, method: RequestMethod) -> Self {
        self.request_method = Some(method);
        self
    }
}

/// The wire form of [`InitInvoice`].
#[derive(Serialize)]
struct InitBody<'a> {
    order_id: &'a str,
    merchant_id: Box<RawValue>,
    amount: Box<RawValue>,
    description: &'a str,
    invoice_method: String,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    check_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_method: Option<&'a str>,
}

impl JsonOperation for InitInvoice {
    type Output = InvoiceCreated;
    const NAME: &'static str = "invoice_init";

    fn api(&self) -> JsonApi {
        JsonApi::Invoice
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/v5/merchant/invoice/init")
    }

    fn moves_money(&self) -> bool {
        true
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn reconcile_hint(&self) -> &'static str {
        "the invoice may have been issued: ask FreedomPay about this order id (the invoice status call's path is not published, docs/protocol.md §12.2) before issuing another"
    }

    fn body(&self, context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput> {
        crate::declare::amount_to_send("amount", &self.amount)?;
        if self.methods.is_empty() {
            return Err(InvalidInput::new(
                "invoice_method",
                "give at least one method",
            ));
        }
        let methods: Vec<&str> = self.methods.iter().map(InvoiceMethod::as_str).collect();
        let body = InitBody {
            order_id: self.order_id.as_str(),
            merchant_id: id_value(context.key_id()),
            amount: amount_number(&self.amount),
            description: self.description.as_str(),
            invoice_method: methods.join(","),
            currency: self.currency.as_str(),
            check_url: self.check_url.as_ref().map(Url::as_str),
            result_url: self.result_url.as_ref().map(Url::as_str),
            request_method: self.request_method.as_ref().map(RequestMethod::as_str),
        };
        super::values::to_body(&body, None, context)
    }

    fn read(&self, reply: &JsonReply<'_>) -> Result<InvoiceCreated, ReadError> {
        reply.parse::<InitReply>().map(InvoiceCreated::from)
    }
}

/// The reply members of invoice init, as the field table names them (the sample is shown as
/// XML, docs/protocol.md §12.2 \[?\]).
#[derive(Deserialize)]
struct InitReply {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    invoice_status: Option<String>,
    #[serde(default, with = "text_or_number")]
    invoice_id: Option<String>,
    #[serde(default)]
    invoice_methods: Option<Methods>,
    #[serde(default)]
    dt: Option<String>,
}

#[derive(Deserialize)]
struct Methods {
    #[serde(default)]
    qr: Option<String>,
}

/// What invoice init answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvoiceCreated {
    /// `status`: `ok` (an error reply is an [`Error`](crate::Error), never this).
    pub status: Option<ReplyStatus>,
    /// `invoice_status`: where the invoice is.
    pub invoice_status: Option<InvoiceStatus>,
    /// `invoice_id`: the payment's id at FreedomPay, the key of every later call about it.
    pub invoice_id: Option<String>,
    /// `invoice_methods.qr`: the QR code's link, base64 as sent.
    pub qr: Option<String>,
    /// `dt`: when the request was handled (`YYYY-MM-DDThh:mm:ss±hh:mm`), as sent.
    pub dt: Option<String>,
}

impl From<InitReply> for InvoiceCreated {
    fn from(reply: InitReply) -> Self {
        Self {
            status: reply.status.as_deref().map(ReplyStatus::from_wire_str),
            invoice_status: reply
                .invoice_status
                .as_deref()
                .map(InvoiceStatus::from_wire_str),
            invoice_id: reply.invoice_id,
            qr: reply.invoice_methods.and_then(|m| m.qr),
            dt: reply.dt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    fn documented() -> InitInvoice {
        InitInvoice::new(
            OrderId::new("828cf71d-a447-4a67-a149-c1df8bc197ca").unwrap(),
            Amount::whole(100).unwrap(),
            Description::new("Счет за услуги").unwrap(),
            vec![InvoiceMethod::Qr],
            Currency::Kzt,
        )
    }

    #[test]
    fn init_reproduces_the_documented_token() {
        let wire = json_wire(&documented());
        assert!(wire.contains("X-JWS-Signature: eyJwYXRoIjoiL3Y1L21lcmNoYW50L2ludm9pY2UvaW5pdCIsIm1lcmNoYW50X2lkIjoxMjM0NTYsIm1ldGhvZCI6IlBPU1QiLCJwYXJhbXMiOiIiLCJhbGciOiJIUzUxMiJ9..wCwFCAmxN0nbTm6mad8GxowIjgkCwfF7IAy2ijO9thLjsZFXnS4K_I4NPnXjkTFTMnEzqjk8rtIVmtf7NbGyvg"), "{wire}");
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn init_with_its_urls() {
        let op = documented()
            .check_url(Url::new("https://shop.kz/check").unwrap())
            .result_url(Url::new("https://shop.kz/result").unwrap())
            .request_method(RequestMethod::Post);
        insta::assert_snapshot!(json_wire(&op));
    }

    #[test]
    fn init_is_money_moving() {
        assert!(documented().moves_money());
    }

    #[test]
    fn init_reads_the_documented_sample() {
        let reply = read_fixture(&documented(), "invoice_init_reply.json").unwrap();
        assert_eq!(reply.status, Some(ReplyStatus::Unknown("string".into())));
        assert_eq!(
            reply.invoice_status,
            Some(InvoiceStatus::Unknown("string".into()))
        );
        assert_eq!(reply.invoice_id.as_deref(), Some("0"));
        assert_eq!(reply.qr.as_deref(), Some("string"));
        assert_eq!(reply.dt.as_deref(), Some("2019-08-24T14:15:22Z"));
    }

    #[test]
    fn init_reads_the_documented_xml_sample_verbatim() {
        let reply = read_fixture(&documented(), "invoice_init_reply.xml").unwrap();
        assert_eq!(
            reply.invoice_status,
            Some(InvoiceStatus::Unknown("string".into()))
        );
        assert_eq!(reply.invoice_id.as_deref(), Some("0"));
        assert_eq!(reply.qr.as_deref(), Some("string"));
        assert_eq!(reply.dt.as_deref(), Some("2019-08-24T14:15:22Z"));
    }

    #[test]
    fn an_xml_error_reply_is_an_error() {
        let body = b"<root><status>error</status><error_code>1012</error_code><error_description>Order exists</error_description></root>";
        let error = crate::json::testing::call_error(&documented(), body);
        assert!(error.outcome_unknown(), "{error}");
        assert_eq!(error.error_code().map(|c| c.code()), Some(1012));
    }

    #[test]
    fn init_reads_a_created_invoice() {
        let reply = read_fixture(&documented(), "invoice_init_ok.json").unwrap();
        assert_eq!(reply.status, Some(ReplyStatus::Ok));
        assert_eq!(reply.invoice_status, Some(InvoiceStatus::Process));
        assert_eq!(reply.invoice_id.as_deref(), Some("1234567"));
    }

    #[test]
    fn an_error_reply_is_an_unknown_outcome() {
        let error =
            crate::json::testing::call_error(&documented(), &fixture("invoice_init_error.json"));
        assert!(error.outcome_unknown(), "{error}");
        assert_eq!(error.error_code().map(|c| c.code()), Some(1012));
    }
}
