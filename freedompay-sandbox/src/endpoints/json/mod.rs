//! The `/v5` JSON APIs signed with a detached JWS (docs/protocol.md §4, §12): the Invoice API
//! (§12.2), the Gateway Async API (§12.3), the Card API (§12.4, `card_api`) and the Partner
//! API (§12.5, `partner_api`); the last two with keys of their own (`keyed`).
//!
//! They are written over the sandbox's existing payments: an invoice is a payment paid through
//! the payment page, and the Async API's operations run the Gateway API's (`g2g/payment`,
//! `g2g/status_v2`, `g2g/cancel`, `g2g/refund`, `g2g/clearing`) on fields translated from
//! the JSON body; their replies are those operations' fields, as JSON members without the
//! `pg_` prefix.
//!
//! Where the documentation is silent, the sandbox's choices:
//! * a missing, malformed or wrong `X-JWS-Signature` (wrong key, algorithm, path, key id or
//!   method in its header) is HTTP 401 with `{"status":"error","error_code":9998,
//!   "error_description":…}`;
//! * a body that is not a JSON object is HTTP 400 with `error_code` 9403;
//! * an operation's refusal (a validation error, an unknown payment) is HTTP 200 with
//!   `"status":"error"` and the sandbox's XML error code (9403, 340, …), as the gateway's
//!   XML endpoints answer theirs;
//! * replies are not signed (no page says they are);
//! * faults set with the control API do not apply to these paths.

mod async_api;
mod card_api;
mod invoice;
mod keyed;
mod partner_api;

pub use card_api::GIFT_CARD_TEST_OTP;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use freedompay_sign::jws::{self, Algorithm};
use freedompay_sign::{Fields, Value as FieldValue};
use serde_json::{Map, Value, json};

use super::{Answer, Ctx, RequestFields, ResultCallback};
use crate::app::App;
use crate::callbacks;
use crate::error::{ApiError, BAD_SIGNATURE, VALIDATION};
use crate::state::State;

/// The routes of the JSON APIs.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route(invoice::INIT, post(invoice::init))
        .route(async_api::CREATE, post(async_api::create))
        .route(async_api::READ, post(async_api::read))
        .route(async_api::EDIT, post(async_api::edit))
        .route(card_api::REQUEST_STATUS, post(card_api::request_status))
        .route(card_api::UNBLOCK, post(card_api::unblock))
        .route(card_api::CLOSE, post(card_api::close))
        .route(card_api::LINK, post(card_api::link))
        .route(card_api::GIFT_CONFIRM, post(card_api::gift_confirm))
        .route(partner_api::RATES_ADD, post(partner_api::rates_add))
        .route(partner_api::CLIENT_ADD, post(partner_api::client_add))
        .route(partner_api::USER_ADD, post(partner_api::user_add))
        .route(partner_api::WALLET_BLOCK, post(partner_api::wallet_block))
        .route(
            partner_api::WALLET_STATEMENT,
            post(partner_api::wallet_statement),
        )
}

