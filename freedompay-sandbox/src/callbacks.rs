//! Delivering callbacks to the merchant: the message signed with the script name of the
//! callback URL, sent as a query (GET), a form (POST) or one `pg_xml` field (XML); the reply
//! verified; failed deliveries retried on the configured schedule.
//!
//! A payout notification sent by POST goes as `multipart/form-data`, as the documentation
//! shows it (docs.freedompay.kz api-11622162: "Body Params multipart/form-data" and a
//! `curl --form` sample), unless [`SandboxConfig::payout_notify_multipart`] says
//! urlencoded.
//!
//! [`SandboxConfig::payout_notify_multipart`]: crate::SandboxConfig::payout_notify_multipart

use std::sync::Arc;

use freedompay_sign::{Fields, ScriptName, Value};
use freedompay_xml::ResponseError;
use hyper::header::CONTENT_TYPE;

use crate::app::App;
use crate::config::SecretChoice;
use crate::state::{Attempt, CallbackKind, CallbackRecord, Delivery, Due, Method, State};
use crate::wire::{PhpArray, encode_form, parse_urlencoded, percent_encode};

/// The most of a reply body kept in the record.
const EXCERPT: usize = 512;
/// The most of a reply body read.
const MAX_REPLY: usize = 64 * 1024;

/// What the merchant answered, when the answer is acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    /// `ok`, `rejected` or `error`.
    pub(crate) status: String,
    /// `pg_description` or `pg_error_description`.
    pub(crate) description: Option<String>,
}

/// What a new callback is.
pub(crate) struct NewCallback {
    pub(crate) kind: CallbackKind,
    pub(crate) subject_id: i64,
    pub(crate) url: String,
    pub(crate) method: Method,
    pub(crate) secret: SecretChoice,
    pub(crate) fields: Fields,
    pub(crate) can_reject: bool,
}

/// Records a callback, due at once; returns its id. Check callbacks are never retried (the
/// payer is waiting); the others follow the configured schedule.
pub(crate) fn register(app: &App, state: &mut State, new: NewCallback) -> usize {
    let retries = if new.kind == CallbackKind::Check {
        0
    } else {
        app.config.retry.retries
    };
    state.add_callback(CallbackRecord {
        id: 0,
        kind: new.kind,
        subject_id: new.subject_id,
        url: new.url,
        method: new.method,
        secret: new.secret,
        fields: new.fields,
        salt: app.salt(),
        retries,
        can_reject: new.can_reject,
        state: Delivery::InFlight,
        next_at: None,
        attempts: Vec::new(),
    })
}

/// Sends the first attempt of each callback in the background.
pub(crate) fn spawn_all(app: &Arc<App>, ids: Vec<usize>) {
    for id in ids {
        let app = Arc::clone(app);
        tokio::spawn(async move {
            attempt(&app, id).await;
        });
    }
}

/// One attempt at delivering a callback (which must be in flight). Returns the merchant's
/// acceptable reply, or `None` when the attempt failed.
pub(crate) async fn attempt(app: &Arc<App>, id: usize) -> Option<Reply> {
    let (record, first) = {
        let mut state = app.state();
        let record = state.callback_mut(id)?;
        (record.clone(), record.attempts.is_empty())
    };
    let outcome = send(app, &record).await;
    let now = app.clock.now_ms();
    let (accepted, attempt) = match outcome {
        Ok((status, body)) => {
            let excerpt = excerpt(&body);
            match judge(app, &record, status, &body) {
                Ok(reply) => (
                    Some(reply.clone()),
                    Attempt {
                        at: now,
                        http_status: Some(status),
                        reply_status: Some(reply.status),
                        reply_description: reply.description,
                        error: None,
                        body_excerpt: excerpt,
                    },
                ),
                Err(error) => (
                    None,
                    Attempt {
                        at: now,
                        http_status: Some(status),
                        reply_status: None,
                        reply_description: None,
                        error: Some(error),
                        body_excerpt: excerpt,
                    },
                ),
            }
        }
        Err(error) => (
            None,
            Attempt {
                at: now,
                http_status: None,
                reply_status: None,
                reply_description: None,
                error: Some(error),
                body_excerpt: String::new(),
            },
        ),
    };
    let mut state = app.state();
    let record = state.callback_mut(id)?;
    record.attempts.push(attempt);
    if accepted.is_some() {
        record.state = Delivery::Delivered;
        record.next_at = None;
    } else if record.attempts.len() <= record.retries as usize {
        record.state = Delivery::Pending;
        let interval = i64::try_from(app.config.retry.interval.as_millis()).unwrap_or(i64::MAX);
        record.next_at = Some(now.saturating_add(interval));
    } else {
        record.state = Delivery::Failed;
        record.next_at = None;
    }
    if let Some(at) = record.next_at {
        state.schedule(at, Due::CallbackRetry(id));
    }
    drop(state);
    // Only the first call may reject (docs/protocol.md §2.8): later ones count as accepted.
    match accepted {
        Some(reply) if !first && reply.status == "rejected" => Some(Reply {
            status: "ok".into(),
            description: reply.description,
        }),
        other => other,
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]).into_owned();
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

