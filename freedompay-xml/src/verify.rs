//! Checking the signature of a parsed response, with the outcomes kept apart: valid, unsigned
//! (an error reply from a gateway that could not identify the merchant), forged or altered,
//! and not canonicalisable.

use core::fmt;

use freedompay_sign::{Fields, ScriptName, SecretKey, SignError, VerifyError};

use crate::{Document, DocumentRef, FieldsRef, ParseError, parse_ref};

/// A response whose signature was checked and matched: the only way to get at its fields
/// as trusted data.
///
/// ```
/// use freedompay_sign::{ScriptName, SecretKey};
/// use freedompay_xml::parse_and_verify;
///
/// let body = b"<response><pg_status>ok</pg_status><pg_description>Order paid</pg_description>\
///              <pg_salt>xyz</pg_salt><pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>";
/// let verified = parse_and_verify(body, &ScriptName::new("result")?, &SecretKey::new("TESTSECRET")?)?;
/// assert_eq!(verified.text("pg_status"), Some("ok"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    document: Document,
}

impl Verified {
    /// The verified document.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The verified message tree (`pg_sig` included, as received).
    pub fn fields(&self) -> &Fields {
        self.document.fields()
    }

    /// The text of the first top-level field with this name, when it is a leaf.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.document.text(name)
    }

    /// The verified document, by value.
    pub fn into_document(self) -> Document {
        self.document
    }

    /// The verified message tree, by value.
    pub fn into_fields(self) -> Fields {
        self.document.into_fields()
    }
}

/// A response without `pg_sig`. FreedomPay sends such replies when it cannot identify the
/// merchant (error 101 or 9998) and for some other errors (340 "Transaction not found" in the
/// documentation): they are neither valid nor forged, and nothing in them is authenticated.
///
/// ```
/// use freedompay_sign::{ScriptName, SecretKey};
/// use freedompay_xml::{ResponseError, parse_and_verify};
///
/// let body = b"<response><pg_status>error</pg_status><pg_error_code>340</pg_error_code>\
///              <pg_error_description>Transaction not found</pg_error_description></response>";
/// let script = ScriptName::new("get_status2.php")?;
/// match parse_and_verify(body, &script, &SecretKey::new("TESTSECRET")?) {
///     Err(ResponseError::Unsigned(reply)) => {
///         assert_eq!(reply.error_code(), Some("340"));
///         assert_eq!(reply.error_description(), Some("Transaction not found"));
///         assert_eq!(reply.status(), Some("error"));
///     }
///     other => panic!("expected an unsigned reply, got {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UnsignedReply {
    document: Document,
}

impl UnsignedReply {
    /// `pg_status`, if present (`error` in every documented case).
    pub fn status(&self) -> Option<&str> {
        self.document.text("pg_status")
    }

    /// `pg_error_code`, if present, as received (`101`, `9998`, `340`...).
    pub fn error_code(&self) -> Option<&str> {
        self.document.text("pg_error_code")
    }

    /// `pg_error_description`, if present, as received.
    pub fn error_description(&self) -> Option<&str> {
        self.document.text("pg_error_description")
    }

    /// The whole unsigned document; none of it is authenticated.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The whole unsigned document, by value.
    pub fn into_document(self) -> Document {
        self.document
    }
}

impl fmt::Debug for UnsignedReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Status and code are short gateway tokens; the description and other fields are
        // left out like every other text.
        f.debug_struct("UnsignedReply")
            .field("status", &self.status())
            .field("error_code", &self.error_code())
            .finish_non_exhaustive()
    }
}

