//! The Partner API (docs/protocol.md §12.5; freedompay.kz/docs-en/partners/intro,
//! docs.freedompay.kg api-13677907, api-13677917, api-13677919, docs.freedompay.uz
//! api-13679548): JWS HS256 with the Partner API's own `auth_id` and secret
//! ([`crate::SandboxConfig::partner_api_key`]), and `X-Request-Id` required on every request.
//!
//! Deduplication by `X-Request-Id`, as the Gateway Async API's: the first request with an id
//! runs and its reply is kept; the same id with the same path and body bytes gets that reply
//! again byte for byte and changes nothing; the same id with other bytes is refused with HTTP
//! 409 and `error_code` 9403.
//!
//! * `rates/add`: `rates[]` kept (`GET /_sandbox/issuing/rates`); reply `{"status":"ok"}` (the
//!   page publishes none [?]).
//! * `client/add`: a new client from `company.name`; reply `status`, `request_status`, `dt`,
//!   and — the sandbox's addition, so that users can be added to it — `client_id`.
//! * `client/user/add`: a user of a known client (seeded: 3001); reply `status`, `client_id`,
//!   `user_id`, `error_code` 0, `error_description` `""`, `dt`.
//! * `wallet/block`: blocks a wallet (seeded: `77001234567`, `77007654321`); reply `status`,
//!   `request_status`, `dt`.
//! * `wallet/statement`: the wallet's operations between `start_date` and `end_date` (RFC
//!   3339, optional), amounts as JSON numbers written from their decimal text.
//!
//! A refusal (unknown client or wallet, a missing member) is HTTP 200 with `"status":"error"`,
//! `request_status` `failed`, a numeric `error_code` (9403, 340) and `error_description`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freedompay_sign::jws::Algorithm;
use serde_json::{Map, Value, json};

use super::keyed::{check_keyed_jws, deduplicated, fingerprint, request_id_header};
use super::{object, text_of};
use crate::app::App;
use crate::error::ApiError;
use crate::money::format_minor;
use crate::state::issuing::{IssuingState, PartnerUser, StoredRate};

/// The paths.
pub(super) const RATES_ADD: &str = "/v5/partner/rates/add";
pub(super) const CLIENT_ADD: &str = "/v5/partner/client/add";
pub(super) const USER_ADD: &str = "/v5/partner/client/user/add";
pub(super) const WALLET_BLOCK: &str = "/v5/partner/wallet/block";
pub(super) const WALLET_STATEMENT: &str = "/v5/partner/wallet/statement";

/// The pipeline: `X-Request-Id`, JWS, deduplication, body, the operation (its reply bytes).
fn handle(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    op: impl FnOnce(&App, &mut IssuingState, &Map<String, Value>) -> Result<Vec<u8>, ApiError>,
) -> Response {
    let request_id = match request_id_header(headers) {
        Ok(id) => id,
        Err(refused) => return *refused,
    };
    if let Err(refused) = check_keyed_jws(
        &app.config.partner_api_key,
        headers,
        body,
        Algorithm::Hs256,
        path,
    ) {
        return *refused;
    }
    let fingerprint = fingerprint(path, None, body);
    deduplicated(&app.partner_requests, request_id, fingerprint, || {
        let request = object(body)?;
        let mut issuing = app.issuing.lock();
        let bytes = match op(app, &mut issuing, &request) {
            Ok(bytes) => bytes,
            Err(error) => json!({
                "status": "error",
                "request_status": "failed",
                "error_code": error.code,
                "error_description": error.description,
                "dt": app.clock.format_iso(app.clock.now_ms()),
            })
            .to_string()
            .into_bytes(),
        };
        Ok((StatusCode::OK, bytes))
    })
}

/// A required string member (a number is taken as its text), 1 to 255 characters.
fn text(object: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match text_of(object.get(name)) {
        Some(t) if !t.trim().is_empty() && t.chars().count() <= 255 => Ok(t),
        _ => Err(ApiError::validation(format!(
            "{name}: required, 1 to 255 characters"
        ))),
    }
}

/// A required nested object.
fn nested<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    match object.get(name) {
        Some(Value::Object(inner)) => Ok(inner),
        _ => Err(ApiError::validation(format!("{name}: required, an object"))),
    }
}

fn ok_state(app: &App) -> Value {
    json!({
        "status": "ok",
        "request_status": "completed",
        "dt": app.clock.format_iso(app.clock.now_ms()),
    })
}

