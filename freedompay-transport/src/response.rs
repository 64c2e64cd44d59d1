//! The response a transport returns.

use core::fmt;

use crate::Headers;

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
    body: Vec<u8>,
}

impl HttpResponse {
    /// A response with this status and body and no headers.
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body,
        }
    }

    /// Adds a header field.
    pub fn with_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Replaces all header fields.
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The header fields.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, by value.
    pub fn into_body(self) -> Vec<u8> {
        self.body
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
