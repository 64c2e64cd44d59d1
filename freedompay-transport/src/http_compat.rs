//! Conversions to and from the `http` 1.x crate (feature `http`), for stacks that already
//! speak its types (hyper, tower, axum).

use crate::{
    Headers, HttpRequest, HttpResponse, Method, Prepared, SendState, TransportError,
    TransportErrorKind,
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

/// The SDK's fixed header lists ([`Headers::static_fields`]) converted once into
/// `http::HeaderMap`s and reused on every request, for a transport over an HTTP stack built on
/// the `http` crate (reqwest, ureq): converting the same few fields on every request is work
/// the SDK's calls need not pay. Keeps at most 64 lists; share it between a transport's clones.
///
/// ```
/// use freedompay_transport::{HeaderMaps, Headers};
///
/// const FIXED: &[(&str, &str)] = &[("Accept", "text/xml"), ("User-Agent", "me/1.0")];
/// let maps = HeaderMaps::new();
/// let map = maps.get(&Headers::from_static(FIXED)).unwrap();
/// assert_eq!(map["accept"], "text/xml");
///
/// // Into a request's headers: after any it already has (an `Authorization` from the URL).
/// let mut request = http::HeaderMap::new();
/// request.insert("authorization", "Basic eDp5".parse().unwrap());
/// HeaderMaps::put(map, &mut request);
/// assert_eq!(request.len(), 3);
///
/// // Headers that are not one `'static` list, or not valid in HTTP: added one by one instead.
/// let mut added = Headers::from_static(FIXED);
/// added.append("X-Id", "7");
/// assert!(maps.get(&added).is_none());
/// assert!(maps.get(&Headers::from_static(&[("Bad Name", "x")])).is_none());
/// ```
#[derive(Debug)]
pub struct HeaderMaps(Prepared<(usize, usize), http::HeaderMap>);

impl HeaderMaps {
    /// How many lists are kept: more than the SDK has.
    const KEPT: usize = 64;

    /// An empty table.
    pub const fn new() -> Self {
        Self(Prepared::new(Self::KEPT))
    }

    /// The header map of `headers` when they are one `'static` list with nothing added,
    /// converted the first time (each field appended in order, as `http`'s request builders
    /// convert it: names lowercased, values checked) and cloned after it. `None` when they
    /// are not such a list, or a field is not valid in HTTP: a transport then adds the fields
    /// one by one, and the request fails as it always did.
    pub fn get(&self, headers: &Headers) -> Option<http::HeaderMap> {
        let fields = headers.static_fields()?;
        // A `'static` list is known by its address and length.
        let key = (fields.as_ptr() as usize, fields.len());
        self.0
            .get_or_make(|known| *known == key, || Some((key, convert(fields)?)))
    }

    /// Puts a map from [`HeaderMaps::get`] into a request's headers: as it is when the request
    /// has none yet, else each field appended after those it has (an `Authorization` made
    /// from credentials in the URL), in order, as adding them one by one would.
    pub fn put(map: http::HeaderMap, into: &mut http::HeaderMap) {
        if into.is_empty() {
            *into = map;
        } else {
            for (name, value) in &map {
                into.append(name, value.clone());
            }
        }
    }
}

impl Default for HeaderMaps {
    fn default() -> Self {
        Self::new()
    }
}

/// A `'static` list of fields as a header map; values that are visible ASCII are kept as
/// `'static` text, not copied. `None` when a name or value is not valid in HTTP.
fn convert(fields: &'static [(&'static str, &'static str)]) -> Option<http::HeaderMap> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[(&str, &str)] = &[
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/xml, text/xml"),
        ("X-Twice", "1"),
        ("x-twice", "Алматы"),
    ];

    /// The map made once holds what adding the fields one by one to an `http` request gives
    /// (reqwest and ureq add them so), in the same order; it is made once per list.
    #[test]
    fn a_static_list_converts_once_as_fields_added_one_by_one() {
        let mut builder = http::Request::builder();
        for &(name, value) in FIELDS {
            builder = builder.header(name, value);
        }
        let one_by_one = builder.body(()).unwrap().headers().clone();
        let maps = HeaderMaps::new();
        let made = maps
            .get(&Headers::from_static(FIELDS))
            .expect("valid fields");
        assert_eq!(
            made.iter().collect::<Vec<_>>(),
            one_by_one.iter().collect::<Vec<_>>()
        );
        assert!(maps.get(&Headers::from_static(FIELDS)).is_some());
        assert_eq!(maps.0.len(), 1);
        // An invalid field is left to be refused where it always was, and not kept.
        assert!(convert(&[("X-Ok", "line\nbreak")]).is_none());
        assert!(
            maps.get(&Headers::from_static(&[("Bad Name", "x")]))
                .is_none()
        );
        assert_eq!(maps.0.len(), 1);
    }
}
