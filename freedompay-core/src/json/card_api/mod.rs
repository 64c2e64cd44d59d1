//! The Card API (payment cards and gift cards issued by a partner bank): `/v5/card-api/*`,
//! JSON signed with the Card API's own `auth_id` and secret (HS512, docs/protocol.md §12.4).
//!
//! Only the endpoints whose path and members are published are declared here: the status of
//! an earlier request, unblocking, closing and linking a payment card, and confirming a gift
//! card. The
//! navigation lists many more (issue, block, PIN, statements, clients, transactions, gift card
//! issue and list, ...); their pages came back without a path or without members
//! (docs/protocol.md §12.4 says where we looked). Call them with a
//! [`JsonCall`](super::JsonCall) on [`JsonApi::Card`](super::JsonApi) and the path FreedomPay
//! gives you: it is signed and checked like these.

pub mod gift;

use serde::{Deserialize, Serialize};

use super::JsonApi;
use crate::InvalidInput;

/// `POST /v5/card-api/request/status`: the state of an earlier Card API request, by the
/// `request_id` that request carried (docs.freedompay.kz doc-760202, whose signature example
/// is this call). A query: retried after a failure.
///
/// The reply is [`CardRequestStatusReply`] (docs.freedompay.kg api-13677899).
///
/// ```
/// use freedompay_core::{Config, json::{JsonApi, RequestId, prepare_json, card_api::CardRequestStatus}};
///
/// let config = Config::builder()
///     .merchant_id("123456")
///     .secret_key("pay-secret")
///     .json_api_key(JsonApi::Card, "123456", "secret")
///     .build()?;
/// let op = CardRequestStatus::new("828cf71d-a447-4a67-a149-c1df8bc197ca")?;
/// let request = prepare_json(&config, &op, &RequestId::new("01978c2b-f191-7b56-92f8-20c7c401d1fc")?)?;
/// assert_eq!(request.body(), br#"{"request_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardRequestStatus {
    request_id: String,
}

impl CardRequestStatus {
    /// The status of the request that carried `request_id`.
    pub fn new(request_id: impl Into<String>) -> Result<Self, InvalidInput> {
        let request_id = request_id.into();
        check_id("request_id", &request_id)?;
        Ok(Self { request_id })
    }
}

/// What the Card API answers to a request on a card: `status` (`ok` or `error`; an `error` is
/// never an output, it is the call's error), `request_status` (the request's execution state,
/// whose values are not published [?]) and `dt` (RFC 3339). docs.freedompay.kz api-12074991,
/// api-12075208.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CardRequestState {
    /// `status`: `ok` when the request was accepted.
    #[serde(default)]
    pub status: Option<String>,
    /// `request_status`: the request's execution state, as sent.
    #[serde(default)]
    pub request_status: Option<String>,
    /// `dt`: when, as sent (`YYYY-MM-DDThh:mm:ss+hh:mm`).
    #[serde(default)]
    pub dt: Option<String>,
}

/// `status` of a Card API reply: `ok` ("Request completed successfully") or `error`
/// ("Request completed with an error"); any other value is [`CardReplyStatus::Unknown`]
/// (the published samples carry the placeholder `"string"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CardReplyStatus {
    /// `ok`.
    Ok,
    /// `error` (an error reply is the call's error, never an output).
    Error,
    /// A value the pages do not list.
    #[serde(other)]
    Unknown,
}

/// One card of a request's status reply: `cards[].card_id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CardRef {
    /// `card_id`: the card's id in Freedom Processing.
    pub card_id: String,
}

/// The reply of [`CardRequestStatus`] (docs.freedompay.kg api-13677899): `status`,
/// `request_status` (the request's execution state; its values are not published [?], so it
/// is kept as sent), `cards[]` {`card_id`} (the cards the request made or acted on),
/// `client_id` and `dt` (`YYYY-MM-DDThh:mm:ss+hh:mm`). The page marks every member required;
/// a member missing from a reply reads as `None` (or no cards) rather than failing the call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CardRequestStatusReply {
    /// `status`: `ok` or `error`.
    #[serde(default)]
    pub status: Option<CardReplyStatus>,
    /// `request_status`: the request's execution state, as sent.
    #[serde(default)]
    pub request_status: Option<String>,
    /// `cards`: the request's cards.
    #[serde(default)]
    pub cards: Vec<CardRef>,
    /// `client_id`: the client the request is about, as sent.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `dt`: when, as sent.
    #[serde(default)]
    pub dt: Option<String>,
}

crate::json_operation! {
    CardRequestStatus => CardRequestStatusReply {
        name: "card_request_status",
        api: JsonApi::Card,
        path: "/v5/card-api/request/status",
        moves_money: false,
    }
}

/// `POST /v5/card-api/card/unblock`: gives back a blocked payment card's use
/// (docs.freedompay.kz api-12074991). The body is `request_id` (the call's request id, the
/// same on every attempt), `card_id` and `description` (the reason), all required. Moves no
/// money, so it is retried after a failure, with the same request id; the Card API answers a
/// request id it has already seen with an error (docs.freedompay.kz doc-760202), so a retry
/// that fails that way may follow a first attempt that worked: ask [`CardRequestStatus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnblockCard {
    card_id: String,
    description: String,
}

