//! An ordered list of header fields with case-insensitive lookup.

use core::fmt;
use core::ops::Range;

/// HTTP header fields in the order they were added or received.
///
/// Names compare case-insensitively; repeated names are kept. Values are text: the FreedomPay
/// protocol never needs binary header values.
///
/// Cheap to fill: the text of the fields added with [`Headers::append`] is copied into one
/// shared buffer (a response's headers cost two allocations, however many there are), and
/// fields added with [`Headers::append_static`] are not copied at all (the SDK's own request
/// headers cost nothing but the list, and a `'static` list of them given to
/// [`Headers::from_static`] not even that). With the `http` feature, `Headers::from_http` takes
/// an `http::HeaderMap` as it is, copying nothing (what the SDK's transports do with a
/// response's headers).
///
/// ```
/// use freedompay_transport::Headers;
///
/// let mut headers = Headers::new();
/// headers.insert("Content-Type", "text/xml; charset=utf-8");
/// assert_eq!(headers.get("content-type"), Some("text/xml; charset=utf-8"));
/// ```
#[derive(Clone, Default)]
pub struct Headers {
    /// Fields given as one `'static` list ([`Headers::from_static`]), before `entries`.
    fixed: &'static [(&'static str, &'static str)],
    /// The text of the copied fields, one after the other.
    text: String,
    entries: Vec<(Text, Text)>,
    /// A map taken whole by [`Headers::from_http`], every value UTF-8. While it is there,
    /// `text` and `entries` are empty; the first change moves its fields into them.
    #[cfg(feature = "http")]
    map: Option<http::HeaderMap>,
}

/// Where the text of a name or value is: a `'static` string, or a range of the buffer.
#[derive(Clone)]
enum Text {
    Static(&'static str),
    Copied(Range<usize>),
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// No headers, with room for `fields` fields whose names and values add up to `text`
    /// bytes (what a transport knows before copying a response's headers).
    pub fn with_capacity(fields: usize, text: usize) -> Self {
        Self {
            text: String::with_capacity(text),
            entries: Vec::with_capacity(fields),
            ..Self::default()
        }
    }

    /// These `'static` fields, in order, kept as the list itself: nothing is allocated, and
    /// cloning the headers copies a pointer (the SDK's request headers). Fields added
    /// later come after them.
    ///
    /// ```
    /// use freedompay_transport::Headers;
    ///
    /// const FIXED: &[(&str, &str)] = &[("Accept", "text/xml"), ("User-Agent", "me/1")];
    /// let mut headers = Headers::from_static(FIXED);
    /// headers.append("X-Id", "7");
    /// assert_eq!(headers.iter().collect::<Vec<_>>(), [("Accept", "text/xml"), ("User-Agent", "me/1"), ("X-Id", "7")]);
    /// ```
    pub const fn from_static(fields: &'static [(&'static str, &'static str)]) -> Self {
        Self {
            fixed: fields,
            text: String::new(),
            entries: Vec::new(),
            #[cfg(feature = "http")]
            map: None,
        }
    }

    /// Takes an `http::HeaderMap` (feature `http`) without copying it: the fields keep the
    /// map's order (every value of a name together, names in the order they first came),
    /// and are read from the map itself until the headers are changed. A map with a value
    /// that is not UTF-8 is copied instead, that value decoded lossily, as
    /// `From<&http::HeaderMap>` does.
    ///
    /// ```
    /// use freedompay_transport::Headers;
    ///
    /// let mut map = http::HeaderMap::new();
    /// map.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/xml"));
    /// let headers = Headers::from_http(map);
    /// assert_eq!(headers.get("Content-Type"), Some("text/xml"));
    /// assert_eq!(headers.iter().collect::<Vec<_>>(), [("content-type", "text/xml")]);
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn from_http(map: http::HeaderMap) -> Self {
        // Header values are nearly always ASCII: checked inline first, UTF-8 only otherwise.
        if map.values().all(|value| {
            let bytes = value.as_bytes();
            bytes.is_ascii() || core::str::from_utf8(bytes).is_ok()
        }) {
            Self {
                map: Some(map),
                ..Self::default()
            }
        } else {
            Self::from(&map)
        }
    }

    /// The fields as the one `'static` list they were made of ([`Headers::from_static`],
    /// [`HttpRequest::with_static_headers`](crate::HttpRequest::with_static_headers)), when
    /// nothing was added since: the SDK's request headers. A transport can convert such a
    /// list once into its HTTP stack's own header type and reuse it on every request (the
    /// list's address identifies it): `HeaderMaps` (feature `http`) does it for `http`'s.
    ///
    /// ```
    /// use freedompay_transport::Headers;
    ///
    /// const FIXED: &[(&str, &str)] = &[("Accept", "text/xml")];
    /// let mut headers = Headers::from_static(FIXED);
    /// assert_eq!(headers.static_fields(), Some(FIXED));
    /// headers.append("X-Id", "7");
    /// assert_eq!(headers.static_fields(), None);
    /// ```
    pub fn static_fields(&self) -> Option<&'static [(&'static str, &'static str)]> {
        #[cfg(feature = "http")]
        if self.map.is_some() {
            return None;
        }
        self.entries.is_empty().then_some(self.fixed)
    }

