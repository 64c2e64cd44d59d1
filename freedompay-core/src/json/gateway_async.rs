//! The Gateway Async API: `POST /v5/g2g/create|read|edit` with an `X-Action` naming the
//! operation and an `X-Request-Id` the gateway deduplicates by ("if the same request_id is
//! sent more than once, the API guarantees idempotent behavior and returns the original
//! response", docs.freedompay.kz api-9587010), docs/protocol.md §12.3.
//!
//! What is published, and so modelled: the three paths and the JWS header (`uri`, `auth_id`,
//! HS256) of the overview (docs.freedompay.kz doc-650923), the create payment body of its
//! example, read payment's `X-Action` and body (api-9587007), and reverse's `X-Action`
//! (api-9587010). Not published \[?\]: every reply body (read payment's is shown as `{}`), the
//! bodies of the `edit` calls, the `X-Action` of create, create recurrent and read request,
//! and anything of *delete* (no path): those operations take the missing part as an argument,
//! and *delete* is a [`JsonCall`](super::JsonCall). Every reply is returned as received
//! ([`AsyncReply`]), after its `X-JWS-Signature`, when it has one, is verified.
//!
//! All of them carry the call's [`RequestId`](super::RequestId) in `X-Request-Id`, the same
//! on every attempt; the money-moving ones (create, refund, reverse, clearing) are still never
//! resent once they may have left (the SDK does not rely on the gateway's deduplication).

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Serialize;
use serde_json::value::RawValue;

use super::values::amount_number;
use super::{JsonApi, JsonCallReply, JsonContext, JsonOperation, JsonReply};
use crate::{
    Amount, CardData, Currency, Description, InvalidInput, OrderId, ReadError, Url, UserId,
};

/// A reply of the Async API, as received: its members are not published (docs/protocol.md
/// §12.3 \[?\]).
pub type AsyncReply = JsonCallReply;

const CREATE: &str = "/v5/g2g/create";
const READ: &str = "/v5/g2g/read";
const EDIT: &str = "/v5/g2g/edit";

/// The reply of every Async operation: the body as received.
fn as_received(reply: &JsonReply<'_>) -> AsyncReply {
    JsonCallReply {
        status: reply.status(),
        body: reply.body().to_vec(),
        signed: reply.is_signed(),
        request_id: reply.header("X-Request-Id").map(str::to_owned),
    }
}

/// A JSON body given by the caller: it must be a JSON object (checked, not interpreted).
fn object_body(body: &[u8]) -> Result<Vec<u8>, InvalidInput> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => Ok(body.to_vec()),
        _ => Err(InvalidInput::new("body", "must be a JSON object")),
    }
}

/// `X-Action`: 1 to 100 printable ASCII characters.
fn check_action(action: &str) -> Result<(), InvalidInput> {
    if action.is_empty() || action.len() > 100 || !action.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            "X-Action",
            "must be 1 to 100 printable ASCII characters without spaces",
        ));
    }
    Ok(())
}

/// `POST /v5/g2g/create`: a card payment with the card's data (the overview's example body,
/// docs.freedompay.kz doc-650923). **Moves money**: never resent once it may have left.
///
/// The page of this call does not show its `X-Action` (docs/protocol.md §12.3 \[?\]): none is
/// sent unless you give the one FreedomPay tells you ([`CreatePayment::action`]). Which
/// members are required is not published either; the optional ones are sent only when set.
/// The card's number and security code never appear in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePayment {
    order_id: OrderId,
    amount: Amount,
    currency: Currency,
    description: Description,
    card: CardData,
    action: Option<String>,
    user_id: Option<UserId>,
    auto_clearing: Option<bool>,
    save_card: Option<bool>,
    recurrent_lifetime: Option<u16>,
    user_ip: Option<IpAddr>,
    check_url: Option<Url>,
    result_url: Option<Url>,
}

