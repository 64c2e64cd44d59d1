//! Conversions to and from the `http` 1.x crate (feature `http`), for stacks that already
//! speak its types (hyper, tower, axum).

use crate::{
    Headers, HttpRequest, HttpResponse, Method, SendState, TransportError, TransportErrorKind,
};

impl TryFrom<HttpRequest> for http::Request<Vec<u8>> {
    type Error = TransportError;

    /// Builds an `http::Request`; the timeout is not part of it, read it first with
    /// [`HttpRequest::timeout`].
    fn try_from(request: HttpRequest) -> Result<Self, Self::Error> {
        let (method, url, headers, body, _timeout) = request.into_parts();
        let mut builder = http::Request::builder()
            .method(match method {
                Method::Get => http::Method::GET,
                Method::Post => http::Method::POST,
            })
            .uri(url);
        for (name, value) in headers.iter() {
            builder = builder.header(name, value);
        }
        builder.body(body).map_err(|e| {
            TransportError::new(TransportErrorKind::InvalidRequest, SendState::NotSent)
                .with_source(e)
        })
    }
}

impl From<http::Response<Vec<u8>>> for HttpResponse {
    /// Header values that are not visible ASCII/UTF-8 are decoded lossily.
    fn from(response: http::Response<Vec<u8>>) -> Self {
        let (parts, body) = response.into_parts();
        let headers: Headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        HttpResponse::new(parts.status.as_u16(), body).with_headers(headers)
    }
}
