//! The Gateway Async API (docs/protocol.md §12.3; docs.freedompay.kz api-9587007, api-9587010,
//! 691vi5ab6p.apidog.io doc-650923): `POST /v5/g2g/create`, `/read`, `/edit`, JWS HS256 with
//! `auth_id` = the merchant id and the payment secret, `X-Action`, and a required
//! `X-Request-Id` by which requests are deduplicated.
//!
//! Deduplication: the first request with an id is carried out and its reply kept (whatever it
//! says); a request with the same id, path, `X-Action` and body bytes gets that reply again byte
//! for byte and does nothing; the same id with anything else is refused with HTTP 409 and
//! `error_code` 9403, and does nothing. A request refused before it ran (no id, a bad JWS) is
//! not kept.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freedompay_sign::Fields;
use freedompay_sign::jws::Algorithm;
use serde_json::{Map, Value};

use super::keyed::{deduplicated, fingerprint, request_id_header};
use super::{KeyId, check_jws, copy, error_json, fields_to_json, object, refuse, run};
use crate::app::App;
use crate::endpoints::gateway::pay;
use crate::error::{ApiError, VALIDATION};

/// The paths.
pub(super) const CREATE: &str = "/v5/g2g/create";
pub(super) const READ: &str = "/v5/g2g/read";
pub(super) const EDIT: &str = "/v5/g2g/edit";

/// `X-Action` of a read.
const STATUS: &str = "gateway.payment.status";

/// `POST /v5/g2g/create`: a card payment (`from.type` = `card`), as `g2g/payment`. `X-Action`
/// is not documented for it: any or none is accepted.
pub(super) async fn create(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, CREATE, |app, _action, request| {
        let mut fields = Fields::new();
        for (from, to) in [
            ("amount", "pg_amount"),
            ("currency", "pg_currency"),
            ("description", "pg_description"),
            ("order_id", "pg_order_id"),
            ("user_id", "pg_user_id"),
            ("auto_clearing", "pg_auto_clearing"),
        ] {
            copy(&mut fields, request, from, to);
        }
        let from = member(request, "from")?;
        if from.get("type").and_then(Value::as_str) != Some("card") {
            return Err(ApiError::validation("from.type: must be card"));
        }
        let card = member(from, "card")?;
        for (from, to) in [
            ("name", "pg_card_name"),
            ("pan", "pg_card_pan"),
            ("cvc", "pg_card_cvc"),
        ] {
            copy(&mut fields, card, from, to);
        }
        // The documented example writes `year` and `month` as numbers (`5` for May).
        for (from, to) in [("year", "pg_card_year"), ("month", "pg_card_month")] {
            match card.get(from) {
                Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n < 10) => {
                    fields.push(to, format!("0{n}"));
                }
                _ => copy(&mut fields, card, from, to),
            }
        }
        if let Some(Value::Object(device)) = request.get("device") {
            copy(&mut fields, device, "user_ip", "pg_user_ip");
        }
        if let Some(Value::Object(urls)) = request.get("urls") {
            copy(&mut fields, urls, "check_url", "pg_check_url");
            copy(&mut fields, urls, "result_url", "pg_result_url");
        }
        run(app, &fields, pay::payment)
    })
    .await
}

/// `POST /v5/g2g/read` with `X-Action: gateway.payment.status` (the default when absent): `id`
/// and/or `order_id`, as `g2g/status_v2`.
pub(super) async fn read(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, READ, |app, action, request| {
        if !matches!(action, None | Some(STATUS)) {
            return Err(unknown_action(action, &[STATUS]));
        }
        let mut fields = Fields::new();
        copy(&mut fields, request, "id", "pg_payment_id");
        copy(&mut fields, request, "order_id", "pg_order_id");
        run(app, &fields, pay::status_v2)
    })
    .await
}

/// `POST /v5/g2g/edit` with `X-Action` `gateway.payment.reverse` (as `g2g/cancel`),
/// `gateway.payment.refund` (as `g2g/refund`) or `gateway.payment.clearing` (as
/// `g2g/clearing`): `id` (the payment id, or `payment_id`) and, for a refund or clearing,
/// `amount` (default: all).
pub(super) async fn edit(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const ACTIONS: &[&str] = &[
        "gateway.payment.reverse",
        "gateway.payment.refund",
        "gateway.payment.clearing",
    ];
    handle(&app, &headers, &body, EDIT, |app, action, request| {
        let op = match action {
            Some("gateway.payment.reverse") => pay::cancel,
            Some("gateway.payment.refund") => pay::refund,
            Some("gateway.payment.clearing") => pay::clearing,
            _ => return Err(unknown_action(action, ACTIONS)),
        };
        let mut fields = Fields::new();
        let id = if request.contains_key("id") {
            "id"
        } else {
            "payment_id"
        };
        copy(&mut fields, request, id, "pg_payment_id");
        copy(&mut fields, request, "amount", "pg_amount");
        run(app, &fields, op)
    })
    .await
}

fn unknown_action(action: Option<&str>, known: &[&str]) -> ApiError {
    ApiError::validation(format!(
        "X-Action: {:?} is not one of {}",
        action.unwrap_or(""),
        known.join(", ")
    ))
}

/// A required nested object.
fn member<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    match object.get(name) {
        Some(Value::Object(inner)) => Ok(inner),
        _ => Err(ApiError::validation(format!("{name}: required, an object"))),
    }
}

/// The pipeline of an Async request: request id, JWS, body, deduplication, the operation, the
/// reply (kept under the request id).
async fn handle(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    op: impl FnOnce(&Arc<App>, Option<&str>, &Map<String, Value>) -> Result<Fields, ApiError>,
) -> Response {
    let request_id = match request_id_header(headers) {
        Ok(id) => id,
        Err(refused) => return *refused,
    };
    if let Err(refused) = check_jws(app, headers, body, Algorithm::Hs256, path, KeyId::AuthId) {
        return *refused;
    }
    let action = match headers.get("x-action").map(|v| v.to_str()) {
        None => None,
        Some(Ok(action)) => Some(action.trim().to_owned()),
        Some(Err(_)) => {
            return refuse(StatusCode::BAD_REQUEST, VALIDATION, "X-Action: not ASCII");
        }
    };
    let fingerprint = fingerprint(path, action.as_deref(), body);
    deduplicated(&app.async_requests, request_id, fingerprint, || {
        let request = object(body)?;
        let members = match op(app, action.as_deref(), &request) {
            Ok(fields) => fields_to_json(&fields),
            Err(error) => error_json(error),
        };
        Ok((
            StatusCode::OK,
            Value::Object(members).to_string().into_bytes(),
        ))
    })
}