impl CreatePayment {
    /// A payment of `amount` in `currency` for order `order_id`, from `card`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        currency: Currency,
        description: Description,
        card: CardData,
    ) -> Self {
        Self {
            order_id,
            amount,
            currency,
            description,
            card,
            action: None,
            user_id: None,
            auto_clearing: None,
            save_card: None,
            recurrent_lifetime: None,
            user_ip: None,
            check_url: None,
            result_url: None,
        }
    }

    /// The `X-Action` to send (not published for this call).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// `user_id`: the payer's id in the shop.
    pub fn user_id(mut self, user_id: UserId) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// `auto_clearing`: charge at once (`true`) or hold until a clearing (`false`).
    pub fn auto_clearing(mut self, auto: bool) -> Self {
        self.auto_clearing = Some(auto);
        self
    }

    /// `from.save`: save the card for later payments.
    pub fn save_card(mut self, save: bool) -> Self {
        self.save_card = Some(save);
        self
    }

    /// `from.recurrent.lifetime`: start recurring payments, valid this many months (the
    /// example's unit is not stated; the Merchant API's `pg_recurring_lifetime` is months).
    pub fn recurrent_lifetime(mut self, months: u16) -> Self {
        self.recurrent_lifetime = Some(months);
        self
    }

    /// `device.user_ip`: the payer's IP address.
    pub fn user_ip(mut self, ip: IpAddr) -> Self {
        self.user_ip = Some(ip);
        self
    }

    /// `urls.check_url`.
    pub fn check_url(mut self, url: Url) -> Self {
        self.check_url = Some(url);
        self
    }

    /// `urls.result_url`.
    pub fn result_url(mut self, url: Url) -> Self {
        self.result_url = Some(url);
        self
    }
}

#[derive(Serialize)]
struct CreateBody<'a> {
    amount: Box<RawValue>,
    currency: &'a str,
    description: &'a str,
    order_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_clearing: Option<bool>,
    from: Source<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<Device>,
    #[serde(skip_serializing_if = "Option::is_none")]
    urls: Option<Urls<'a>>,
}

#[derive(Serialize)]
struct Source<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    card: Card<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    save: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recurrent: Option<Recurrent>,
}

#[derive(Serialize)]
struct Card<'a> {
    name: &'a str,
    pan: &'a str,
    cvc: &'a str,
    year: u16,
    month: u8,
}

#[derive(Serialize)]
struct Recurrent {
    lifetime: u16,
}

#[derive(Serialize)]
struct Device {
    user_ip: String,
}

#[derive(Serialize)]
struct Urls<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    check_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result_url: Option<&'a str>,
}

impl JsonOperation for CreatePayment {
    type Output = AsyncReply;
    const NAME: &'static str = "async_create_payment";

    fn api(&self) -> JsonApi {
        JsonApi::Async
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed(CREATE)
    }

    fn moves_money(&self) -> bool {
        true
    }

    fn action(&self) -> Option<Cow<'_, str>> {
        self.action.as_deref().map(Cow::Borrowed)
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn reconcile_hint(&self) -> &'static str {
        "check the payment with ReadPayment (X-Action gateway.payment.status) by its order id before trying again"
    }

    fn body(&self, context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput> {
        crate::declare::amount_to_send("amount", &self.amount)?;
        if let Some(action) = &self.action {
            check_action(action)?;
        }
        let (pan, cvc, expiry, holder) = self.card.parts();
        let year = expiry.wire_year();
        let month = expiry.wire_month();
        let urls = (self.check_url.is_some() || self.result_url.is_some()).then(|| Urls {
            check_url: self.check_url.as_ref().map(Url::as_str),
            result_url: self.result_url.as_ref().map(Url::as_str),
        });
        let body = CreateBody {
            amount: amount_number(&self.amount),
            currency: self.currency.as_str(),
            description: self.description.as_str(),
            order_id: self.order_id.as_str(),
            user_id: self.user_id.as_ref().map(UserId::as_str),
            auto_clearing: self.auto_clearing,
            from: Source {
                kind: "card",
                card: Card {
                    name: holder.reveal(),
                    pan: pan.reveal(),
                    cvc: cvc.reveal(),
                    year: year
                        .parse()
                        .map_err(|_| InvalidInput::new("year", "two digits"))?,
                    month: month
                        .parse()
                        .map_err(|_| InvalidInput::new("month", "two digits"))?,
                },
                save: self.save_card,
                recurrent: self
                    .recurrent_lifetime
                    .map(|lifetime| Recurrent { lifetime }),
            },
            device: self.user_ip.map(|ip| Device {
                user_ip: ip.to_string(),
            }),
            urls,
        };
        // The body holds card data: it lives only in the request's buffer.
        super::values::to_body(&body, None, context)
    }

    fn read(&self, reply: &JsonReply<'_>) -> Result<AsyncReply, ReadError> {
        Ok(as_received(reply))
    }
}

