//! The second kind of operation: FreedomPay's `/v5` JSON APIs, authenticated with a detached
//! JWS (`X-JWS-Signature`) instead of the MD5 `pg_sig` (docs/protocol.md §4, §12).
//!
//! Four APIs share this kind, each with its own key and JWS header ([`JsonApi`],
//! docs/protocol.md §12.1): **Invoice** (`/v5/merchant/invoice/*`, the merchant id and the
//! payment secret, HS512), the **Gateway Async API** (`/v5/g2g/*`, HS256, with `X-Action`
//! and `X-Request-Id`; the merchant id and the payment secret unless set), the **Card API** (`/v5/card-api/*`) and the **Partner API**
//! (`/v5/partner/*`), the last two with an `auth_id` and a secret of their own
//! ([`ConfigBuilder::json_api_key`](crate::ConfigBuilder::json_api_key)).
//!
//! A JSON operation is a value implementing [`JsonOperation`]: which API, method and path, whether
//! it moves money, its `X-Action` where the Async API wants one, its body as the exact bytes
//! sent, and how to read the reply. A [`JsonExchange`] drives one call with the guarantees of
//! the form kind's [`Exchange`](crate::Exchange): the body is serialised and signed once, the
//! same bytes and the same `X-Request-Id` go out on every attempt (so a gateway that
//! deduplicates by request id can), a query is retried after a failure, and a money-moving
//! call is never resent once it may have left; its error is then an unknown outcome
//! ([`Error::outcome_unknown`](crate::Error::outcome_unknown)). A reply carrying an
//! `X-JWS-Signature` is verified with the same key and algorithm (none of the four APIs
//! publishes whether it signs its replies, docs/protocol.md §12.1 \[?\]); an error reply is an
//! [`ErrorKind::Gateway`](crate::ErrorKind::Gateway) when its signature verified and an
//! [`ErrorKind::Unsigned`](crate::ErrorKind::Unsigned) otherwise. A reply in XML (the Invoice
//! page shows its sample so) is read as the JSON object of the same members, every value a
//! string. The JSON APIs publish no
//! code table: their numeric codes are kept as [`ErrorCode::Unknown`](crate::ErrorCode), whose
//! class is "outcome unknown", so a refused money-moving call is never taken as proof that
//! nothing moved.
//!
//! # Declaring a JSON operation
//!
//! A request is a struct that serialises (with serde 1, `#[derive(serde::Serialize)]`) to the
//! documented body; its output is any type that deserialises from the documented reply.
//! [`json_operation!`](crate::json_operation) writes the [`JsonOperation`] impl:
//!
//! ```
//! use freedompay_core::{json::{JsonApi, JsonOperation, RequestId, prepare_json}, json_operation, Config};
//!
//! /// `POST /v5/card-api/request/status`: the status of an earlier Card API request.
//! #[derive(serde::Serialize)]
//! struct CardRequestStatus {
//!     request_id: String,
//! }
//!
//! /// What it answers (only the members this shop reads).
//! #[derive(serde::Deserialize)]
//! struct CardRequestState {
//!     status: String,
//! }
//!
//! json_operation! {
//!     CardRequestStatus => CardRequestState {
//!         name: "card_request_status",
//!         api: JsonApi::Card,
//!         path: "/v5/card-api/request/status",
//!         moves_money: false,
//!     }
//! }
//!
//! let config = Config::builder()
//!     .merchant_id("123456")
//!     .secret_key("pay-secret")
//!     .json_api_key(JsonApi::Card, "123456", "secret")
//!     .build()?;
//! let op = CardRequestStatus { request_id: "828cf71d-a447-4a67-a149-c1df8bc197ca".into() };
//! let request = prepare_json(&config, &op, &RequestId::new("0190b3c2-7d1e-7000-8000-000000000001")?)?;
//! assert_eq!(request.url(), "https://api.freedompay.kz/v5/card-api/request/status");
//! // The Card API's documented example token, byte for byte (docs.freedompay.kz doc-760202).
//! assert!(request.headers().get("X-JWS-Signature").unwrap().ends_with("..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkFDUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The macro's other settings, after `moves_money`: `method: Get` (the default is `Post`),
//! `action: "gateway.payment.status"` (the Async API's `X-Action`), `order_id: field` (a
//! `String`/`&str`-like field named in errors), `request_id: "request_id"` (the body member
//! that carries the call's request id, written first: the Card and Partner APIs put it in the
//! body). An operation whose body or reply is not plain serde implements [`JsonOperation`]
//! by hand; an endpoint with no type at all is a [`JsonCall`] (raw body bytes in, raw reply
//! out), which is what the clients' `call_json` and the CLI's `freedompay call` send.
//!
//! The clients call any of them with `call_json(op)`, and have one method per operation of
//! [`for_each_json_operation!`](crate::for_each_json_operation).
//!
//! # serde
//!
//! serde and serde_json are dependencies of this crate for the models of these APIs. They are
//! not in its signatures except where a user declares an operation: the request and output
//! types of [`json_operation!`](crate::json_operation) are the user's own serde types. The
//! SDK's models implement `serde::Serialize`/`Deserialize` as their wire form.

