//! Errors of signing and verification.

use alloc::string::String;

/// Why a message cannot be signed (or its signature checked) by the reference algorithm.
///
/// Each case names the field path in bracket notation (`pg_receipt_positions[0][name]`);
/// values never appear in errors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A field has an empty name. `path` is where it stands (empty at the top level).
    EmptyName {
        /// The level holding the nameless field.
        path: String,
    },
    /// A top-level name that starts like a number (a digit, a sign, a dot or whitespace): PHP
    /// turns such flattened keys into numbers and sorts them numerically, so the order the
    /// gateway uses cannot be told from the bytes (docs/protocol.md §2.4).
    NumericName {
        /// The offending name.
        name: String,
    },
    /// Two names at one level where one is the other followed by a digit or by a byte
    /// below `'0'` (`pg_param` and `pg_param1`, `key` and `key-x`): sorting by name and
    /// sorting the reference algorithm's flattened keys disagree (docs/protocol.md §2.4).
    AmbiguousNames {
        /// The level holding both.
        path: String,
        /// The shorter name, a prefix of the other.
        shorter: String,
        /// The longer name.
        longer: String,
    },
    /// Two different fields flatten to the same key, so one would hide the other. Only very
    /// large levels (1,000 or more items) can get here.
    DuplicateKey {
        /// The flattened key.
        key: String,
    },
    /// Nesting deeper than [`SignError::MAX_DEPTH`] levels.
    TooDeep,
}

impl SignError {
    /// The deepest nesting the signer accepts (FreedomPay messages use three or four levels).
    pub const MAX_DEPTH: usize = 64;
}

impl core::fmt::Display for SignError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SignError::EmptyName { path } if path.is_empty() => {
                f.write_str("a field has an empty name")
            }
            SignError::EmptyName { path } => write!(f, "a field inside `{path}` has an empty name"),
            SignError::NumericName { name } => write!(
                f,
                "field name `{name}` starts like a number; the gateway (PHP) would sort it \
                 numerically, so its signature cannot be predicted: use a name starting with a letter"
            ),
            SignError::AmbiguousNames {
                path,
                shorter,
                longer,
            } => {
                let at = if path.is_empty() {
                    String::new()
                } else {
                    alloc::format!(" inside `{path}`")
                };
                write!(
                    f,
                    "field names `{shorter}` and `{longer}`{at} make the signature order ambiguous \
                     (one is the other followed by a digit or punctuation); rename one of them"
                )
            }
            SignError::DuplicateKey { key } => {
                write!(f, "two fields flatten to the same signature key `{key}`")
            }
            SignError::TooDeep => {
                write!(
                    f,
                    "the message is nested deeper than {} levels",
                    Self::MAX_DEPTH
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SignError {}

/// Why a received message's signature was not accepted.
///
/// The cases are kept apart on purpose: an unsigned message is not a forged one, and neither
/// is a message that cannot be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// There is no top-level `pg_sig` (FreedomPay leaves some error replies unsigned).
    Missing,
    /// `pg_sig` is there but is not a text value.
    NotText,
    /// `pg_sig` does not match the message: tampered, signed with another secret or script
    /// name, or altered in transit.
    Mismatch,
    /// The message cannot be canonicalised.
    Sign(SignError),
}

impl core::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VerifyError::Missing => f.write_str("the message is not signed (no pg_sig)"),
            VerifyError::NotText => f.write_str("pg_sig is not a text value"),
            VerifyError::Mismatch => f.write_str(
                "the signature does not match (wrong secret, wrong script name, or altered message)",
            ),
            VerifyError::Sign(e) => write!(f, "cannot check the signature: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Sign(e) => Some(e),
            _ => None,
        }
    }
}

impl From<SignError> for VerifyError {
    fn from(e: SignError) -> Self {
        VerifyError::Sign(e)
    }
}