impl UnblockCard {
    /// Unblocks card `card_id` (its id in Freedom Processing) for `description`.
    pub fn new(
        card_id: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let (card_id, description) = (card_id.into(), description.into());
        check_id("card_id", &card_id)?;
        check_text("description", &description)?;
        Ok(Self {
            card_id,
            description,
        })
    }
}

crate::json_operation! {
    UnblockCard => CardRequestState {
        name: "card_unblock",
        api: JsonApi::Card,
        path: "/v5/card-api/card/unblock",
        moves_money: false,
        request_id: "request_id",
    }
}

/// `POST /v5/card-api/card/close`: closes a payment card for good; "card closure is an
/// irreversible operation" (docs.freedompay.kz api-12075208, 691vi5ab6p.apidog.io
/// api-12075208). Body: `request_id` (the call's), `card_id`, `description`. Counted as
/// **moving money**: the card's balance leaves it, and the call is never resent once it may
/// have left; after an unknown outcome, ask [`CardRequestStatus`] with the call's request id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloseCard {
    card_id: String,
    description: String,
}

impl CloseCard {
    /// Closes card `card_id` for `description`.
    pub fn new(
        card_id: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let (card_id, description) = (card_id.into(), description.into());
        check_id("card_id", &card_id)?;
        check_text("description", &description)?;
        Ok(Self {
            card_id,
            description,
        })
    }
}

crate::json_operation! {
    CloseCard => CardRequestState {
        name: "card_close",
        api: JsonApi::Card,
        path: "/v5/card-api/card/close",
        moves_money: true,
        request_id: "request_id",
    }
}

/// `POST /v5/card-api/card/link`: links a client made earlier (Create client) to a card
/// issued earlier (Bulk issue), so that the card's operations, 3-D Secure and notifications use
/// the client's data (docs.freedompay.kz api-12074684, 691vi5ab6p.apidog.io api-12074684).
/// Body: `request_id` (the call's request id, the same on every attempt), `client_id` and
/// `card_id` (their ids in Freedom Processing), all required strings. Reply: `status`,
/// `request_status`, `dt` ([`CardRequestState`]). Moves no money: retried after a failure with
/// the same request id; a retry refused as a duplicate may follow a first attempt that
/// worked: ask [`CardRequestStatus`].
///
/// ```
/// use freedompay_core::{Config, json::{JsonApi, RequestId, prepare_json, card_api::LinkCard}};
///
/// let config = Config::builder()
///     .merchant_id("123456")
///     .secret_key("pay-secret")
///     .json_api_key(JsonApi::Card, "123456", "secret")
///     .build()?;
/// let op = LinkCard::new("c-42", "828cf71d-a447-4a67-a149-c1df8bc197ca")?;
/// let request = prepare_json(&config, &op, &RequestId::new("01978c2b-f191-7b56-92f8-20c7c401d1fc")?)?;
/// assert_eq!(
///     request.body(),
///     br#"{"request_id":"01978c2b-f191-7b56-92f8-20c7c401d1fc","client_id":"c-42","card_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkCard {
    client_id: String,
    card_id: String,
}

impl LinkCard {
    /// Links client `client_id` to card `card_id`.
    pub fn new(
        client_id: impl Into<String>,
        card_id: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let (client_id, card_id) = (client_id.into(), card_id.into());
        check_id("client_id", &client_id)?;
        check_id("card_id", &card_id)?;
        Ok(Self { client_id, card_id })
    }
}

crate::json_operation! {
    LinkCard => CardRequestState {
        name: "card_link",
        api: JsonApi::Card,
        path: "/v5/card-api/card/link",
        moves_money: false,
        request_id: "request_id",
    }
}

pub(crate) fn check_id(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.is_empty() || value.len() > 64 || value.chars().any(|c| c.is_control() || c == ' ') {
        return Err(InvalidInput::new(
            field,
            "1 to 64 characters, no spaces or control characters",
        ));
    }
    Ok(())
}

pub(crate) fn check_text(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.trim().is_empty() || value.chars().count() > 255 || value.chars().any(char::is_control)
    {
        return Err(InvalidInput::new(
            field,
            "1 to 255 characters, no control characters",
        ));
    }
    Ok(())
}

