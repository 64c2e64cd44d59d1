//! What a transport, or a configuration, makes once and reuses on every request.

use core::fmt;
use std::sync::{PoisonError, RwLock};

/// A small table of values made once per key and shared after it: the URLs a transport has
/// parsed, the SDK's fixed header lists converted into an HTTP stack's own type
/// (`HeaderMaps`, feature `http`), the request URL of each operation. Meant for a few dozen keys (it looks them up one by one); past its
/// limit the oldest entry is dropped, so it never grows without bound. Safe to share between
/// threads; readers do not wait for one another.
///
/// ```
/// use freedompay_transport::Prepared;
///
/// let parsed: Prepared<String, usize> = Prepared::new(2);
/// let made = |text: &str| Some((text.to_owned(), text.len()));
/// assert_eq!(parsed.get_or_make(|k| k == "https://a", || made("https://a")), Some(9));
/// // The second time the value comes from the table: `make` is not called.
/// assert_eq!(parsed.get_or_make(|k| k == "https://a", || None), Some(9));
/// // Nothing is kept when `make` has nothing.
/// assert_eq!(parsed.get_or_make(|k| k == "bad", || None), None);
/// assert_eq!(parsed.len(), 1);
/// ```
pub struct Prepared<K, V> {
    entries: RwLock<Vec<(K, V)>>,
    limit: usize,
}

impl<K, V: Clone> Prepared<K, V> {
    /// An empty table keeping at most `limit` entries (at least one).
    pub const fn new(limit: usize) -> Self {
        Self {
            entries: RwLock::new(Vec::new()),
            limit: if limit == 0 { 1 } else { limit },
        }
    }

    /// The value of the first entry whose key `is_key` accepts; otherwise the one `make`
    /// makes, kept for the next time (the oldest entry dropped past the limit). `None`, and
    /// nothing kept, when `make` has none: the caller then does what it would have done
    /// without the table, and reports its errors as usual.
    pub fn get_or_make(
        &self,
        is_key: impl Fn(&K) -> bool,
        make: impl FnOnce() -> Option<(K, V)>,
    ) -> Option<V> {
        if let Some(value) = self.find(&is_key) {
            return Some(value);
        }
        let (key, value) = make()?;
        self.keep(&is_key, key, value.clone());
        Some(value)
    }

    /// [`Prepared::get_or_make`] for a `make` that always has a value.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use freedompay_transport::Prepared;
    ///
    /// let urls: Prepared<&'static str, Arc<str>> = Prepared::new(64);
    /// let path = "/api/balance_status";
    /// let url = urls.get_or_insert_with(|k| *k == path, || (path, Arc::from("https://api.freedompay.kz/api/balance_status")));
    /// assert!(Arc::ptr_eq(&url, &urls.get_or_insert_with(|k| *k == path, || unreachable!())));
    /// ```
    pub fn get_or_insert_with(
        &self,
        is_key: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, V),
    ) -> V {
        if let Some(value) = self.find(&is_key) {
            return value;
        }
        let (key, value) = make();
        self.keep(&is_key, key, value.clone());
        value
    }

    /// The value of the first entry whose key `is_key` accepts.
    fn find(&self, is_key: &impl Fn(&K) -> bool) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        entries
            .iter()
            .find(|(key, _)| is_key(key))
            .map(|(_, value)| value.clone())
    }

    /// Keeps a value just made, unless another thread kept one for the key meanwhile; drops
    /// the oldest entry past the limit.
    fn keep(&self, is_key: &impl Fn(&K) -> bool, key: K, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if !entries.iter().any(|(known, _)| is_key(known)) {
            if entries.len() >= self.limit {
                entries.remove(0);
            }
            entries.push((key, value));
        }
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether nothing is kept yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V: Clone> Prepared<Box<str>, V> {
    /// How many parsed URLs [`Prepared::for_urls`] keeps: more than the SDK's operations on
    /// one base URL.
    pub const URLS: usize = 64;

    /// A table of values parsed from texts, keyed by the text (the URLs a transport has
    /// parsed into its HTTP stack's own type), keeping at most [`Prepared::URLS`].
    pub const fn for_urls() -> Self {
        Self::new(Self::URLS)
    }

    /// `text` parsed by `parse`, from the table after the first time; `None`, and nothing
    /// kept, when it does not parse.
    ///
    /// ```
    /// use freedompay_transport::Prepared;
    ///
    /// let ports: Prepared<Box<str>, u16> = Prepared::for_urls();
    /// let port = |text: &str| text.rsplit(':').next()?.parse().ok();
    /// assert_eq!(ports.get_or_parse("http://127.0.0.1:8080", port), Some(8080));
    /// // Kept: the second time `parse` is not called.
    /// assert_eq!(ports.get_or_parse("http://127.0.0.1:8080", |_| None), Some(8080));
    /// assert_eq!(ports.get_or_parse("not a url", port), None);
    /// assert_eq!(ports.len(), 1);
    /// ```
    pub fn get_or_parse(&self, text: &str, parse: impl FnOnce(&str) -> Option<V>) -> Option<V> {
        self.get_or_make(
            |known| **known == *text,
            || Some((text.into(), parse(text)?)),
        )
    }
}

impl<K, V> fmt::Debug for Prepared<K, V> {
    /// The number of entries and the limit; never the keys or values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.entries.read().map_or(0, |entries| entries.len());
        f.debug_struct("Prepared")
            .field("entries", &entries)
            .field("limit", &self.limit)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_its_limit_dropping_the_oldest() {
        let table: Prepared<u32, u32> = Prepared::new(3);
        for i in 0..5 {
            assert_eq!(
                table.get_or_make(|k| *k == i, || Some((i, i * 10))),
                Some(i * 10)
            );
        }
        assert_eq!(table.len(), 3);
        // 0 and 1 were dropped: made again.
        assert_eq!(table.get_or_make(|k| *k == 0, || Some((0, 7))), Some(7));
        // 4 is still there.
        assert_eq!(table.get_or_make(|k| *k == 4, || None), Some(40));
        assert_eq!(format!("{table:?}"), "Prepared { entries: 3, limit: 3 }");
        // A limit of 0 keeps one entry.
        let one: Prepared<u8, u8> = Prepared::new(0);
        assert_eq!(one.get_or_insert_with(|k| *k == 1, || (1, 1)), 1);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn parsed_texts_are_reused_bounded_and_failures_not_kept() {
        let table: Prepared<Box<str>, usize> = Prepared::for_urls();
        let calls = std::cell::Cell::new(0);
        let parse = |text: &str| {
            calls.set(calls.get() + 1);
            (!text.contains(' ')).then_some(text.len())
        };
        assert_eq!(table.get_or_parse("http://a/x", parse), Some(10));
        assert_eq!(table.get_or_parse("http://a/x", parse), Some(10));
        assert_eq!(calls.get(), 1, "parsed once");
        assert_eq!(table.get_or_parse("http://bad host/", parse), None);
        assert_eq!(table.get_or_parse("http://bad host/", parse), None);
        assert_eq!(calls.get(), 3, "a failure is not kept");
        assert_eq!(table.len(), 1);
        for i in 0..Prepared::<Box<str>, usize>::URLS + 5 {
            table.get_or_parse(&format!("http://a/{i}"), parse);
        }
        assert_eq!(table.len(), Prepared::<Box<str>, usize>::URLS);
    }
}
