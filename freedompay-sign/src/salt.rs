//! `pg_salt`: the random string every signed message carries.

use alloc::string::String;
use alloc::vec::Vec;

/// A `pg_salt` value: 1 to 64 characters of `[0-9A-Za-z]`.
///
/// The salt makes every signature of the same request different. Take one from a
/// [`SaltSource`] ([`OsSaltSource`](crate::OsSaltSource) with the default features), or fix one
/// for tests and snapshots:
///
/// ```
/// use freedompay_sign::Salt;
///
/// let salt = Salt::new("molbulak").unwrap();
/// assert_eq!(salt.as_str(), "molbulak");
/// assert!(Salt::new("no spaces").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Salt(String);

/// Why a salt could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaltError {
    /// Empty, or longer than [`Salt::MAX_LEN`].
    Length,
    /// A character outside `[0-9A-Za-z]`.
    Character,
    /// The source of randomness failed.
    Random,
}

impl core::fmt::Display for SaltError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SaltError::Length => write!(f, "a salt has 1 to {} characters", Salt::MAX_LEN),
            SaltError::Character => f.write_str("a salt has only the characters 0-9, A-Z and a-z"),
            SaltError::Random => f.write_str("the source of randomness failed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SaltError {}

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Salt {
    /// The length of generated salts.
    pub const DEFAULT_LEN: usize = 16;
    /// The longest salt accepted.
    pub const MAX_LEN: usize = 64;

    /// A salt given as text.
    pub fn new(salt: impl Into<String>) -> Result<Self, SaltError> {
        let salt = salt.into();
        if salt.is_empty() || salt.len() > Self::MAX_LEN {
            return Err(SaltError::Length);
        }
        if !salt.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(SaltError::Character);
        }
        Ok(Self(salt))
    }

    /// A uniformly random salt of `len` characters, drawing bytes from `fill` (your random
    /// number generator): the way to make salts on `no_std`.
    ///
    /// ```
    /// use freedompay_sign::Salt;
    ///
    /// // A toy generator for the example; use a cryptographic one.
    /// let mut state = 7u8;
    /// let salt = Salt::generate_with(16, |buf: &mut [u8]| {
    ///     for b in buf.iter_mut() { state = state.wrapping_mul(31).wrapping_add(11); *b = state; }
    ///     Ok::<(), ()>(())
    /// }).unwrap();
    /// assert_eq!(salt.as_str().len(), 16);
    /// ```
    pub fn generate_with<E>(
        len: usize,
        mut fill: impl FnMut(&mut [u8]) -> Result<(), E>,
    ) -> Result<Self, SaltError> {
        if len == 0 || len > Self::MAX_LEN {
            return Err(SaltError::Length);
        }
        // ASCII bytes, pushed as bytes (no character encoding per push) and checked once.
        let mut out = Vec::with_capacity(len);
        let mut buf = [0u8; 32];
        while out.len() < len {
            fill(&mut buf).map_err(|_| SaltError::Random)?;
            // Rejection sampling keeps every character equally likely: 248 = 4 * 62. The rest
            // of a buffer that completes the salt is not used.
            for &b in &buf {
                if b < 248 {
                    out.push(ALPHABET[usize::from(b % 62)]);
                    if out.len() == len {
                        break;
                    }
                }
            }
        }
        // Every byte is one of `ALPHABET`'s: always UTF-8.
        String::from_utf8(out)
            .map(Self)
            .map_err(|_| SaltError::Random)
    }

    /// The salt as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The salt as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl core::fmt::Debug for Salt {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Salt").field(&self.0).finish()
    }
}