/// The body of a wire dump (`json::testing::json_wire`), as JSON, to compare with a documented
/// sample whatever its member order.
#[cfg(test)]
pub(crate) fn wire_body(wire: &str) -> serde_json::Value {
    let body = wire.split("\n\n").nth(1).expect("a body");
    serde_json::from_str(body).expect("a JSON body")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    #[test]
    fn request_status_writes_the_documented_body() {
        let op = CardRequestStatus::new("828cf71d-a447-4a67-a149-c1df8bc197ca").unwrap();
        let wire = json_wire(&op);
        // The documented body (doc-760202), compact; the token is the documented one.
        let documented: serde_json::Value =
            serde_json::from_slice(&fixture("card_api/request_status_request.json")).unwrap();
        assert_eq!(wire_body(&wire), documented, "{wire}");
        assert!(wire.contains("..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkFDUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"), "{wire}");
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn unblock_and_close_carry_the_call_request_id() {
        let unblock =
            json_wire(&UnblockCard::new("828cf71d-a447-4a67-a149-c1df8bc197ca", "found").unwrap());
        assert!(unblock.contains(r#"{"request_id":"01978c2b-f191-7b56-92f8-20c7c401d1fc","card_id":"828cf71d-a447-4a67-a149-c1df8bc197ca","description":"found"}"#), "{unblock}");
        insta::assert_snapshot!("unblock", unblock);
        let close =
            json_wire(&CloseCard::new("828cf71d-a447-4a67-a149-c1df8bc197ca", "reissue").unwrap());
        insta::assert_snapshot!("close", close);
    }

    #[test]
    fn the_documented_reply_parses() {
        let op = UnblockCard::new("c1", "found").unwrap();
        let state = read_fixture(&op, "card_api/card_request_reply.json").unwrap();
        assert_eq!(state.status.as_deref(), Some("string"));
        assert_eq!(state.request_status.as_deref(), Some("string"));
        assert_eq!(state.dt.as_deref(), Some("2019-08-24T14:15:22Z"));
    }

    #[test]
    fn link_writes_the_documented_members() {
        let op = LinkCard::new("c-42", "828cf71d-a447-4a67-a149-c1df8bc197ca").unwrap();
        let wire = json_wire(&op);
        // api-12074684's members, in its order: request_id, client_id, card_id.
        assert!(wire.contains(r#"{"request_id":"01978c2b-f191-7b56-92f8-20c7c401d1fc","client_id":"c-42","card_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#), "{wire}");
        assert!(
            wire.starts_with("POST https://api.freedompay.kz/v5/card-api/card/link\n"),
            "{wire}"
        );
        insta::assert_snapshot!("link", wire);
    }

    #[test]
    fn the_documented_link_reply_parses() {
        // api-12074684 documents status, request_status and dt: the members of unblock's sample.
        let op = LinkCard::new("c1", "card1").unwrap();
        let state = read_fixture(&op, "card_api/card_request_reply.json").unwrap();
        assert_eq!(state.request_status.as_deref(), Some("string"));
        assert_eq!(state.dt.as_deref(), Some("2019-08-24T14:15:22Z"));
    }

    #[test]
    fn the_documented_request_status_reply_parses() {
        let op = CardRequestStatus::new("r1").unwrap();
        let reply = read_fixture(&op, "card_api/request_status_reply.json").unwrap();
        // The sample's placeholders: "string" is no status the page lists.
        assert_eq!(reply.status, Some(CardReplyStatus::Unknown));
        assert_eq!(reply.request_status.as_deref(), Some("string"));
        assert_eq!(
            reply.cards,
            vec![CardRef {
                card_id: "string".into()
            }]
        );
        assert_eq!(reply.client_id.as_deref(), Some("string"));
        assert_eq!(reply.dt.as_deref(), Some("string"));
        let ok = br#"{"status":"ok","request_status":"done","cards":[{"card_id":"1"},{"card_id":"2"}],"client_id":"7","dt":"2025-02-03T10:08:06+05:00"}"#;
        let reply: CardRequestStatusReply = serde_json::from_slice(ok).unwrap();
        assert_eq!(reply.status, Some(CardReplyStatus::Ok));
        assert_eq!(reply.cards.len(), 2);
    }

    #[test]
    fn a_refused_close_is_an_unknown_outcome_and_a_refused_query_is_not() {
        use crate::json::testing::call_error;
        let refused = br#"{"status":"error","request_status":"error","dt":"2019-08-24T14:15:22Z"}"#;
        let close = call_error(&CloseCard::new("c1", "reissue").unwrap(), refused);
        assert!(close.outcome_unknown(), "{close}");
        let query = call_error(&CardRequestStatus::new("r1").unwrap(), refused);
        assert!(!query.outcome_unknown(), "{query}");
    }

    #[test]
    fn money_and_bad_input() {
        use crate::json::JsonOperation;
        assert!(CloseCard::new("c", "d").unwrap().moves_money());
        assert!(!CardRequestStatus::new("r").unwrap().moves_money());
        assert_eq!(UnblockCard::new("", "d").unwrap_err().field(), "card_id");
        assert!(!LinkCard::new("c", "d").unwrap().moves_money());
        assert_eq!(LinkCard::new("", "d").unwrap_err().field(), "client_id");
        assert_eq!(LinkCard::new("c", "a\tb").unwrap_err().field(), "card_id");
        assert_eq!(CloseCard::new("c", " ").unwrap_err().field(), "description");
        assert_eq!(
            CardRequestStatus::new("a b").unwrap_err().field(),
            "request_id"
        );
    }
}
