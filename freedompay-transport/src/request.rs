//! The request a transport sends.

use core::fmt;
use core::time::Duration;

use crate::Headers;

/// The HTTP method. FreedomPay's Merchant API takes `POST`; `GET` serves browser redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP request, complete: method, absolute URL, headers, body and the time the whole
/// exchange may take.
///
/// A transport sends it as it is: it adds no body encoding and follows no redirects.
///
/// ```
/// use std::time::Duration;
/// use freedompay_transport::{HttpRequest, Method};
///
/// let request = HttpRequest::new(Method::Post, "https://api.freedompay.kz/init_payment.php")
///     .with_header("Content-Type", "application/x-www-form-urlencoded")
///     .with_body(b"pg_merchant_id=1".to_vec())
///     .with_timeout(Duration::from_secs(30));
/// assert_eq!(request.headers().get("content-type"), Some("application/x-www-form-urlencoded"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    method: Method,
    url: String,
    headers: Headers,
    body: Vec<u8>,
    timeout: Option<Duration>,
}

impl HttpRequest {
    /// A request with no headers, an empty body and no timeout.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Headers::new(),
            body: Vec::new(),
            timeout: None,
        }
    }

    /// Adds a header field.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// Sets the timeout of the whole exchange (connect, send, receive).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The absolute URL, query included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The header fields.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The header fields, to add one (a tracing id, an API gateway's key).
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The time the whole exchange may take; a transport must honour it.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The parts, by value.
    pub fn into_parts(self) -> (Method, String, Headers, Vec<u8>, Option<Duration>) {
        (self.method, self.url, self.headers, self.body, self.timeout)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body holds card numbers and personal data: its length only.
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}