impl core::fmt::Display for Salt {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Salt {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl core::str::FromStr for Salt {
    type Err = SaltError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Where salts come from.
///
/// The sans-I/O layers never draw randomness themselves: they take a `SaltSource`, so tests
/// can fix the salt and snapshot requests byte for byte. A [`Salt`] is itself a source that
/// always gives the same salt, and so is any `Fn() -> Result<Salt, SaltError>`.
///
/// ```
/// use freedompay_sign::{Salt, SaltSource};
///
/// let fixed = Salt::new("abc123").unwrap();
/// assert_eq!(fixed.next_salt().unwrap().as_str(), "abc123");
/// ```
pub trait SaltSource {
    /// The next salt.
    fn next_salt(&self) -> Result<Salt, SaltError>;
}

impl SaltSource for Salt {
    fn next_salt(&self) -> Result<Salt, SaltError> {
        Ok(self.clone())
    }
}

impl<F> SaltSource for F
where
    F: Fn() -> Result<Salt, SaltError>,
{
    fn next_salt(&self) -> Result<Salt, SaltError> {
        self()
    }
}

/// Salts from the operating system's randomness (`getrandom`), [`Salt::DEFAULT_LEN`]
/// characters long unless told otherwise.
///
/// ```
/// use freedompay_sign::{OsSaltSource, SaltSource};
///
/// let salt = OsSaltSource::default().next_salt().unwrap();
/// assert_eq!(salt.as_str().len(), 16);
/// assert!(salt.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
/// ```
#[cfg(feature = "os-rng")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsSaltSource {
    len: usize,
}

#[cfg(feature = "os-rng")]
impl OsSaltSource {
    /// Salts of `len` characters (1 to [`Salt::MAX_LEN`]).
    pub fn with_len(len: usize) -> Result<Self, SaltError> {
        if len == 0 || len > Salt::MAX_LEN {
            return Err(SaltError::Length);
        }
        Ok(Self { len })
    }
}

#[cfg(feature = "os-rng")]
impl Default for OsSaltSource {
    fn default() -> Self {
        Self {
            len: Salt::DEFAULT_LEN,
        }
    }
}

#[cfg(feature = "os-rng")]
impl SaltSource for OsSaltSource {
    fn next_salt(&self) -> Result<Salt, SaltError> {
        Salt::generate_with(self.len, getrandom::fill)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert_eq!(Salt::new(""), Err(SaltError::Length));
        assert_eq!(Salt::new("a".repeat(65)), Err(SaltError::Length));
        assert!(Salt::new("a".repeat(64)).is_ok());
        for bad in ["a b", "ab-c", "ab_c", "абв", "a;b"] {
            assert_eq!(Salt::new(bad), Err(SaltError::Character), "{bad}");
        }
    }

    #[test]
    fn generated_salts_use_the_alphabet_evenly() {
        // A counter as the "random" source walks through every byte value, so each of the 62
        // characters must come out exactly 4 times per 256 bytes (the 8 values >= 248 dropped).
        let mut next = 0u8;
        let salt = Salt::generate_with(62, |buf: &mut [u8]| {
            for b in buf.iter_mut() {
                *b = next;
                next = next.wrapping_add(1);
            }
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(salt.as_str(), core::str::from_utf8(ALPHABET).unwrap());
    }

    #[test]
    fn rng_failure_is_an_error() {
        assert_eq!(
            Salt::generate_with(16, |_: &mut [u8]| Err(())),
            Err(SaltError::Random)
        );
        assert_eq!(
            Salt::generate_with(0, |_: &mut [u8]| Ok::<(), ()>(())),
            Err(SaltError::Length)
        );
    }

    #[cfg(feature = "os-rng")]
    #[test]
    fn os_salts_differ() {
        let source = OsSaltSource::default();
        let a = source.next_salt().unwrap();
        let b = source.next_salt().unwrap();
        assert_ne!(a, b);
        assert_eq!(
            OsSaltSource::with_len(32)
                .unwrap()
                .next_salt()
                .unwrap()
                .as_str()
                .len(),
            32
        );
        assert_eq!(OsSaltSource::with_len(0), Err(SaltError::Length));
    }
}
