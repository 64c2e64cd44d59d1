//! Injected faults: what a flaky network or gateway does to a client, on demand, for every
//! API endpoint or for one path, forever or for the next N requests.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::Frame;
use hyper::StatusCode;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde::{Deserialize, Serialize};

/// A fault to inject into the replies of API endpoints (never into pages or the control API).
///
/// Several effects may be combined. Whether the request is still carried out:
///
/// * `latency_ms`: yes, after the delay;
/// * `status_5xx`, `unsigned_error`: no, the reply comes instead of the work;
/// * `drop_connection`, `truncate_body`, `wrong_signature`: yes: the gateway did the work and
///   the reply is lost or damaged on its way back (the case a payout system must survive).
///
/// ```
/// use freedompay_sandbox::Fault;
///
/// let fault = Fault { latency_ms: 200, count: Some(1), ..Fault::default() };
/// assert!(!fault.drop_connection);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    /// Delay before the request is handled, in milliseconds.
    pub latency_ms: u64,
    /// Close the connection without a reply (after handling the request).
    pub drop_connection: bool,
    /// Answer with this 5xx status and an HTML error page, as a proxy in front of the
    /// gateway would.
    pub status_5xx: Option<u16>,
    /// Send only half of the reply body (with the full `Content-Length`), then close.
    pub truncate_body: bool,
    /// Alter the reply's `pg_sig`.
    pub wrong_signature: bool,
    /// Answer with an unsigned `<response>` error instead.
    pub unsigned_error: bool,
    /// The `pg_error_code` of `unsigned_error` (9999 by default).
    pub error_code: Option<u32>,
    /// Only for the next N requests it applies to; forever when absent.
    pub count: Option<u32>,
}

/// Why a fault was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// The path does not start with `/` (faults are keyed by the request path, which always
    /// does: `/init_payment.php`, not `init_payment.php`).
    PathWithoutSlash(String),
    /// `status_5xx` is not a server error status (500 to 599).
    StatusNot5xx(u16),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FaultError::PathWithoutSlash(path) => write!(
                f,
                "\"path\" must be a request path starting with '/', such as \"/{path}\" (got \"{path}\")"
            ),
            FaultError::StatusNot5xx(status) => {
                write!(f, "\"status_5xx\" must be from 500 to 599 (got {status})")
            }
        }
    }
}

impl std::error::Error for FaultError {}

impl Fault {
    /// Checks that the fault can take effect, for `path` (`None`: every endpoint): the path
    /// starts with `/` and `status_5xx`, if any, is 500 to 599.
    ///
    /// ```
    /// use freedompay_sandbox::{Fault, FaultError};
    ///
    /// let fault = Fault { status_5xx: Some(404), ..Fault::default() };
    /// assert_eq!(fault.check(None), Err(FaultError::StatusNot5xx(404)));
    /// assert!(Fault::default().check(Some("init_payment.php")).is_err());
    /// assert!(Fault::default().check(Some("/init_payment.php")).is_ok());
    /// ```
    pub fn check(&self, path: Option<&str>) -> Result<(), FaultError> {
        if let Some(path) = path
            && !path.starts_with('/')
        {
            return Err(FaultError::PathWithoutSlash(path.to_owned()));
        }
        match self.status_5xx {
            Some(status) if !(500..=599).contains(&status) => Err(FaultError::StatusNot5xx(status)),
            _ => Ok(()),
        }
    }
}

/// A fault in force and where it applies.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FaultEntry {
    /// The path, or `None` for every endpoint.
    pub(crate) path: Option<String>,
    /// The fault.
    pub(crate) fault: Fault,
}

/// Faults in force.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    global: Option<Fault>,
    by_path: HashMap<String, Fault>,
}

impl Faults {
    /// Sets the fault for a path (`/init_payment.php`) or, with `None`, for every endpoint.
    pub(crate) fn set(&mut self, path: Option<String>, fault: Fault) {
        match path {
            Some(path) => {
                self.by_path.insert(path, fault);
            }
            None => self.global = Some(fault),
        }
    }

