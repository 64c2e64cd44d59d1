//! The `pg_sig` value.

/// A `pg_sig` value: an MD5 digest, shown as 32 lowercase hexadecimal digits.
///
/// Signatures are not secret, so they print; they are kept inline (no heap).
///
/// ```
/// use freedompay_sign::Signature;
///
/// let sig: Signature = "fe9aa0d66e010d645bafe82364540b1a".parse().unwrap();
/// assert_eq!(sig.to_string(), "fe9aa0d66e010d645bafe82364540b1a");
/// assert!("FE9AA0D66E010D645BAFE82364540B1A".parse::<Signature>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    hex: [u8; 32],
}

/// Why a text is not a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureParseError {
    /// Not 32 characters long.
    Length,
    /// A character other than `0-9a-f`. The gateway and the reference implementation compare
    /// signatures as exact strings, so uppercase hex does not match either.
    NotLowercaseHex,
}

impl core::fmt::Display for SignatureParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SignatureParseError::Length => f.write_str("a signature is 32 hexadecimal digits"),
            SignatureParseError::NotLowercaseHex => {
                f.write_str("a signature is lowercase hexadecimal (0-9, a-f)")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SignatureParseError {}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Signature {
    pub(crate) fn from_digest(digest: &[u8]) -> Self {
        let mut hex = [0u8; 32];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0f)];
        }
        Self { hex }
    }

    /// The 32 lowercase hex digits, as sent in `pg_sig`.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(&self.hex).unwrap_or_default()
    }

    /// The hex digits as bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.hex
    }

    /// Compares with a received `pg_sig` text in constant time (its length is not secret).
    pub fn matches(&self, received: &str) -> bool {
        use subtle::ConstantTimeEq;
        if received.len() != self.hex.len() {
            return false;
        }
        // Eight bytes at a time, the differences ORed without a branch, then one
        // constant-time comparison.
        let (received, _) = received.as_bytes().as_chunks::<8>();
        let (ours, _) = self.hex.as_chunks::<8>();
        let difference = received.iter().zip(ours).fold(0u64, |difference, (a, b)| {
            difference | (u64::from_ne_bytes(*a) ^ u64::from_ne_bytes(*b))
        });
        bool::from(difference.ct_eq(&0))
    }
}

impl core::str::FromStr for Signature {
    type Err = SignatureParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() != 32 {
            return Err(SignatureParseError::Length);
        }
        if !bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(SignatureParseError::NotLowercaseHex);
        }
        let mut hex = [0u8; 32];
        hex.copy_from_slice(bytes);
        Ok(Self { hex })
    }
}

impl core::fmt::Display for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Signature").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}