/// `POST /v5/g2g/read` with `X-Action: gateway.payment.status`: a payment's state, by its
/// id at FreedomPay and/or its order id (docs.freedompay.kz api-9587007: either is enough;
/// docs.freedompay.kg api-13677835 marks both required). A query: retried after a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadPayment {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<OrderIdText>,
}

/// An order id as its text, for serde.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderIdText(OrderId);

impl Serialize for OrderIdText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl ReadPayment {
    /// By the payment's id at FreedomPay (`id`, a UUID in the examples).
    pub fn by_id(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            order_id: None,
        }
    }

    /// By the shop's order id.
    pub fn by_order_id(order_id: OrderId) -> Self {
        Self {
            id: None,
            order_id: Some(OrderIdText(order_id)),
        }
    }

    /// Adds the order id to a query by id (both are sent, as in the example).
    pub fn and_order_id(mut self, order_id: OrderId) -> Self {
        self.order_id = Some(OrderIdText(order_id));
        self
    }
}

impl JsonOperation for ReadPayment {
    type Output = AsyncReply;
    const NAME: &'static str = "async_read_payment";

    fn api(&self) -> JsonApi {
        JsonApi::Async
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed(READ)
    }

    fn moves_money(&self) -> bool {
        false
    }

    fn action(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed("gateway.payment.status"))
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_ref().map(|o| o.0.as_str())
    }

    fn body(&self, context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput> {
        if let Some(id) = &self.id
            && (id.is_empty() || id.len() > 64 || id.chars().any(char::is_control))
        {
            return Err(InvalidInput::new("id", "must be 1 to 64 characters"));
        }
        super::values::to_body(self, None, context)
    }

    fn read(&self, reply: &JsonReply<'_>) -> Result<AsyncReply, ReadError> {
        Ok(as_received(reply))
    }
}

/// Declares an Async operation whose body is given as JSON bytes (its members are not
/// published): the struct, its constructor, its [`JsonOperation`].
macro_rules! raw_async_operation {
    (
        $(#[$meta:meta])*
        $Op:ident {
            name: $name:literal,
            path: $path:expr,
            moves_money: $moves:literal,
            action: $action:tt,
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $Op {
            action: String,
            body: Vec<u8>,
            order_id: Option<String>,
        }

        impl $Op {
            raw_async_operation!(@new $action);

            /// The order id, named in errors (not sent: put it in the body as FreedomPay
            /// asks).
            pub fn order_id(mut self, order_id: OrderId) -> Self {
                self.order_id = Some(order_id.as_str().to_owned());
                self
            }
        }

        impl JsonOperation for $Op {
            type Output = AsyncReply;
            const NAME: &'static str = $name;

            fn api(&self) -> JsonApi {
                JsonApi::Async
            }

            fn path(&self) -> Cow<'_, str> {
                Cow::Borrowed($path)
            }

            fn moves_money(&self) -> bool {
                $moves
            }

            fn action(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(&self.action))
            }

            fn order_id(&self) -> Option<&str> {
                self.order_id.as_deref()
            }

            fn reconcile_hint(&self) -> &'static str {
                "check the payment with ReadPayment (X-Action gateway.payment.status) before trying again"
            }

            fn body(&self, _context: &JsonContext<'_>) -> Result<Vec<u8>, InvalidInput> {
                check_action(&self.action)?;
                object_body(&self.body)
            }

            fn read(&self, reply: &JsonReply<'_>) -> Result<AsyncReply, ReadError> {
                Ok(as_received(reply))
            }
        }
    };
    (@new ($action:literal)) => {
        #[doc = concat!("The call with its JSON body (a JSON object; its members are not published). `X-Action: ", $action, "`.")]
        pub fn new(body: Vec<u8>) -> Self {
            Self { action: $action.to_owned(), body, order_id: None }
        }
    };
    (@new given) => {
        /// The call with its `X-Action` and JSON body (a JSON object): neither is published
        /// (docs/protocol.md §12.3 \[?\]); use the ones FreedomPay gives you.
        pub fn new(action: impl Into<String>, body: Vec<u8>) -> Self {
            Self { action: action.into(), body, order_id: None }
        }
    };
}