/// `POST /v5/partner/rates/add`.
pub(super) async fn rates_add(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        &app,
        &headers,
        &body,
        RATES_ADD,
        |_app, issuing, request| {
            let Some(Value::Array(rates)) = request.get("rates") else {
                return Err(ApiError::validation("rates: required, an array"));
            };
            if rates.is_empty() {
                return Err(ApiError::validation("rates: at least one rate"));
            }
            let mut parsed = Vec::with_capacity(rates.len());
            for (i, rate) in rates.iter().enumerate() {
                let Value::Object(rate) = rate else {
                    return Err(ApiError::validation(format!("rates[{i}]: an object")));
                };
                let currency = |name: &str| match text_of(rate.get(name)) {
                    Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => Ok(c),
                    _ => Err(ApiError::validation(format!(
                        "rates[{i}].{name}: a currency code such as KZT"
                    ))),
                };
                let (currency_from, currency_to) =
                    (currency("currency_from")?, currency("currency_to")?);
                // The rate's decimal text as written (serde_json's shortest round-trip text).
                let rate_text = match rate.get("rate") {
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                let positive = !rate_text.is_empty()
                    && rate_text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && rate_text.bytes().any(|b| (b'1'..=b'9').contains(&b));
                if !positive {
                    return Err(ApiError::validation(format!(
                        "rates[{i}].rate: a positive decimal"
                    )));
                }
                let optional = |name: &str| text_of(rate.get(name)).unwrap_or_default();
                parsed.push(StoredRate {
                    currency_from,
                    currency_to,
                    rate: rate_text,
                    rate_type: optional("rate_type"),
                    start_date: optional("start_date"),
                    end_date: optional("end_date"),
                });
            }
            for rate in parsed {
                issuing.add_rate(rate);
            }
            Ok(br#"{"status":"ok"}"#.to_vec())
        },
    )
}

/// `POST /v5/partner/client/add`.
pub(super) async fn client_add(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        &app,
        &headers,
        &body,
        CLIENT_ADD,
        |app, issuing, request| {
            text(request, "request_id")?;
            let company = nested(request, "company")?;
            let name = text(company, "name")?;
            let client_id = issuing.add_partner_client(name);
            let mut reply = ok_state(app);
            reply["client_id"] = Value::from(client_id);
            Ok(reply.to_string().into_bytes())
        },
    )
}

/// `POST /v5/partner/client/user/add`.
pub(super) async fn user_add(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&app, &headers, &body, USER_ADD, |app, issuing, request| {
        text(request, "request_id")?;
        let client_id = match request.get("client_id") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| ApiError::validation("client_id: required, an integer"))?;
        let info = nested(request, "user_info")?;
        let (first_name, last_name, phone, email) = (
            text(info, "first_name")?,
            text(info, "last_name")?,
            text(info, "phone")?,
            text(info, "email")?,
        );
        if !issuing.partner_clients.contains_key(&client_id) {
            return Err(ApiError::not_found(format!(
                "client_id: no client {client_id}"
            )));
        }
        let user_id = issuing.next_user_id();
        if let Some(client) = issuing.partner_clients.get_mut(&client_id) {
            client.users.push(PartnerUser {
                user_id,
                first_name,
                last_name,
                phone,
                email,
            });
        }
        Ok(json!({
            "status": "ok",
            "client_id": client_id,
            "user_id": user_id,
            "error_code": 0,
            "error_description": "",
            "dt": app.clock.format_iso(app.clock.now_ms()),
        })
        .to_string()
        .into_bytes())
    })
}

/// `POST /v5/partner/wallet/block`.
pub(super) async fn wallet_block(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        &app,
        &headers,
        &body,
        WALLET_BLOCK,
        |app, issuing, request| {
            text(request, "request_id")?;
            let identifier = text(request, "identifier")?;
            let description = text(request, "description")?;
            let wallet = issuing.wallet_mut(&identifier).ok_or_else(|| {
                ApiError::not_found(format!("identifier: no wallet {identifier}"))
            })?;
            wallet.blocked = true;
            wallet.block_reason = Some(description);
            Ok(ok_state(app).to_string().into_bytes())
        },
    )
}

/// An RFC 3339 date of the statement's range, in Unix ms.
fn instant(object: &Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    match text_of(object.get(name)) {
        None => Ok(None),
        Some(text) => text
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_millisecond()))
            .map_err(|_| ApiError::validation(format!("{name}: an RFC 3339 date and time"))),
    }
}

/// `POST /v5/partner/wallet/statement`.
pub(super) async fn wallet_statement(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        &app,
        &headers,
        &body,
        WALLET_STATEMENT,
        |app, issuing, request| {
            let identifier = text(request, "identifier")?;
            let from = instant(request, "start_date")?.unwrap_or(i64::MIN);
            let to = instant(request, "end_date")?.unwrap_or(i64::MAX);
            let wallet = issuing.wallet_mut(&identifier).ok_or_else(|| {
                ApiError::not_found(format!("identifier: no wallet {identifier}"))
            })?;
            // Written by hand so that amounts are JSON numbers from their decimal text.
            let operations: Vec<String> = wallet
            .operations
            .iter()
            .filter(|op| (from..=to).contains(&op.at))
            .map(|op| {
                format!(
                    r#"{{"type":{},"amount":{},"commission":{},"currency":{},"datetime":{},"rrn":{},"correspondent":{}}}"#,
                    Value::from(op.kind),
                    format_minor(op.amount_minor),
                    format_minor(op.commission_minor),
                    Value::from(op.currency),
                    Value::from(app.clock.format_iso(op.at)),
                    Value::from(op.rrn.clone()),
                    json!({"name": op.correspondent_name, "account_number": op.correspondent_account}),
                )
            })
            .collect();
            Ok(format!(
                r#"{{"status":"ok","request_status":"completed","operations":[{}],"dt":{}}}"#,
                operations.join(","),
                Value::from(app.clock.format_iso(app.clock.now_ms())),
            )
            .into_bytes())
        },
    )
}