    /// Moves the fields of a map taken by `Headers::from_http` into the list, before a
    /// change.
    fn own(&mut self) {
        #[cfg(feature = "http")]
        if let Some(map) = self.map.take() {
            *self = Self::from(&map);
        }
    }

    /// [`Headers::own`], and the `'static` list moved into the list too, before a change
    /// that may remove fields.
    fn own_all(&mut self) {
        self.own();
        if !self.fixed.is_empty() {
            let fixed = core::mem::take(&mut self.fixed);
            self.entries.splice(
                0..0,
                fixed
                    .iter()
                    .map(|&(name, value)| (Text::Static(name), Text::Static(value))),
            );
        }
    }

    /// Adds a header field, keeping any earlier field of the same name.
    pub fn append(&mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        self.own();
        let name = self.copy(name.as_ref());
        let value = self.copy(value.as_ref());
        self.entries.push((name, value));
        self
    }

    /// Adds a header field whose name and value are `'static` (the SDK's own headers),
    /// keeping any earlier field of the same name; nothing is copied.
    ///
    /// ```
    /// use freedompay_transport::Headers;
    ///
    /// let mut headers = Headers::new();
    /// headers.append_static("Accept", "application/xml, text/xml");
    /// assert_eq!(headers.get("accept"), Some("application/xml, text/xml"));
    /// ```
    pub fn append_static(&mut self, name: &'static str, value: &'static str) -> &mut Self {
        self.own();
        self.entries.push((Text::Static(name), Text::Static(value)));
        self
    }

    /// Sets a header field, replacing every earlier field of the same name.
    pub fn insert(&mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        let name = name.as_ref();
        self.own_all();
        let text = &self.text;
        self.entries
            .retain(|(n, _)| !resolve(text, n).eq_ignore_ascii_case(name));
        self.append(name, value)
    }

    /// The value of the first field with this name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        #[cfg(feature = "http")]
        if let Some(map) = &self.map {
            // The map finds a name in any ASCII case; its values were checked to be UTF-8.
            return map.get(name).map(|value| utf8(value.as_bytes()));
        }
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Every value of fields with this name, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The fields as `(name, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let list = self.fixed.iter().copied().chain(
            self.entries
                .iter()
                .map(|(n, v)| (resolve(&self.text, n), resolve(&self.text, v))),
        );
        #[cfg(feature = "http")]
        let list = self
            .map
            .iter()
            .flat_map(|map| map.iter())
            .map(|(n, v)| (n.as_str(), utf8(v.as_bytes())))
            .chain(list);
        list
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        #[cfg(feature = "http")]
        if let Some(map) = &self.map {
            return map.len();
        }
        self.fixed.len() + self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn copy(&mut self, text: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(text);
        Text::Copied(start..self.text.len())
    }
}

/// A value of a map taken by [`Headers::from_http`], which checked it is UTF-8.
#[cfg(feature = "http")]
fn utf8(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

fn resolve<'a>(buffer: &'a str, text: &'a Text) -> &'a str {
    match text {
        Text::Static(text) => text,
        // The ranges are the buffer's own, at char boundaries: never out of bounds.
        Text::Copied(range) => buffer.get(range.clone()).unwrap_or_default(),
    }
}

impl PartialEq for Headers {
    /// The same fields in the same order (names compared as written).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values could carry credentials of a custom stack (Authorization, cookies):
        // names only.
        f.debug_list().entries(self.iter().map(|(n, _)| n)).finish()
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (n, v) in iter {
            headers.append(n, v);
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_and_static_fields_keep_their_order_and_compare_by_text() {
        let mut mixed = Headers::with_capacity(3, 16);
        mixed
            .append_static("Accept", "text/xml")
            .append(String::from("X-Id"), "7")
            .append_static("X-Id", "8");
        let copied: Headers = [("Accept", "text/xml"), ("X-Id", "7"), ("X-Id", "8")]
            .into_iter()
            .collect();
        assert_eq!(mixed, copied);
        assert_eq!(mixed.get_all("x-id").collect::<Vec<_>>(), ["7", "8"]);
        mixed.insert("x-id", "9");
        assert_eq!(
            mixed.iter().collect::<Vec<_>>(),
            [("Accept", "text/xml"), ("x-id", "9")]
        );
        assert_ne!(mixed, copied);
    }

    #[test]
    fn non_ascii_values_are_kept_whole() {
        let mut headers = Headers::new();
        headers.append("X-Name", "Алматы").append("X-Next", "ok");
        assert_eq!(headers.get("x-name"), Some("Алматы"));
        assert_eq!(headers.get("x-next"), Some("ok"));
    }
}
