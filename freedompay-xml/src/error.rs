//! Errors of reading and writing XML documents.
//!
//! None of them holds document text: responses carry card numbers, names and amounts, and an
//! error ends up in logs. They say what went wrong and where (a byte offset, or a path of
//! element names).

use core::fmt;

/// Why a document was refused by [`parse`](crate::parse).
///
/// It tells the [kind](ParseErrorKind) of problem, the byte offset in the input where it was
/// found, and for limit errors the limit that was exceeded. Its `Display` never shows the
/// document's text.
///
/// ```
/// use freedompay_xml::{ParseErrorKind, parse};
///
/// let err = parse(b"<response><pg_status>ok</pg_status>").unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::UnexpectedEof);
/// assert_eq!(err.to_string(), "XML input ended early (truncated document) at byte 35");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    position: usize,
    limit: Option<usize>,
    detail: &'static str,
}

/// The kind of a [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is larger than [`Limits::max_bytes`](crate::Limits::max_bytes); refused before
    /// reading any of it.
    TooLarge,
    /// Elements nest deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    TooDeep,
    /// More elements than [`Limits::max_elements`](crate::Limits::max_elements).
    TooManyElements,
    /// One value is longer than [`Limits::max_text_bytes`](crate::Limits::max_text_bytes).
    TextTooLong,
    /// The input is not valid UTF-8 (FreedomPay answers in UTF-8).
    NotUtf8,
    /// The XML declaration names an encoding other than UTF-8.
    UnsupportedEncoding,
    /// The document has a `<!DOCTYPE>`: refused, since a DTD can define entities that expand
    /// without bound ("billion laughs") and gateway responses have none.
    Doctype,
    /// An entity reference other than the five predefined ones (`&lt;` `&gt;` `&amp;`
    /// `&apos;` `&quot;`) or a character reference.
    UnknownEntity,
    /// A character reference (`&#...;`) that is malformed or names a character XML 1.0 does
    /// not allow.
    InvalidCharRef,
    /// A character XML 1.0 does not allow (a control character such as U+0001).
    InvalidChar,
    /// An element name that is not an XML name.
    InvalidName,
    /// The input ends inside the document: an unclosed element, tag, comment, CDATA section,
    /// reference or UTF-8 sequence. The usual sign of a truncated body.
    UnexpectedEof,
    /// The input is not well-formed XML (mismatched end tag, broken markup, lone `&`...).
    Malformed,
    /// There is no root element.
    NoRoot,
    /// A second element after the root element was closed.
    MultipleRoots,
    /// Text, CDATA or a reference outside the root element.
    TextOutsideRoot,
}

impl ParseError {
    pub(crate) const fn new(kind: ParseErrorKind, position: usize) -> Self {
        Self {
            kind,
            position,
            limit: None,
            detail: "",
        }
    }

    pub(crate) const fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    pub(crate) const fn with_detail(mut self, detail: &'static str) -> Self {
        self.detail = detail;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The byte offset in the input where the problem was found (for [`TooLarge`], the limit:
    /// the first byte beyond it).
    ///
    /// [`TooLarge`]: ParseErrorKind::TooLarge
    pub fn position(&self) -> usize {
        self.position
    }

    /// For the limit errors, the limit that was exceeded.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseErrorKind::TooLarge => "XML document too large",
            ParseErrorKind::TooDeep => "XML elements nested too deep",
            ParseErrorKind::TooManyElements => "too many XML elements",
            ParseErrorKind::TextTooLong => "XML value too long",
            ParseErrorKind::NotUtf8 => "XML input is not valid UTF-8",
            ParseErrorKind::UnsupportedEncoding => {
                "XML declaration names an encoding other than UTF-8"
            }
            ParseErrorKind::Doctype => "XML DOCTYPE refused",
            ParseErrorKind::UnknownEntity => {
                "unknown XML entity (only the five predefined ones are accepted)"
            }
            ParseErrorKind::InvalidCharRef => "invalid XML character reference",
            ParseErrorKind::InvalidChar => "character not allowed in XML",
            ParseErrorKind::InvalidName => "invalid XML element name",
            ParseErrorKind::UnexpectedEof => "XML input ended early (truncated document)",
            ParseErrorKind::Malformed => "malformed XML",
            ParseErrorKind::NoRoot => "XML document has no root element",
            ParseErrorKind::MultipleRoots => "XML document has more than one root element",
            ParseErrorKind::TextOutsideRoot => "text outside the XML root element",
        })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.position)?;
        if let Some(limit) = self.limit {
            write!(f, " (limit {limit})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Why a message tree could not be written as XML by [`write`](crate::write).
///
/// It names the element where writing stopped as a `/`-separated path of element names
/// starting at the root (`response/pg_refund_payments`); the values are never shown.
///
/// ```
/// use freedompay_sign::Fields;
/// use freedompay_xml::{WriteErrorKind, write};
///
/// let mut fields = Fields::new();
/// fields.push("pg_status", "ok").push("pg_description", "bell \u{7}");
/// let err = write(&fields).unwrap_err();
/// assert_eq!(err.kind(), WriteErrorKind::InvalidChar);
/// assert_eq!(err.path(), "response/pg_description");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    kind: WriteErrorKind,
    path: String,
}

/// The kind of a [`WriteError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteErrorKind {
    /// A name that cannot be an XML element name (empty, starting with a digit, containing
    /// spaces or markup characters...).
    InvalidName,
    /// A [`Value::List`](freedompay_sign::Value::List): FreedomPay's XML has no documented
    /// form for lists (it has same-name siblings instead, which are fields of a map).
    List,
    /// An empty [`Value::Map`](freedompay_sign::Value::Map): it would be written `<a></a>`,
    /// which reads back as an empty text and signs differently.
    EmptyMap,
    /// A text holding a character XML 1.0 cannot carry at all, even escaped (U+0000–U+0008,
    /// U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF).
    InvalidChar,
}

impl WriteError {
    pub(crate) fn new(kind: WriteErrorKind, path: String) -> Self {
        Self { kind, path }
    }

    /// What went wrong.
    pub fn kind(&self) -> WriteErrorKind {
        self.kind
    }

    /// Where: element names from the root down to the offending element, `/`-separated. For
    /// [`InvalidName`](WriteErrorKind::InvalidName) the last segment is the offending name,
    /// escaped with Rust's `escape_debug`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for WriteErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteErrorKind::InvalidName => "the name is not a valid XML element name",
            WriteErrorKind::List => "a list has no XML form (use same-name fields in a map)",
            WriteErrorKind::EmptyMap => {
                "an empty nested map has no XML form distinct from an empty text"
            }
            WriteErrorKind::InvalidChar => "the text holds a character XML 1.0 cannot carry",
        })
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write XML at `{}`: {}", self.path, self.kind)
    }
}

impl std::error::Error for WriteError {}