raw_async_operation! {
    /// `POST /v5/g2g/create`, *create payment recurrent*: a charge of a saved recurring
    /// payment. **Moves money.** Its page's content is not published beyond its title: the
    /// path is the `create` group's \[I\], the `X-Action` and body are yours to give \[?\].
    CreateRecurrentPayment {
        name: "async_create_recurrent_payment",
        path: CREATE,
        moves_money: true,
        action: given,
    }
}

raw_async_operation! {
    /// `POST /v5/g2g/read`, *read request*: the state of an earlier request. A query. The
    /// path is the `read` group's \[I\]; the `X-Action` and body are not published \[?\].
    ReadRequest {
        name: "async_read_request",
        path: READ,
        moves_money: false,
        action: given,
    }
}

raw_async_operation! {
    /// `POST /v5/g2g/edit`, *edit payment.refund*: refunds a charged payment. **Moves
    /// money.** `X-Action: gateway.payment.refund` is inferred \[I\] from the page's title, as
    /// *edit payment.reverse* sends `gateway.payment.reverse`; the body is not published \[?\].
    RefundPayment {
        name: "async_refund",
        path: EDIT,
        moves_money: true,
        action: ("gateway.payment.refund"),
    }
}

raw_async_operation! {
    /// `POST /v5/g2g/edit`, *edit payment.reverse*: cancels a held payment before it is
    /// charged (docs.freedompay.kz api-9587010). **Moves money** (it releases the hold). The
    /// body is not published \[?\].
    ReversePayment {
        name: "async_reverse",
        path: EDIT,
        moves_money: true,
        action: ("gateway.payment.reverse"),
    }
}

