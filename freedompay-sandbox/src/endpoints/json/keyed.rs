//! What the JSON APIs with keys of their own share (docs/protocol.md §12.4, §12.5): the JWS
//! check under an `auth_id` and secret, and the deduplication of requests by `X-Request-Id`
//! (also the Gateway Async API's, §12.3).

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freedompay_sign::jws::{self, Algorithm};
use serde_json::{Map, Value};

use super::{refuse, reply, text_of};
use crate::config::JsonApiKey;
use crate::error::{BAD_SIGNATURE, VALIDATION};
use crate::state::json::{AsyncRequests, StoredRequest};

/// The longest `X-Request-Id` accepted.
const MAX_REQUEST_ID: usize = 128;

/// Checks `X-JWS-Signature`: a detached token over exactly `body`, signed with `alg` and the
/// key's secret, whose header names `path` (`uri` or `path`), the key's `auth_id` (a string;
/// a number is accepted too) and `POST` (when it names a method). HTTP 401 otherwise.
pub(super) fn check_keyed_jws(
    key: &JsonApiKey,
    headers: &HeaderMap,
    body: &[u8],
    alg: Algorithm,
    path: &str,
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
    let header = jws::verify_detached_with(alg, token.trim(), body, &key.secret)
        .map_err(|e| unauthorized(&e.to_string()))?;
    let header: Map<String, Value> =
        serde_json::from_slice(header.json()).map_err(|_| unauthorized("header not JSON"))?;
    let named_path = header
        .get("uri")
        .or_else(|| header.get("path"))
        .and_then(Value::as_str);
    if named_path != Some(path) {
        return Err(unauthorized(&format!(
            "its header must name the path {path}"
        )));
    }
    if text_of(header.get("auth_id")).as_deref() != Some(key.auth_id.as_str()) {
        return Err(unauthorized("its header's auth_id is not this API's"));
    }
    if let Some(method) = header.get("method")
        && method.as_str() != Some("POST")
    {
        return Err(unauthorized("its header's method must be POST"));
    }
    Ok(())
}

/// The `X-Request-Id` header, required: 1 to 128 visible ASCII characters, else HTTP 400.
pub(super) fn request_id_header(headers: &HeaderMap) -> Result<String, Box<Response>> {
    match headers.get("x-request-id").map(|v| v.to_str()) {
        Some(Ok(id))
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID
                && id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(id.to_owned())
        }
        _ => Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            VALIDATION,
            "X-Request-Id: required, 1 to 128 visible ASCII characters",
        ))),
    }
}

/// What identifies a request for deduplication: its path, its `X-Action` (if any) and its
/// body bytes.
pub(super) fn fingerprint(path: &str, action: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut fingerprint = Vec::with_capacity(path.len() + body.len() + 64);
    fingerprint.extend_from_slice(path.as_bytes());
    fingerprint.push(0);
    fingerprint.extend_from_slice(action.unwrap_or("").as_bytes());
    fingerprint.push(0);
    fingerprint.extend_from_slice(body);
    fingerprint
}

/// Runs a request at most once per request id: the first request with `request_id` runs
/// (`run` gives its HTTP status and reply body, kept whatever they say); one with the same id
/// and `fingerprint` gets that reply again byte for byte and runs nothing; the same id with
/// another fingerprint is refused with HTTP 409 and `error_code` 9403. `run` answering `None`
/// (refused before it ran, e.g. a body that is not JSON) is answered and not kept.
pub(super) fn deduplicated(
    requests: &AsyncRequests,
    request_id: String,
    fingerprint: Vec<u8>,
    run: impl FnOnce() -> Result<(StatusCode, Vec<u8>), Box<Response>>,
) -> Response {
    // Held until the reply is kept: a second request with this id waits for the first.
    let mut stored = requests.lock();
    if let Some(first) = stored.get(&request_id) {
        if first.fingerprint == fingerprint {
            let status = StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK);
            return reply(status, first.body.clone());
        }
        return refuse(
            StatusCode::CONFLICT,
            VALIDATION,
            "X-Request-Id: already used for another request",
        );
    }
    let (status, bytes) = match run() {
        Ok(answer) => answer,
        Err(refused) => return *refused,
    };
    stored.insert(
        request_id,
        StoredRequest {
            fingerprint,
            status: status.as_u16(),
            body: bytes.clone(),
        },
    );
    drop(stored);
    reply(status, bytes)
}
