//! The response a transport returns.

use core::fmt;

use crate::{Body, Headers};

/// One HTTP response as received: status, headers and the whole body.
///
/// Non-2xx statuses are responses too (a 502 HTML page from a proxy is data for the caller to
/// classify), never transport errors.
///
/// ```
/// use freedompay_transport::HttpResponse;
///
/// let response = HttpResponse::new(502, b"<html>Bad Gateway</html>".to_vec())
///     .with_header("Content-Type", "text/html");
/// assert!(!response.is_success());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    status: u16,
    headers: Headers,
    body: Body,
}

impl HttpResponse {
    /// A response with this status and body and no headers. The body is a `Vec<u8>` (taken
    /// as it is, not copied) or a [`Body`] (the buffer the HTTP stack received it in:
    /// [`Body::from_owner`]).
    #[inline]
    pub fn new(status: u16, body: impl Into<Body>) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body: body.into(),
        }
    }

    /// A response with this status, these headers and this body, as a transport receives
    /// them: what [`HttpResponse::new`] and [`HttpResponse::with_headers`] give, in one step.
    ///
    /// ```
    /// use freedompay_transport::{Headers, HttpResponse};
    ///
    /// let headers: Headers = [("Content-Type", "text/xml")].into_iter().collect();
    /// let response = HttpResponse::from_parts(200, headers, b"<response/>".to_vec());
    /// assert_eq!(response.headers().get("content-type"), Some("text/xml"));
    /// ```
    #[inline]
    pub fn from_parts(status: u16, headers: Headers, body: impl Into<Body>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// Adds a header field.
    #[inline]
    pub fn with_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Replaces all header fields.
    #[inline]
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// The status code.
    #[inline]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    #[inline]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The header fields.
    #[inline]
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The body bytes.
    #[inline]
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// The body, shared (a cheap clone).
    #[inline]
    pub fn shared_body(&self) -> Body {
        self.body.clone()
    }

    /// The body, by value: the buffer itself when it was a `Vec<u8>` that nothing else
    /// shares, a copy otherwise ([`Body::into_vec`]).
    #[inline]
    pub fn into_body(self) -> Vec<u8> {
        self.body.into_vec()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}
