//! The request a transport sends.

use core::fmt;
use core::time::Duration;

use std::sync::Arc;

use crate::{Body, Headers};

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
    #[inline]
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
    /// Shared: a retry hands out the same request again without copying its URL.
    url: Arc<str>,
    headers: Headers,
    body: Body,
    timeout: Option<Duration>,
}

impl HttpRequest {
    /// A request with no headers, an empty body and no timeout.
    #[inline]
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self::with_shared_url(method, Arc::from(url.into()))
    }

    /// A request with no headers, an empty body and no timeout, to a URL already shared
    /// (cloning the request, or the URL, copies a pointer).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use freedompay_transport::{HttpRequest, Method};
    ///
    /// let url: Arc<str> = Arc::from("https://api.freedompay.kz/init_payment.php");
    /// let request = HttpRequest::with_shared_url(Method::Post, url.clone());
    /// assert_eq!(request.url(), &*url);
    /// ```
    #[inline]
    pub fn with_shared_url(method: Method, url: Arc<str>) -> Self {
        Self {
            method,
            url,
            headers: Headers::new(),
            body: Body::default(),
            timeout: None,
        }
    }

    /// Adds a header field.
    #[inline]
    pub fn with_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Adds a header field whose name and value are `'static`, without copying them
    /// ([`Headers::append_static`]).
    #[inline]
    pub fn with_static_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.append_static(name, value);
        self
    }

    /// Adds these `'static` header fields, in order: on a request without headers yet they
    /// are kept as the list itself ([`Headers::from_static`]), so that neither building nor
    /// cloning the request allocates for them.
    ///
    /// ```
    /// use freedompay_transport::{HttpRequest, Method};
    ///
    /// const HEADERS: &[(&str, &str)] = &[("Accept", "text/xml"), ("User-Agent", "me/1")];
    /// let request = HttpRequest::new(Method::Post, "https://api.freedompay.kz/x").with_static_headers(HEADERS);
    /// assert_eq!(request.headers().get("accept"), Some("text/xml"));
    /// ```
    #[inline]
    pub fn with_static_headers(mut self, fields: &'static [(&'static str, &'static str)]) -> Self {
        if self.headers.is_empty() {
            self.headers = Headers::from_static(fields);
        } else {
            for &(name, value) in fields {
                self.headers.append_static(name, value);
            }
        }
        self
    }

    /// Sets the body: a `Vec<u8>` (taken as it is, not copied) or a [`Body`].
    #[inline]
    pub fn with_body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the timeout of the whole exchange (connect, send, receive).
    #[inline]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The method.
    #[inline]
    pub fn method(&self) -> Method {
        self.method
    }

    /// The absolute URL, query included.
    #[inline]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The header fields.
    #[inline]
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The header fields, to add one (a tracing id, an API gateway's key).
    #[inline]
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// The body bytes.
    #[inline]
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// The time the whole exchange may take; a transport must honour it.
    #[inline]
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The body, shared (a cheap clone).
    #[inline]
    pub fn shared_body(&self) -> Body {
        self.body.clone()
    }

    /// The parts, by value; the URL and the body are copied out of their shared buffers. A transport that can
    /// send borrowed bytes reads [`HttpRequest::body`] instead and copies nothing.
    pub fn into_parts(self) -> (Method, String, Headers, Vec<u8>, Option<Duration>) {
        (
            self.method,
            String::from(&*self.url),
            self.headers,
            self.body.to_vec(),
            self.timeout,
        )
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