pub mod card_api;
mod exchange;
pub mod gateway_async;
pub mod invoice;
pub mod partner_api;
mod settings;
#[cfg(test)]
mod testing;
mod values;

use std::borrow::Cow;

use freedompay_transport::{Headers, Method};

pub use exchange::{JsonExchange, prepare_json, read_json_reply};
pub(crate) use settings::JsonSettings;
pub use settings::{JwsProfile, KeyIdEncoding, ReplySignature};
pub use values::RequestId;

use crate::{InvalidInput, ReadError};

/// The `/v5` JSON APIs, each with its key and JWS header (docs/protocol.md §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonApi {
    /// Invoices (QR, link): `/v5/merchant/invoice/*`; the merchant id and the payment secret,
    /// HS512.
    Invoice,
    /// The Gateway Async API: `/v5/g2g/*`, with `X-Action` and `X-Request-Id`; an `auth_id`
    /// and HS256 (the merchant id and the payment secret unless set).
    Async,
    /// The Card API (payment and gift cards): `/v5/card-api/*`; an `auth_id` and its secret,
    /// HS512.
    Card,
    /// The Partner API (products, e-money): `/v5/partner/*`; an `auth_id` and its secret,
    /// HS256, `X-Request-Id`.
    Partner,
}

impl JsonApi {
    /// Every API, in a fixed order.
    pub const ALL: [JsonApi; 4] = [
        JsonApi::Invoice,
        JsonApi::Async,
        JsonApi::Card,
        JsonApi::Partner,
    ];

    /// Its name in settings, errors and the CLI: `invoice`, `async`, `card`, `partner`.
    pub const fn name(self) -> &'static str {
        match self {
            JsonApi::Invoice => "invoice",
            JsonApi::Async => "async",
            JsonApi::Card => "card",
            JsonApi::Partner => "partner",
        }
    }

    /// The API of a name ([`JsonApi::name`]).
    pub fn parse(name: &str) -> Result<Self, InvalidInput> {
        JsonApi::ALL
            .into_iter()
            .find(|api| api.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| InvalidInput::new("api", "must be invoice, async, card or partner"))
    }

    pub(crate) const fn index(self) -> usize {
        match self {
            JsonApi::Invoice => 0,
            JsonApi::Async => 1,
            JsonApi::Card => 2,
            JsonApi::Partner => 3,
        }
    }

    /// The SDK's reading of the API's documentation: algorithm, header members, request id
    /// header (docs/protocol.md §12.1). Replace it with
    /// [`ConfigBuilder::json_api_profile`](crate::ConfigBuilder::json_api_profile).
    pub fn default_profile(self) -> JwsProfile {
        settings::default_profile(self)
    }
}

impl core::fmt::Display for JsonApi {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a JSON operation's body is written with: the call's request id and key id.
#[derive(Debug, Clone, Copy)]
pub struct JsonContext<'a> {
    request_id: &'a RequestId,
    key_id: &'a str,
}

impl<'a> JsonContext<'a> {
    /// A context (for tests of a hand-written body).
    pub fn new(request_id: &'a RequestId, key_id: &'a str) -> Self {
        Self { request_id, key_id }
    }

    /// The call's request id: the same on every attempt.
    pub fn request_id(&self) -> &'a RequestId {
        self.request_id
    }

    /// The key id the call is signed for: the merchant id (Invoice, Async) or the `auth_id`
    /// (Card, Partner).
    pub fn key_id(&self) -> &'a str {
        self.key_id
    }
}

/// A reply of a JSON API, after its signature (if it had one) was verified and an error
/// reply was set apart: what [`JsonOperation::read`] reads.
#[derive(Debug, Clone, Copy)]
pub struct JsonReply<'a> {
    status: u16,
    headers: &'a Headers,
    body: &'a [u8],
    signed: bool,
}

impl<'a> JsonReply<'a> {
    /// A reply (for tests of a hand-written reader).
    pub fn new(status: u16, headers: &'a Headers, body: &'a [u8], signed: bool) -> Self {
        Self {
            status,
            headers,
            body,
            signed,
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A response header (`X-Request-Id`, `X-Request-Status`, ...).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name)
    }

    /// The body, as received.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// Whether the reply carried an `X-JWS-Signature` that verified with the API's key.
    pub fn is_signed(&self) -> bool {
        self.signed
    }

    /// Deserialises the body (the readers of the SDK's models).
    #[allow(dead_code)]
    pub(crate) fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ReadError> {
        values::parse_body(self.body)
    }
}

