//! The merchant's secret key.

use alloc::string::String;
use alloc::vec::Vec;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A FreedomPay secret key (the payment secret or the payout secret).
///
/// It never prints: `Debug` shows `SecretKey(***)` and there is no `Display`. Its bytes are
/// wiped from memory when it is dropped, and two keys compare in constant time.
///
/// ```
/// use freedompay_sign::SecretKey;
///
/// let key = SecretKey::new("TESTSECRET").unwrap();
/// assert_eq!(format!("{key:?}"), "SecretKey(***)");
/// assert!(SecretKey::new("").is_err());
/// ```
#[derive(Clone)]
pub struct SecretKey {
    bytes: Zeroizing<Vec<u8>>,
}

/// Why a secret key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretKeyError {
    /// The key is empty.
    Empty,
}

impl core::fmt::Display for SecretKeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SecretKeyError::Empty => f.write_str("the secret key is empty"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SecretKeyError {}

impl SecretKey {
    /// Takes a secret key from its text, as shown in the merchant's FreedomPay cabinet.
    ///
    /// The text is moved in and wiped when the key is dropped; surrounding whitespace is kept,
    /// since it would be part of what FreedomPay hashes.
    pub fn new(key: impl Into<String>) -> Result<Self, SecretKeyError> {
        let key: String = key.into();
        Self::from_bytes(Zeroizing::new(key.into_bytes()))
    }

    /// Takes a secret key from raw bytes (for example read from a file or a vault).
    pub fn from_bytes(bytes: impl Into<Zeroizing<Vec<u8>>>) -> Result<Self, SecretKeyError> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Err(SecretKeyError::Empty);
        }
        Ok(Self { bytes })
    }

    /// The key's bytes; kept inside the crate so that no caller can print them by accident.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.bytes
    }
}

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.bytes.as_slice().ct_eq(other.bytes.as_slice()))
    }
}

impl Eq for SecretKey {}

impl core::str::FromStr for SecretKey {
    type Err = SecretKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}
