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

impl Headers {
    /// A `'static` list of header fields ([`Headers::static_fields`]) as an
    /// `http::HeaderMap`, each field appended in order and converted as `http`'s request
    /// builders convert it (names lowercased, values checked); values that are visible ASCII
    /// are kept as `'static` text, not copied. `None` when a name or value is not valid in
    /// HTTP: a transport then adds the fields one by one, and the request fails as it always
    /// did. A transport converts the SDK's fixed list once with this and reuses the map
    /// (see [`Prepared`](crate::Prepared)).
    ///
    /// ```
    /// use freedompay_transport::Headers;
    ///
    /// const FIXED: &[(&str, &str)] = &[("Accept", "text/xml"), ("User-Agent", "me/1.0")];
    /// let map = Headers::static_header_map(FIXED).unwrap();
    /// assert_eq!(map["accept"], "text/xml");
    /// assert!(Headers::static_header_map(&[("Bad Name", "x")]).is_none());
    /// ```
    pub fn static_header_map(
        fields: &'static [(&'static str, &'static str)],
    ) -> Option<http::HeaderMap> {
        use http::header::{HeaderName, HeaderValue};
        let mut map = http::HeaderMap::with_capacity(fields.len());
        for &(name, value) in fields {
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            let checked = HeaderValue::from_str(value).ok()?;
            // `from_static` accepts visible ASCII and tabs only (and panics otherwise): other
            // valid values keep their checked copy.
            let value = if value.bytes().all(|b| b == b'\t' || (32..127).contains(&b)) {
                HeaderValue::from_static(value)
            } else {
                checked
            };
            map.append(name, value);
        }
        Some(map)
    }
}