/// One call of a `/v5` JSON API, as a value: its API, method and path, whether it moves
/// money, its body, and how to read the reply. Declare one with
/// [`json_operation!`](crate::json_operation) (see the [module documentation](self)).
pub trait JsonOperation {
    /// What a successful call returns.
    type Output;

    /// The operation's name in errors and traces (`invoice_init`).
    const NAME: &'static str;

    /// The API: its key, its JWS header, its host.
    fn api(&self) -> JsonApi;

    /// The HTTP method (`POST` unless said otherwise).
    fn method(&self) -> Method {
        Method::Post
    }

    /// The path below the API's base URL (`/v5/merchant/invoice/init`), also written into the
    /// JWS header.
    fn path(&self) -> Cow<'_, str>;

    /// Whether the call moves money (an invoice, a payment, a refund, a clearing, a card
    /// load). Such a call is never resent after a failure that may have reached the gateway.
    fn moves_money(&self) -> bool;

    /// The Async API's `X-Action` (`gateway.payment.status`); `None` for the other APIs.
    fn action(&self) -> Option<Cow<'_, str>> {
        None
    }

    /// The order id, for errors and traces.
    fn order_id(&self) -> Option<&str> {
        None
    }

    /// How to find out what became of this call after an unknown outcome, for the error's
    /// message.
    fn reconcile_hint(&self) -> &'static str {
        "check the request's state with the API's status call (by its order id or X-Request-Id) before trying again"
    }

    /// The body: the exact bytes sent and signed (empty for a `GET`).
    fn body(&self, context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput>;

    /// Reads a successful reply.
    fn read(&self, reply: &JsonReply<'_>) -> Result<Self::Output, ReadError>;
}

/// Any endpoint of a `/v5` JSON API, without a type: the body as bytes, the reply as bytes.
/// What the clients' `call_json` with a raw body and the CLI's `freedompay call` send.
///
/// ```
/// use freedompay_core::{Config, json::{JsonApi, JsonCall, RequestId, prepare_json}};
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret_key").build()?;
/// let call = JsonCall::new(JsonApi::Invoice, "/v5/merchant/invoice/status", br#"{"order_id":"42"}"#.to_vec())
///     .moves_money(false);
/// let request = prepare_json(&config, &call, &RequestId::new("req-1")?)?;
/// assert_eq!(request.body(), br#"{"order_id":"42"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonCall {
    api: JsonApi,
    method: Method,
    path: String,
    body: Vec<u8>,
    moves_money: bool,
    action: Option<String>,
    order_id: Option<String>,
}

impl JsonCall {
    /// A `POST` of `body` to `path`. It counts as **moving money** until said otherwise
    /// ([`JsonCall::moves_money`]): an unknown endpoint is never resent after it may have
    /// left.
    pub fn new(api: JsonApi, path: impl Into<String>, body: Vec<u8>) -> Self {
        Self {
            api,
            method: Method::Post,
            path: path.into(),
            body,
            moves_money: true,
            action: None,
            order_id: None,
        }
    }

    /// The HTTP method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Whether the call moves money (default: yes).
    pub fn moves_money(mut self, moves_money: bool) -> Self {
        self.moves_money = moves_money;
        self
    }

    /// The Async API's `X-Action`.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// The order id, for errors.
    pub fn order_id(mut self, order_id: impl Into<String>) -> Self {
        self.order_id = Some(order_id.into());
        self
    }
}

/// A successful reply of a [`JsonCall`], as received.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonCallReply {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// Whether the reply carried an `X-JWS-Signature` that verified.
    pub signed: bool,
    /// The reply's `X-Request-Id`, when it had one.
    pub request_id: Option<String>,
}

impl JsonOperation for JsonCall {
    type Output = JsonCallReply;
    const NAME: &'static str = "call_json";

    fn api(&self) -> JsonApi {
        self.api
    }

    fn method(&self) -> Method {
        self.method
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.path)
    }

    fn moves_money(&self) -> bool {
        self.moves_money
    }

    fn action(&self) -> Option<Cow<'_, str>> {
        self.action.as_deref().map(Cow::Borrowed)
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_deref()
    }

    fn body(&self, _context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput> {
        Ok(self.body.clone())
    }

    fn read(&self, reply: &JsonReply<'_>) -> Result<JsonCallReply, ReadError> {
        Ok(JsonCallReply {
            status: reply.status(),
            body: reply.body().to_vec(),
            signed: reply.is_signed(),
            request_id: reply.header("X-Request-Id").map(str::to_owned),
        })
    }
}

/// What [`json_operation!`](crate::json_operation) expands to; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use super::values::{parse_body, to_body};
}

