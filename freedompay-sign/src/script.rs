//! The script name: the first element of every signature.

use alloc::borrow::Cow;
use alloc::string::String;

/// The script name of a request or callback: the last path segment of its URL
/// (`https://api.freedompay.kz/g2g/p2p2nonreg?x=1` → `p2p2nonreg`).
///
/// FreedomPay signs every message with the script name first. For API calls it is the last
/// segment of the request URL; for callbacks, the last segment of *your* callback URL (so
/// `https://shop.kz/pay/result` signs as `result`). The segment is taken as written, without
/// percent-decoding.
///
/// ```
/// use freedompay_sign::ScriptName;
///
/// let script = ScriptName::from_url("https://shop.kz/index.php?dispatch=payment.result").unwrap();
/// assert_eq!(script.as_str(), "index.php");
/// // A trailing slash leaves nothing to sign with.
/// assert!(ScriptName::from_url("https://shop.kz/pay/result/").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ScriptName(Cow<'static, str>);

/// Why a script name could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScriptNameError {
    /// The URL's path is empty or ends with `/`, so its last segment is empty. The reference
    /// implementation would sign with an empty script name; FreedomPay cannot be expected to do
    /// the same, so such URLs are refused.
    Empty,
    /// The name contains `/`, `?` or `#`: it is a URL or a path, not a script name.
    NotASegment,
}

impl core::fmt::Display for ScriptNameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ScriptNameError::Empty => f.write_str(
                "the script name is empty (the URL has no path or ends with '/'); \
                 use a URL whose last path segment names the script",
            ),
            ScriptNameError::NotASegment => {
                f.write_str("a script name cannot contain '/', '?' or '#'; pass a URL to ScriptName::from_url instead")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ScriptNameError {}

impl ScriptName {
    /// A script name given directly (`"init_payment.php"`, `"reg2nonreg"`).
    pub fn new(name: impl Into<String>) -> Result<Self, ScriptNameError> {
        let name = name.into();
        check(&name)?;
        Ok(Self(Cow::Owned(name)))
    }

    /// A script name known when the program is compiled (an operation's path segment), kept
    /// as the `'static` text itself: nothing is allocated, and in a `const` it is checked at
    /// compile time. The same checks as [`ScriptName::new`].
    ///
    /// ```
    /// use freedompay_sign::{ScriptName, ScriptNameError};
    ///
    /// const STATUS: Result<ScriptName, ScriptNameError> = ScriptName::from_static("get_status3.php");
    /// assert_eq!(STATUS?, ScriptName::new("get_status3.php")?);
    /// assert_eq!(ScriptName::from_static("a/b"), Err(ScriptNameError::NotASegment));
    /// # Ok::<(), ScriptNameError>(())
    /// ```
    pub const fn from_static(name: &'static str) -> Result<Self, ScriptNameError> {
        match check(name) {
            Ok(()) => Ok(Self(Cow::Borrowed(name))),
            Err(e) => Err(e),
        }
    }

    /// The last path segment of a URL (absolute like `https://host/a/b.php?q`, or a path like
    /// `/a/b.php`). The query and fragment are dropped; a URL without a path, or whose path
    /// ends with `/`, is refused.
    pub fn from_url(url: &str) -> Result<Self, ScriptNameError> {
        let end = url.find(['?', '#']).unwrap_or(url.len());
        let mut path = &url[..end];
        // With a scheme, the authority (host, port, credentials) is not part of the path.
        if let Some(scheme_end) = path.find("://") {
            let after = &path[scheme_end + 3..];
            path = match after.find('/') {
                Some(slash) => &after[slash..],
                None => "",
            };
        }
        let segment = match path.rfind('/') {
            Some(slash) => &path[slash + 1..],
            None => path,
        };
        Self::new(segment)
    }

    /// The name as signed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What [`ScriptName::new`] and [`ScriptName::from_static`] refuse: an empty name, or one
/// with `/`, `?` or `#`.
const fn check(name: &str) -> Result<(), ScriptNameError> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Err(ScriptNameError::Empty);
    }
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'/' | b'?' | b'#') {
            return Err(ScriptNameError::NotASegment);
        }
        i += 1;
    }
    Ok(())
}

impl core::fmt::Debug for ScriptName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ScriptName").field(&self.0).finish()
    }
}

impl core::fmt::Display for ScriptName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ScriptName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl core::str::FromStr for ScriptName {
    type Err = ScriptNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for ScriptName {
    type Error = ScriptNameError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use core::hash::{BuildHasher, Hasher};

    #[test]
    fn last_segment_of_urls() {
        let cases = [
            (
                "https://api.freedompay.kz/init_payment.php",
                "init_payment.php",
            ),
            ("https://api.freedompay.kz/g2g/p2p2nonreg", "p2p2nonreg"),
            ("https://shop.kz/pay/result?x=1", "result"),
            ("https://shop.kz/index.php?dispatch=a/b/c", "index.php"),
            ("https://shop.kz/pay/result#frag/x", "result"),
            (
                "https://user:pw@shop.kz:8443/v1/merchant/1/cardstorage/add2",
                "add2",
            ),
            ("/api/cbc/check", "check"),
            ("get_status3.php", "get_status3.php"),
        ];
        for (url, want) in cases {
            assert_eq!(ScriptName::from_url(url).unwrap().as_str(), want, "{url}");
        }
    }

    #[test]
    fn empty_segments_are_refused() {
        for url in [
            "https://shop.kz/pay/result/",
            "https://shop.kz",
            "https://shop.kz/",
            "",
            "https://shop.kz?a=/b",
            "/",
        ] {
            assert_eq!(
                ScriptName::from_url(url),
                Err(ScriptNameError::Empty),
                "{url}"
            );
        }
    }

    #[test]
    fn direct_names_must_be_one_segment() {
        assert_eq!(ScriptName::new("a/b"), Err(ScriptNameError::NotASegment));
        assert_eq!(ScriptName::new("a?b"), Err(ScriptNameError::NotASegment));
        assert_eq!(ScriptName::new(""), Err(ScriptNameError::Empty));
        assert_eq!(ScriptName::new("result").unwrap().to_string(), "result");
        assert_eq!(
            ScriptName::from_static("a#b"),
            Err(ScriptNameError::NotASegment)
        );
        assert_eq!(ScriptName::from_static(""), Err(ScriptNameError::Empty));
    }

    /// A name from a `'static` text and the same name copied are the same script name.
    #[test]
    fn static_and_owned_names_are_equal() {
        let (owned, borrowed) = (
            ScriptName::new("Свой.php").unwrap(),
            ScriptName::from_static("Свой.php").unwrap(),
        );
        assert_eq!(owned, borrowed);
        assert_eq!(owned.as_str(), borrowed.as_str());
        assert_eq!(alloc::format!("{owned:?}"), alloc::format!("{borrowed:?}"));
        assert_eq!(HashState.hash_one(&owned), HashState.hash_one(&borrowed));
    }

    /// A plain FNV-1a, for comparing hashes without std.
    struct HashState;
    struct Fnv(u64);
    impl BuildHasher for HashState {
        type Hasher = Fnv;
        fn build_hasher(&self) -> Fnv {
            Fnv(0xcbf2_9ce4_8422_2325)
        }
    }
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}