/// The signed message of a callback (the URL's own query included for GET, as the merchant
/// verifies every query parameter).
fn signed_message(
    app: &App,
    record: &CallbackRecord,
    script: &ScriptName,
) -> Result<Fields, String> {
    let mut fields = if record.method == Method::Get {
        let query = record.url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or("");
        PhpArray::from_pairs(parse_urlencoded(query.as_bytes())).into_fields()
    } else {
        Fields::new()
    };
    for field in &record.fields {
        fields.push_field(field.clone());
    }
    fields.push_static("pg_salt", record.salt.as_str());
    let secret = app.config.secret(record.secret);
    let sig = freedompay_sign::sign(script, &fields, secret)
        .map_err(|e| format!("the callback cannot be signed: {e}"))?;
    fields.push_static("pg_sig", sig.as_str());
    Ok(fields)
}

/// Sends the callback; the HTTP status and body, or why nothing came back.
async fn send(app: &App, record: &CallbackRecord) -> Result<(u16, Vec<u8>), String> {
    let script = ScriptName::from_url(&record.url)
        .map_err(|_| "the callback URL has no script name (it ends with /)".to_owned())?;
    let message = signed_message(app, record, &script)?;
    let request = match record.method {
        Method::Get => {
            let base = record.url.split(['?', '#']).next().unwrap_or(&record.url);
            app.http.get(format!("{base}?{}", encode_form(&message)))
        }
        Method::Post
            if record.kind == CallbackKind::PayoutNotify && app.config.payout_notify_multipart =>
        {
            let boundary = format!("------------------------FreedomPay{}", record.salt);
            app.http
                .post(&record.url)
                .header(
                    CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(encode_multipart(&message, &boundary))
        }
        Method::Post => app
            .http
            .post(&record.url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode_form(&message)),
        Method::Xml => {
            let xml = freedompay_xml::write_with_root(freedompay_xml::REQUEST_ROOT, &message)
                .map_err(|e| format!("the callback cannot be written as XML: {e}"))?;
            app.http
                .post(&record.url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(format!("pg_xml={}", percent_encode(&xml)))
        }
    };
    let response = request.send().await.map_err(|e| describe(&e))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    let mut response = response;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_REPLY {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return Err(format!("reading the reply failed: {}", describe(&e))),
        }
    }
    Ok((status, body))
}

/// A `multipart/form-data` body as `curl --form` writes it: one part per field (nested
/// fields by their PHP bracket names), CRLF line ends, the closing delimiter. The boundary
/// (letters, digits and dashes) never occurs in the values the sandbox sends.
fn encode_multipart(fields: &Fields, boundary: &str) -> Vec<u8> {
    fn part(body: &mut String, boundary: &str, name: &str, value: &Value) {
        match value {
            Value::Text(text) => {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n"
                ));
            }
            Value::Map(map) => {
                for field in map {
                    part(
                        body,
                        boundary,
                        &format!("{name}[{}]", field.name()),
                        field.value(),
                    );
                }
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    part(body, boundary, &format!("{name}[{i}]"), item);
                }
            }
        }
    }
    let mut body = String::new();
    for field in fields {
        part(&mut body, boundary, field.name(), field.value());
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body.into_bytes()
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection failed".into()
    } else {
        "HTTP error".into()
    }
}

