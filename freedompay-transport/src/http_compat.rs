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
        let mut builder = http::Request::builder()
            .method(match request.method() {
                Method::Get => http::Method::GET,
                Method::Post => http::Method::POST,
            })
            .uri(request.url());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name, value);
        }
        builder.body(request.body().to_vec()).map_err(|e| {
            TransportError::new(TransportErrorKind::InvalidRequest, SendState::NotSent)
                .with_source(e)
        })
    }
}

impl From<&http::HeaderMap> for Headers {
    /// Copies every field, in the map's order, with two allocations whatever their number
    /// (what the SDK's transports do with a response's headers). Values that are not UTF-8
    /// are decoded lossily.
    fn from(map: &http::HeaderMap) -> Self {
        let text = map
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        let mut headers = Headers::with_capacity(map.len(), text);
        for (name, value) in map {
            headers.append(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
        }
        headers
    }
}

impl From<http::HeaderMap> for Headers {
    /// Takes the map without copying it: [`Headers::from_http`].
    fn from(map: http::HeaderMap) -> Self {
        Headers::from_http(map)
    }
}

impl From<http::Response<Vec<u8>>> for HttpResponse {
    /// The headers are taken without copying ([`Headers::from_http`]); header values that
    /// are not UTF-8 are decoded lossily.
    fn from(response: http::Response<Vec<u8>>) -> Self {
        let (parts, body) = response.into_parts();
        HttpResponse::from_parts(parts.status.as_u16(), Headers::from(parts.headers), body)
    }
}