    /// Removes every fault.
    pub(crate) fn clear(&mut self) {
        self.global = None;
        self.by_path.clear();
    }

    /// Whether no fault is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.global.is_none() && self.by_path.is_empty()
    }

    /// The faults in force, for the control API: the global one first, then by path.
    pub(crate) fn list(&self) -> Vec<FaultEntry> {
        let mut out: Vec<_> = self
            .global
            .iter()
            .map(|f| FaultEntry {
                path: None,
                fault: f.clone(),
            })
            .collect();
        let mut paths: Vec<_> = self.by_path.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        out.extend(paths.into_iter().map(|(p, f)| FaultEntry {
            path: Some(p.clone()),
            fault: f.clone(),
        }));
        out
    }

    /// The fault for one request to `path` (the path's own fault before the global one),
    /// counting it down.
    pub(crate) fn take(&mut self, path: &str) -> Option<Fault> {
        let slot = if self.by_path.contains_key(path) {
            self.by_path.get_mut(path)
        } else {
            self.global.as_mut()
        }?;
        let fault = slot.clone();
        let exhausted = match &mut slot.count {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n == 0
            }
            None => false,
        };
        if exhausted {
            if self.by_path.contains_key(path) {
                self.by_path.remove(path);
            } else {
                self.global = None;
            }
        }
        Some(fault)
    }
}

/// Marks a response whose connection must be closed instead of answered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The HTML page of a 5xx fault.
pub(crate) fn error_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(StatusCode::is_server_error)
        .unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let html = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    );
    (status, [(CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// Alters every hex digit of the reply's `pg_sig`.
pub(crate) fn corrupt_signature(xml: &str) -> String {
    let Some(start) = xml.find("<pg_sig>").map(|i| i + "<pg_sig>".len()) else {
        return xml.to_owned();
    };
    let end = xml[start..].find('<').map_or(xml.len(), |i| start + i);
    let altered: String = xml[start..end]
        .chars()
        .map(|c| match c {
            '0'..='8' | 'a'..='e' => char::from(c as u8 + 1),
            '9' => 'a',
            'f' => '0',
            c => c,
        })
        .collect();
    format!("{}{altered}{}", &xml[..start], &xml[end..])
}

/// The response with only the first half of its body sent, its `Content-Length` promising the
/// whole; the connection is then closed.
pub(crate) async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(
        parts,
        Body::new(Truncated {
            data: Some(half),
            pause: None,
        }),
    )
}

/// A body that yields its data, pauses (so the server flushes the head and that data), then
/// fails, so the server aborts the connection.
struct Truncated {
    data: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        let pause = self.pause.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50)))
        });
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other(
                "truncated by a sandbox fault",
            )))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_and_prefers_the_path() {
        let mut faults = Faults::default();
        faults.set(
            None,
            Fault {
                latency_ms: 1,
                ..Fault::default()
            },
        );
        faults.set(
            Some("/a".into()),
            Fault {
                latency_ms: 2,
                count: Some(1),
                ..Fault::default()
            },
        );
        assert_eq!(faults.take("/a").map(|f| f.latency_ms), Some(2));
        assert_eq!(faults.take("/a").map(|f| f.latency_ms), Some(1));
        assert_eq!(faults.take("/b").map(|f| f.latency_ms), Some(1));
        faults.clear();
        assert_eq!(faults.take("/b"), None);
    }

    #[test]
    fn corrupts_only_the_signature() {
        let xml = "<response><pg_salt>ab</pg_salt><pg_sig>0123456789abcdef</pg_sig></response>";
        assert_eq!(
            corrupt_signature(xml),
            "<response><pg_salt>ab</pg_salt><pg_sig>123456789abcdef0</pg_sig></response>"
        );
    }
}