/// A JSON reply.
pub(super) fn reply(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(hyper::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// The bytes of a JSON error reply.
fn error_body(code: u32, description: &str) -> Vec<u8> {
    json!({
        "status": "error",
        "error_code": code,
        "error_description": description,
    })
    .to_string()
    .into_bytes()
}

/// A refusal before any operation ran: `status` with a JSON error body.
pub(super) fn refuse(status: StatusCode, code: u32, description: &str) -> Response {
    reply(status, error_body(code, description))
}

/// Which member of the JWS header names the merchant (docs/protocol.md §12.1).
#[derive(Debug, Clone, Copy)]
pub(super) enum KeyId {
    /// The Invoice API: `merchant_id` (an integer in the documented token; a string is
    /// accepted too).
    MerchantId,
    /// The Async API: `auth_id` (a string; an integer is accepted too).
    AuthId,
}

/// Checks `X-JWS-Signature`: a detached token over exactly `body`, signed with `alg` and the
/// payment secret, whose header names `path` (`path` or `uri`), the configured merchant (the
/// member `key`) and `POST` (when it names a method). HTTP 401 otherwise.
pub(super) fn check_jws(
    app: &App,
    headers: &HeaderMap,
    body: &[u8],
    alg: Algorithm,
    path: &str,
    key: KeyId,
) -> Result<(), Box<Response>> {
    let unauthorized = |why: &str| {
        Box::new(refuse(
            StatusCode::UNAUTHORIZED,
            BAD_SIGNATURE,
            &format!("Invalid X-JWS-Signature: {why}"),
        ))
    };
    let token = headers
        .get("x-jws-signature")
        .ok_or_else(|| unauthorized("missing"))?
        .to_str()
        .map_err(|_| unauthorized("not ASCII"))?;
    let header = jws::verify_detached_with(alg, token.trim(), body, app.config.payment_secret())
        .map_err(|e| unauthorized(&e.to_string()))?;
    let header: Map<String, Value> =
        serde_json::from_slice(header.json()).map_err(|_| unauthorized("header not JSON"))?;
    let named_path = header
        .get("path")
        .or_else(|| header.get("uri"))
        .and_then(Value::as_str);
    if named_path != Some(path) {
        return Err(unauthorized(&format!(
            "its header must name the path {path}"
        )));
    }
    let member = match key {
        KeyId::MerchantId => "merchant_id",
        KeyId::AuthId => "auth_id",
    };
    if text_of(header.get(member)).as_deref() != Some(app.config.merchant_id.as_str()) {
        return Err(unauthorized(&format!(
            "its header's {member} must be the merchant id"
        )));
    }
    if let Some(method) = header.get("method")
        && method.as_str() != Some("POST")
    {
        return Err(unauthorized("its header's method must be POST"));
    }
    Ok(())
}

/// The body as a JSON object, or the HTTP 400 refusal.
pub(super) fn object(body: &[u8]) -> Result<Map<String, Value>, Box<Response>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            VALIDATION,
            "The body must be a JSON object",
        ))),
    }
}

/// A JSON value as the text of a form field: a string as is, a number as written (JSON numbers
/// are read without a float where they are integers; a decimal amount is written back in its
/// shortest form, exact for any amount with two decimals), a boolean as `1`/`0`. `None` for
/// null, an object or an array.
pub(super) fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

/// Copies `from` of `object` into the form field `to`, when present.
pub(super) fn copy(fields: &mut Fields, object: &Map<String, Value>, from: &str, to: &str) {
    if let Some(text) = text_of(object.get(from)) {
        fields.push(to, text);
    }
}

/// Runs an XML endpoint's operation on `fields` with the state locked, then sends the
/// callbacks it queued, as the XML pipeline does.
pub(super) fn run(
    app: &Arc<App>,
    fields: &Fields,
    op: impl FnOnce(&mut Ctx<'_>, &mut State) -> Result<Answer, ApiError>,
) -> Result<Fields, ApiError> {
    let request = RequestFields::tree(fields);
    let mut ctx = Ctx::new(app, &request, app.clock.now_ms());
    let answer = {
        let mut state = app.state();
        let answer = op(&mut ctx, &mut state);
        state.retain(app.config.retention);
        answer
    };
    callbacks::spawn_all(app, std::mem::take(&mut ctx.callbacks));
    for ResultCallback { callback, payment } in std::mem::take(&mut ctx.results) {
        crate::flow::payment::spawn_result(app, callback, payment);
    }
    match answer? {
        Answer::Xml(fields) => Ok(fields),
        Answer::Reply(reply) => Ok(reply.to_fields()),
        // No operation used here answers otherwise.
        Answer::Redirect(_) | Answer::Html(_) => Err(ApiError::new(
            crate::error::INTERNAL,
            "Unexpected reply of the operation",
        )),
    }
}

/// Reply fields as a JSON object: `pg_` dropped from the names, text as strings, nested levels
/// as objects, lists as arrays.
pub(super) fn fields_to_json(fields: &Fields) -> Map<String, Value> {
    let mut map = Map::new();
    for field in fields {
        let name = field.name();
        let name = name.strip_prefix("pg_").unwrap_or(name);
        map.insert(name.to_owned(), value_to_json(field.value()));
    }
    map
}

fn value_to_json(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(text) => Value::String(text.clone()),
        FieldValue::Map(fields) => Value::Object(fields_to_json(fields)),
        FieldValue::List(items) => Value::Array(items.iter().map(value_to_json).collect()),
    }
}

/// An operation's refusal as the JSON error members.
/// `error_code` is a JSON number, as the documented reply writes it.
pub(super) fn error_json(error: ApiError) -> Map<String, Value> {
    let code = error.code;
    let mut map = fields_to_json(&error.into_fields());
    map.insert("error_code".to_owned(), Value::from(code));
    map
}
