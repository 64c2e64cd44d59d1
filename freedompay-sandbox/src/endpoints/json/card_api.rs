//! The Card API (docs/protocol.md §12.4; docs.freedompay.kz doc-760202, api-12074991,
//! api-12075208, api-12074684, api-12075782, docs.freedompay.kg api-13677899): JWS HS512 with
//! the Card API's own `auth_id` and secret ([`crate::SandboxConfig::card_api_key`]).
//!
//! * `POST /v5/card-api/card/unblock`, `/card/close`, `/card/link` carry a body member
//!   `request_id`, required. "If duplicates are found, an error will be returned and the
//!   request will not be processed" (doc-760202): a `request_id` seen before is refused with
//!   HTTP 409 and `error_code` 9403, whatever the rest of the body, and changes nothing. A request
//!   that ran is kept under its `request_id`, whether it succeeded (`request_status`
//!   `completed`) or was refused (`failed`: an unknown card or client, a closed card, …).
//!   Replies: `{"status":"ok","request_status":"completed","dt":…}`, or `"status":"error"`,
//!   `request_status` `failed`, `error_code`, `error_description`, `dt` (HTTP 200).
//! * `POST /v5/card-api/request/status` with `request_id`: the stored request, as
//!   api-13677899's reply (`status`, `request_status`, `cards[]` {`card_id`}, `client_id`,
//!   `dt`); an unknown id is `"status":"error"` with `error_code` 340.
//! * `POST /v5/cards/activate_card` with `otp` and `card_id` (optional: the oldest gift card
//!   waiting for its code): the code is always [`GIFT_CARD_TEST_OTP`]; the reply is
//!   api-12075782's (`datetime`, `status` 0, `card_status` 1, `card_currency`,
//!   `card_balance`, `card_mask`). A wrong code or a card confirmed already is
//!   `"status":"error"`.
//!
//! The values the pages leave open (`request_status` names, error codes) are the sandbox's own
//! choices: the pages publish none [?].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freedompay_sign::jws::Algorithm;
use serde_json::{Map, Value, json};

use super::keyed::check_keyed_jws;
use super::{object, refuse, reply, text_of};
use crate::app::App;
use crate::error::{ApiError, NOT_FOUND, VALIDATION};
use crate::money::format_minor;
use crate::state::issuing::{CardRequest, CardStatus, IssuingState};

/// The paths.
pub(super) const REQUEST_STATUS: &str = "/v5/card-api/request/status";
pub(super) const UNBLOCK: &str = "/v5/card-api/card/unblock";
pub(super) const CLOSE: &str = "/v5/card-api/card/close";
pub(super) const LINK: &str = "/v5/card-api/card/link";
pub(super) const GIFT_CONFIRM: &str = "/v5/cards/activate_card";

/// The code that confirms any sandbox gift card (`otp` of `/v5/cards/activate_card`).
pub const GIFT_CARD_TEST_OTP: &str = "1234";

/// What a card request did: the cards and the client it is about.
struct Done {
    cards: Vec<String>,
    client_id: Option<String>,
}

/// A required string member, 1 to 255 characters.
fn text(request: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match text_of(request.get(name)) {
        Some(t) if !t.trim().is_empty() && t.chars().count() <= 255 => Ok(t),
        _ => Err(ApiError::validation(format!(
            "{name}: required, 1 to 255 characters"
        ))),
    }
}

/// The JWS check and the body, or the refusal.
fn checked(
    app: &App,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
) -> Result<Map<String, Value>, Box<Response>> {
    check_keyed_jws(
        &app.config.card_api_key,
        headers,
        body,
        Algorithm::Hs512,
        path,
    )?;
    object(body)
}

/// The pipeline of a request that carries a `request_id`: JWS, body, the duplicate check, the
/// operation, the request kept under its id, the reply.
fn handle(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    op: impl FnOnce(&mut IssuingState, &Map<String, Value>) -> Result<Done, ApiError>,
) -> Response {
    let request = match checked(app, headers, body, path) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let request_id = match text_of(request.get("request_id")) {
        Some(id) if !id.is_empty() && id.len() <= 128 => id,
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                VALIDATION,
                "request_id: required, 1 to 128 characters",
            );
        }
    };
    let now = app.clock.now_ms();
    let dt = app.clock.format_iso(now);
    let mut issuing = app.issuing.lock();
    if issuing.card_request(&request_id).is_some() {
        return refuse(
            StatusCode::CONFLICT,
            VALIDATION,
            "request_id: a duplicate; the request was not processed",
        );
    }
    let outcome = op(&mut issuing, &request);
    let (request_status, done) = match &outcome {
        Ok(done) => ("completed", Some(done)),
        Err(_) => ("failed", None),
    };
    issuing.add_card_request(CardRequest {
        request_id,
        request_status,
        cards: done.map(|d| d.cards.clone()).unwrap_or_default(),
        client_id: done.and_then(|d| d.client_id.clone()),
        at: now,
    });
    drop(issuing);
    let body = match outcome {
        Ok(_) => json!({"status": "ok", "request_status": request_status, "dt": dt}),
        Err(error) => json!({
            "status": "error",
            "request_status": request_status,
            "error_code": error.code,
            "error_description": error.description,
            "dt": dt,
        }),
    };
    reply(StatusCode::OK, body.to_string().into_bytes())
}