/// Implements [`JsonOperation`](crate::json::JsonOperation) for a request struct that is
/// `serde::Serialize`, with an output that is `serde::de::DeserializeOwned`. See the
/// [`json` module](crate::json) for an example.
///
/// ```ignore
/// json_operation! {
///     Request => Output {
///         name: "invoice_status",              // the name in errors and traces
///         api: JsonApi::Invoice,               // key, JWS header, host
///         path: "/v5/merchant/invoice/status", // also in the JWS header
///         moves_money: false,                  // never resent once it may have left if true
///         method: Get,                         // optional, default Post
///         action: "gateway.payment.status",    // optional: the Async API's X-Action
///         order_id: order_id,                  // optional: a field named in errors
///         request_id: "request_id",            // optional: the body member of the request id
///     }
/// }
/// ```
#[macro_export]
macro_rules! json_operation {
    (
        $Op:ty => $Output:ty {
            name: $name:literal,
            api: $api:expr,
            path: $path:literal,
            moves_money: $moves:literal
            $(, method: $method:ident)?
            $(, action: $action:literal)?
            $(, order_id: $order_id:ident)?
            $(, request_id: $rid:literal)?
            $(,)?
        }
    ) => {
        impl $crate::json::JsonOperation for $Op {
            type Output = $Output;
            const NAME: &'static str = $name;

            fn api(&self) -> $crate::json::JsonApi {
                $api
            }

            $(
                fn method(&self) -> $crate::transport::Method {
                    $crate::transport::Method::$method
                }
            )?

            fn path(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed($path)
            }

            fn moves_money(&self) -> bool {
                $moves
            }

            $(
                fn action(&self) -> Option<::std::borrow::Cow<'_, str>> {
                    Some(::std::borrow::Cow::Borrowed($action))
                }
            )?

            $(
                fn order_id(&self) -> Option<&str> {
                    Some(::core::convert::AsRef::<str>::as_ref(&self.$order_id))
                }
            )?

            #[allow(unused_variables)]
            fn body(
                &self,
                context: &$crate::json::JsonContext<'_>,
            ) -> Result<Vec<u8>, $crate::InvalidInput> {
                #[allow(unused_mut, unused_assignments)]
                let mut id_member: Option<&str> = None;
                $(id_member = Some($rid);)?
                $crate::json::__private::to_body(self, id_member, context)
            }

            fn read(
                &self,
                reply: &$crate::json::JsonReply<'_>,
            ) -> Result<$Output, $crate::ReadError> {
                $crate::json::__private::parse_body(reply.body())
            }
        }
    };
}

/// Calls the macro `$m` with every JSON operation the SDK declares, as
/// `method_name => Type => Output` triples: the list the client crates generate their
/// methods from.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_json_operation {
    ($m:ident) => {
        $m! {
            // Invoice (QR or link): docs/protocol.md §12.2.
            invoice_init => $crate::json::invoice::InitInvoice => $crate::json::invoice::InvoiceCreated,
            // The Gateway Async API: docs/protocol.md §12.3.
            async_create_payment => $crate::json::gateway_async::CreatePayment => $crate::json::JsonCallReply,
            async_create_recurrent_payment => $crate::json::gateway_async::CreateRecurrentPayment => $crate::json::JsonCallReply,
            async_read_payment => $crate::json::gateway_async::ReadPayment => $crate::json::JsonCallReply,
            async_read_request => $crate::json::gateway_async::ReadRequest => $crate::json::JsonCallReply,
            async_refund => $crate::json::gateway_async::RefundPayment => $crate::json::JsonCallReply,
            async_reverse => $crate::json::gateway_async::ReversePayment => $crate::json::JsonCallReply,
            async_clearing => $crate::json::gateway_async::ClearPayment => $crate::json::JsonCallReply,
            // The Card API: docs/protocol.md §12.4.
            card_request_status => $crate::json::card_api::CardRequestStatus => $crate::json::card_api::CardRequestStatusReply,
            card_unblock => $crate::json::card_api::UnblockCard => $crate::json::card_api::CardRequestState,
            card_close => $crate::json::card_api::CloseCard => $crate::json::card_api::CardRequestState,
            card_link => $crate::json::card_api::LinkCard => $crate::json::card_api::CardRequestState,
            gift_card_confirm => $crate::json::card_api::gift::ConfirmGiftCard => $crate::json::card_api::gift::GiftCardConfirmed,
            // The Partner API: docs/protocol.md §12.5.
            partner_rates_add => $crate::json::partner_api::AddRates => $crate::json::partner_api::RatesAdded,
            partner_user_add => $crate::json::partner_api::AddUser => $crate::json::partner_api::UserAdded,
            partner_wallet_block => $crate::json::partner_api::BlockWallet => $crate::json::partner_api::WalletState,
            partner_wallet_statement => $crate::json::partner_api::WalletStatement => $crate::json::partner_api::WalletStatementReply,
        }
    };
}