/// Why a response was not accepted as verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The body is not an acceptable XML document (only from [`parse_and_verify`]).
    Parse(ParseError),
    /// The response has no top-level `pg_sig`: an unsigned error reply. Its error code and
    /// description are kept, unauthenticated.
    Unsigned(UnsignedReply),
    /// `pg_sig` is there but does not match: the wrong secret or script name, an altered
    /// response, or a `pg_sig` that is not a text.
    Mismatch,
    /// The response cannot be canonicalised by the reference algorithm (names that make its
    /// order ambiguous, nesting too deep); it cannot be verified.
    Sign(SignError),
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Parse(e) => write!(f, "the response is not acceptable XML: {e}"),
            ResponseError::Unsigned(reply) => {
                f.write_str("the response is not signed (no pg_sig)")?;
                // Only a short numeric code is shown: the text is unauthenticated.
                match reply.error_code() {
                    Some(code) if !code.is_empty() && code.len() <= 10 && code.bytes().all(|b| b.is_ascii_digit()) => {
                        write!(f, ": pg_error_code {code}")
                    }
                    _ => Ok(()),
                }
            }
            ResponseError::Mismatch => f.write_str(
                "the response signature does not match (wrong secret or script name, or an altered response)",
            ),
            ResponseError::Sign(e) => write!(f, "the response cannot be canonicalised for its signature: {e}"),
        }
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResponseError::Parse(e) => Some(e),
            ResponseError::Sign(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ParseError> for ResponseError {
    fn from(e: ParseError) -> Self {
        ResponseError::Parse(e)
    }
}

/// Verifies a parsed response by the reference algorithm (docs/protocol.md §2.7): every element is
/// signed, unknown ones included, nested ones flattened, `pg_sig` left out at every level;
/// `script` is the last path segment of the request URL (`get_status3.php`, `reg2nonreg`) or,
/// for a `pg_xml` callback, of your callback URL.
///
/// The root element's name plays no part. A response without a top-level `pg_sig` is
/// [`ResponseError::Unsigned`], never valid and never a mismatch; an empty or nested `pg_sig`
/// is a mismatch.
///
/// ```
/// use freedompay_sign::{ScriptName, SecretKey};
/// use freedompay_xml::{ResponseError, parse, verify_response};
///
/// let doc = parse(b"<response><pg_status>ok</pg_status><pg_description>Order paid</pg_description>\
///                   <pg_salt>xyz</pg_salt><pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>")?;
/// let script = ScriptName::new("result")?;
/// assert!(verify_response(doc.clone(), &script, &SecretKey::new("TESTSECRET")?).is_ok());
/// assert_eq!(
///     verify_response(doc, &script, &SecretKey::new("OTHER")?),
///     Err(ResponseError::Mismatch)
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_response(
    document: Document,
    script: &ScriptName,
    secret: &SecretKey,
) -> Result<Verified, ResponseError> {
    match freedompay_sign::verify(script, document.fields(), secret) {
        Ok(()) => Ok(Verified { document }),
        Err(VerifyError::Missing) => Err(ResponseError::Unsigned(UnsignedReply { document })),
        Err(VerifyError::Sign(e)) => Err(ResponseError::Sign(e)),
        // `Mismatch`, `NotText`, and any case added later: not valid.
        Err(_) => Err(ResponseError::Mismatch),
    }
}

/// Parses a response body and verifies it: [`parse`](crate::parse) then [`verify_response`].
///
/// The signature is checked on the borrowed tree ([`parse_and_verify_ref`]) and the owned
/// [`Verified`] built after; use [`parse_and_verify_ref`] to skip building it.
pub fn parse_and_verify(
    bytes: &[u8],
    script: &ScriptName,
    secret: &SecretKey,
) -> Result<Verified, ResponseError> {
    parse_and_verify_ref(bytes, script, secret).map(VerifiedRef::into_verified)
}

/// A response whose signature was checked and matched, borrowing its names and texts from
/// the body: what [`parse_and_verify_ref`] and [`verify_ref`] return.
///
/// ```
/// use freedompay_sign::{ScriptName, SecretKey};
/// use freedompay_xml::parse_and_verify_ref;
///
/// let body = b"<response><pg_status>ok</pg_status><pg_description>Order paid</pg_description>\
///              <pg_salt>xyz</pg_salt><pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>";
/// let verified = parse_and_verify_ref(body, &ScriptName::new("result")?, &SecretKey::new("TESTSECRET")?)?;
/// assert_eq!(verified.text("pg_status"), Some("ok"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRef<'a> {
    document: DocumentRef<'a>,
}

impl<'a> VerifiedRef<'a> {
    /// The verified document.
    pub fn document(&self) -> &DocumentRef<'a> {
        &self.document
    }

    /// The verified message tree (`pg_sig` included, as received).
    pub fn fields(&self) -> FieldsRef<'_> {
        self.document.fields()
    }

    /// The text of the first top-level field with this name, when it is a leaf.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.document.text(name)
    }

    /// The verified document, by value.
    pub fn into_document(self) -> DocumentRef<'a> {
        self.document
    }

    /// The same verified response, owned.
    pub fn into_verified(self) -> Verified {
        Verified {
            document: self.document.into_document(),
        }
    }
}

/// [`verify_response`] for a borrowed [`DocumentRef`]: the same outcomes, the signature
/// checked without copying the tree (an unsigned reply is copied into its
/// [`UnsignedReply`]).
pub fn verify_ref<'a>(
    document: DocumentRef<'a>,
    script: &ScriptName,
    secret: &SecretKey,
) -> Result<VerifiedRef<'a>, ResponseError> {
    match freedompay_sign::verify_tree(script, document.fields(), secret) {
        Ok(()) => Ok(VerifiedRef { document }),
        Err(VerifyError::Missing) => Err(ResponseError::Unsigned(UnsignedReply {
            document: document.into_document(),
        })),
        Err(VerifyError::Sign(e)) => Err(ResponseError::Sign(e)),
        // `Mismatch`, `NotText`, and any case added later: not valid.
        Err(_) => Err(ResponseError::Mismatch),
    }
}

/// Parses a response body and verifies it, borrowing from the body: [`parse_ref`] then
/// [`verify_ref`]. A typical response is read and checked with a handful of allocations.
pub fn parse_and_verify_ref<'a>(
    bytes: &'a [u8],
    script: &ScriptName,
    secret: &SecretKey,
) -> Result<VerifiedRef<'a>, ResponseError> {
    verify_ref(parse_ref(bytes)?, script, secret)
}