/// Whether a reply is acceptable: HTTP 200 and a `<response>` signed with the callback URL's
/// script name and the callback's secret; for post links also the documented unsigned
/// `<pg_status>ok</pg_status>`. Payment callbacks accept `ok` and `rejected` (and, for
/// check, `error`, which declines the payment); post links accept `ok`.
fn judge(app: &App, record: &CallbackRecord, status: u16, body: &[u8]) -> Result<Reply, String> {
    if status != 200 {
        return Err(format!("HTTP status {status}"));
    }
    let doc =
        freedompay_xml::parse(body).map_err(|_| "the reply is not an XML document".to_owned())?;
    if record.kind.post_link() && doc.root_name() == "pg_status" {
        return match doc.root_text().map(str::trim) {
            Some("ok") => Ok(Reply {
                status: "ok".into(),
                description: None,
            }),
            _ => Err("the reply's pg_status is not ok".into()),
        };
    }
    let script = ScriptName::from_url(&record.url).map_err(|_| "no script name".to_owned())?;
    let verified =
        match freedompay_xml::verify_response(doc, &script, app.config.secret(record.secret)) {
            Ok(verified) => verified,
            Err(ResponseError::Unsigned(_)) => return Err("the reply is not signed".into()),
            Err(ResponseError::Mismatch) => {
                return Err("the reply's signature does not match".into());
            }
            Err(_) => return Err("the reply cannot be verified".into()),
        };
    let status = verified.text("pg_status").unwrap_or("").to_owned();
    let description = verified
        .text("pg_description")
        .or_else(|| verified.text("pg_error_description"))
        .map(str::to_owned);
    let acceptable = match record.kind {
        CallbackKind::Check => matches!(status.as_str(), "ok" | "rejected" | "error"),
        CallbackKind::Result | CallbackKind::Refund | CallbackKind::Capture => {
            matches!(status.as_str(), "ok" | "rejected")
        }
        CallbackKind::PayoutNotify | CallbackKind::CardAdded => status == "ok",
    };
    if acceptable {
        Ok(Reply {
            status,
            description,
        })
    } else {
        Err(format!("the merchant answered pg_status {status:?}"))
    }
}

/// Why a callback cannot be replayed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplayError {
    /// No callback has this id.
    NotFound,
    /// An attempt (a retry or another replay) is on its way.
    InFlight,
}

/// Sends a recorded callback again now, as the control API's and the dashboard's replay: the
/// same signed message (its salt was fixed at creation), one more attempt in its history.
/// It changes no payment or payout (a replayed check answered `rejected` declines nothing);
/// an accepted reply ends a pending callback's retries, and a failed one leaves its state and
/// schedule as they were (a delivered callback stays delivered). Returns the new attempt.
pub(crate) async fn replay(app: &Arc<App>, id: usize) -> Result<Attempt, ReplayError> {
    let (record, before) = {
        let mut state = app.state();
        let record = state.callback_mut(id).ok_or(ReplayError::NotFound)?;
        if record.state == Delivery::InFlight {
            return Err(ReplayError::InFlight);
        }
        let before = record.state;
        // In flight while it is sent: a retry falling due meanwhile is skipped, not doubled.
        record.state = Delivery::InFlight;
        (record.clone(), before)
    };
    let outcome = send(app, &record).await;
    let now = app.clock.now_ms();
    let (accepted, attempt) = match outcome {
        Ok((status, body)) => match judge(app, &record, status, &body) {
            Ok(reply) => (
                true,
                Attempt {
                    at: now,
                    http_status: Some(status),
                    reply_status: Some(reply.status),
                    reply_description: reply.description,
                    error: None,
                    body_excerpt: excerpt(&body),
                },
            ),
            Err(error) => (
                false,
                Attempt {
                    at: now,
                    http_status: Some(status),
                    reply_status: None,
                    reply_description: None,
                    error: Some(error),
                    body_excerpt: excerpt(&body),
                },
            ),
        },
        Err(error) => (
            false,
            Attempt {
                at: now,
                http_status: None,
                reply_status: None,
                reply_description: None,
                error: Some(error),
                body_excerpt: String::new(),
            },
        ),
    };
    let mut state = app.state();
    let record = state.callback_mut(id).ok_or(ReplayError::NotFound)?;
    record.attempts.push(attempt.clone());
    if accepted {
        record.state = Delivery::Delivered;
        record.next_at = None;
    } else {
        record.state = before;
        // The retry that fell due during the replay was skipped: schedule it again.
        if let (Delivery::Pending, Some(at)) = (before, record.next_at) {
            state.schedule(at, Due::CallbackRetry(id));
        }
    }
    Ok(attempt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_has_one_part_per_field() {
        let mut fields = Fields::new();
        fields
            .push_static("pg_payment_id", "98728768")
            .push_static("pg_salt", "s1");
        let body = encode_multipart(&fields, "B");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"pg_payment_id\"\r\n\r\n98728768\r\n\
             --B\r\nContent-Disposition: form-data; name=\"pg_salt\"\r\n\r\ns1\r\n--B--\r\n"
        );
    }
}