raw_async_operation! {
    /// `POST /v5/g2g/edit`, *edit payment.clearing*: charges a held payment. **Moves money.**
    /// `X-Action: gateway.payment.clearing` is inferred \[I\] from the page's title; the body
    /// is not published \[?\].
    ClearPayment {
        name: "async_clearing",
        path: EDIT,
        moves_money: true,
        action: ("gateway.payment.clearing"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing::{json_wire, read_fixture};

    fn create() -> CreatePayment {
        CreatePayment::new(
            OrderId::new("order_id").unwrap(),
            Amount::parse("123.42").unwrap(),
            Currency::Kzt,
            Description::new("description").unwrap(),
            CardData::new(
                // The overview's example PAN (4400444400004440) fails the Luhn check the SDK applies;
                // the documented test card of the Gateway API instead.
                crate::CardNumber::parse("4405645000006150").unwrap(),
                crate::Cvc::parse("123").unwrap(),
                crate::Expiry::new(12, 30).unwrap(),
                crate::CardHolder::new("CARD HOLDER").unwrap(),
            ),
        )
        .user_id(UserId::new("user_id").unwrap())
        .auto_clearing(true)
        .save_card(true)
        .recurrent_lifetime(3)
        .user_ip("123.123.123.123".parse().unwrap())
        .check_url(Url::new("https://webhook.site/2af177da-0d72-4651-a31e-a0ea56ccc8a4").unwrap())
        .result_url(Url::new("https://webhook.site/2af177da-0d72-4651-a31e-a0ea56ccc8a4").unwrap())
    }

    #[test]
    fn create_payment_writes_the_documented_body() {
        let wire = json_wire(&create());
        // The overview's example body, member for member, the card data hidden.
        assert!(wire.contains(r#"{"amount":123.42,"currency":"KZT","description":"description","order_id":"order_id","user_id":"user_id","auto_clearing":true,"from":{"type":"card","card":{"name":"CARD HOLDER","pan":"***","cvc":"***","year":30,"month":12},"save":true,"recurrent":{"lifetime":3}},"device":{"user_ip":"123.123.123.123"},"urls":{"check_url":"https://webhook.site/2af177da-0d72-4651-a31e-a0ea56ccc8a4","result_url":"https://webhook.site/2af177da-0d72-4651-a31e-a0ea56ccc8a4"}}"#), "{wire}");
        assert!(
            !wire.contains("X-Action"),
            "no X-Action is published for create"
        );
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn create_payment_hides_card_data_in_debug() {
        let debug = format!("{:?}", create());
        assert!(
            !debug.contains("4405645000006150") && !debug.contains("\"123\""),
            "{debug}"
        );
    }

    #[test]
    fn read_payment_by_id_and_order() {
        let op = ReadPayment::by_id("01907dac-a93d-776e-b475-cba6a54a4888")
            .and_order_id(OrderId::new("1234").unwrap());
        let wire = json_wire(&op);
        assert!(
            wire.contains(r#"{"id":"01907dac-a93d-776e-b475-cba6a54a4888","order_id":"1234"}"#)
        );
        assert!(wire.contains("X-Action: gateway.payment.status"));
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn read_payment_reads_the_documented_sample() {
        let reply = read_fixture(
            &ReadPayment::by_order_id(OrderId::new("1234").unwrap()),
            "async_read_payment_reply.json",
        )
        .unwrap();
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, b"{}\n");
    }

    #[test]
    fn the_edit_calls_send_their_action() {
        let body = br#"{"id":"01907dac-a93d-776e-b475-cba6a54a4888","amount":100}"#.to_vec();
        insta::assert_snapshot!("reverse", json_wire(&ReversePayment::new(body.clone())));
        insta::assert_snapshot!("refund", json_wire(&RefundPayment::new(body.clone())));
        insta::assert_snapshot!("clearing", json_wire(&ClearPayment::new(body.clone())));
        assert!(ReversePayment::new(body.clone()).moves_money());
        assert!(RefundPayment::new(body.clone()).moves_money());
        assert!(ClearPayment::new(body).moves_money());
    }

    #[test]
    fn the_unpublished_actions_are_given() {
        let op = CreateRecurrentPayment::new("gateway.payment.recurrent", b"{}".to_vec());
        assert!(op.moves_money());
        insta::assert_snapshot!("recurrent", json_wire(&op));
        let op = ReadRequest::new("gateway.request.status", br#"{"id":"x"}"#.to_vec());
        assert!(!op.moves_money());
        insta::assert_snapshot!("read_request", json_wire(&op));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused_before_sending() {
        let config = crate::json::testing::config();
        let error = crate::json::prepare_json(
            &config,
            &ReversePayment::new(b"[1]".to_vec()),
            &crate::json::testing::request_id(),
        )
        .unwrap_err();
        assert!(!error.may_have_been_sent());
        let error = crate::json::prepare_json(
            &config,
            &ReadRequest::new("bad action", b"{}".to_vec()),
            &crate::json::testing::request_id(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("X-Action"), "{error}");
    }
}