/// A card that exists and is not closed.
fn open_card<'a>(
    issuing: &'a mut IssuingState,
    card_id: &str,
) -> Result<&'a mut crate::state::issuing::IssuedCard, ApiError> {
    let card = issuing
        .card_mut(card_id)
        .ok_or_else(|| ApiError::not_found(format!("card_id: no card {card_id}")))?;
    if card.status == CardStatus::Closed {
        return Err(ApiError::validation(format!("card {card_id} is closed")));
    }
    Ok(card)
}

/// `POST /v5/card-api/card/unblock`: a blocked (or active) card becomes active.
pub(super) async fn unblock(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, UNBLOCK, |issuing, request| {
        let card_id = text(request, "card_id")?;
        let description = text(request, "description")?;
        let card = open_card(issuing, &card_id)?;
        card.status = CardStatus::Active;
        card.description = Some(description);
        Ok(Done {
            client_id: card.client_id.clone(),
            cards: vec![card_id],
        })
    })
}

/// `POST /v5/card-api/card/close`: the card is closed for good and its balance leaves it.
pub(super) async fn close(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, CLOSE, |issuing, request| {
        let card_id = text(request, "card_id")?;
        let description = text(request, "description")?;
        let card = open_card(issuing, &card_id)?;
        card.status = CardStatus::Closed;
        card.balance_minor = 0;
        card.description = Some(description);
        Ok(Done {
            client_id: card.client_id.clone(),
            cards: vec![card_id],
        })
    })
}

/// `POST /v5/card-api/card/link`: links a known client to a card that is not closed and not
/// linked to another client.
pub(super) async fn link(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, LINK, |issuing, request| {
        let client_id = text(request, "client_id")?;
        let card_id = text(request, "card_id")?;
        if !issuing.card_clients.contains(&client_id) {
            return Err(ApiError::not_found(format!(
                "client_id: no client {client_id}"
            )));
        }
        let card = open_card(issuing, &card_id)?;
        match &card.client_id {
            Some(other) if *other != client_id => {
                return Err(ApiError::validation(format!(
                    "card {card_id} is linked to another client"
                )));
            }
            _ => card.client_id = Some(client_id.clone()),
        }
        Ok(Done {
            cards: vec![card_id],
            client_id: Some(client_id),
        })
    })
}

/// `POST /v5/card-api/request/status`: the request kept under `request_id`.
pub(super) async fn request_status(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match checked(&app, &headers, &body, REQUEST_STATUS) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let dt = app.clock.format_iso(app.clock.now_ms());
    let Some(request_id) = text_of(request.get("request_id")).filter(|id| !id.is_empty()) else {
        return refuse(StatusCode::BAD_REQUEST, VALIDATION, "request_id: required");
    };
    let found = app.issuing.lock().card_request(&request_id).cloned();
    let body = match found {
        Some(stored) => json!({
            "status": "ok",
            "request_status": stored.request_status,
            "cards": stored.cards.iter().map(|c| json!({"card_id": c})).collect::<Vec<_>>(),
            "client_id": stored.client_id.unwrap_or_default(),
            "dt": app.clock.format_iso(stored.at),
        }),
        None => json!({
            "status": "error",
            "request_status": "not_found",
            "error_code": NOT_FOUND,
            "error_description": format!("request_id: no request {request_id}"),
            "dt": dt,
        }),
    };
    reply(StatusCode::OK, body.to_string().into_bytes())
}

/// `POST /v5/cards/activate_card`: confirms a gift card with [`GIFT_CARD_TEST_OTP`].
pub(super) async fn gift_confirm(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match checked(&app, &headers, &body, GIFT_CONFIRM) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let now = app.clock.now_ms();
    let error = |code: u32, description: String| {
        let body = json!({
            "datetime": app.clock.format(now),
            "status": "error",
            "error_code": code,
            "error_description": description,
        });
        reply(StatusCode::OK, body.to_string().into_bytes())
    };
    let Some(otp) = text_of(request.get("otp")).filter(|o| !o.is_empty()) else {
        return error(VALIDATION, "otp: required".to_owned());
    };
    let card_id = match request.get("card_id") {
        None | Some(Value::Null) => None,
        Some(value) => match text_of(Some(value)).and_then(|t| t.parse::<u64>().ok()) {
            Some(id) => Some(id),
            None => return error(VALIDATION, "card_id: an integer".to_owned()),
        },
    };
    let mut issuing = app.issuing.lock();
    let card = match card_id {
        Some(id) => issuing.gift_card_mut(id),
        None => issuing.first_unconfirmed_gift_card(),
    };
    let Some(card) = card else {
        return error(
            NOT_FOUND,
            "card_id: no gift card waiting for its code".to_owned(),
        );
    };
    if card.confirmed {
        return error(
            VALIDATION,
            format!("gift card {} is confirmed already", card.card_id),
        );
    }
    if otp != GIFT_CARD_TEST_OTP {
        return error(VALIDATION, "otp: wrong code".to_owned());
    }
    card.confirmed = true;
    card.confirmed_at = Some(now);
    // `card_balance` as the decimal text of its minor units (never a float).
    let body = format!(
        r#"{{"datetime":{},"status":0,"card_status":1,"card_currency":{},"card_balance":{},"card_mask":{}}}"#,
        Value::from(app.clock.format(now)),
        Value::from(card.currency.clone()),
        format_minor(card.balance_minor),
        Value::from(card.mask.clone()),
    );
    drop(issuing);
    reply(StatusCode::OK, body.into_bytes())
}
