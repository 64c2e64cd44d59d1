//! Bounds on what the parser accepts, so that a hostile or broken peer cannot make a server
//! spend unbounded time or memory on one document.

/// Bounds checked while parsing. The defaults fit every FreedomPay response with a wide margin.
///
/// The size is checked before anything is read, so an oversized body is refused in constant
/// time; the other limits are checked as the document is read, so a hostile document is
/// refused as soon as it crosses one, without building the rest of its tree.
///
/// ```
/// use freedompay_xml::{Limits, ParseErrorKind, parse_with};
///
/// let mut limits = Limits::default();
/// limits.max_depth = 2;
/// let err = parse_with(b"<response><a><b>1</b></a></response>", &limits).unwrap_err();
/// assert_eq!(err.kind(), ParseErrorKind::TooDeep);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest document accepted, in bytes. Default 1 MiB (a status response is about
    /// 1 KB; a QR code in `pg_redirect_qr` a few KB).
    pub max_bytes: usize,
    /// The deepest nesting of elements, the root counting as 1. Default 32 (FreedomPay uses
    /// three levels: `response/pg_refund_payments/pg_refund_payment`). Values above
    /// [`Limits::MAX_DEPTH`] count as that.
    pub max_depth: usize,
    /// The most elements in one document, the root included. Default 10,000.
    pub max_elements: usize,
    /// The longest single value in bytes, after entities are decoded. Default 256 KiB.
    pub max_text_bytes: usize,
}

impl Limits {
    /// The deepest nesting any [`Limits`] allows, whatever `max_depth` says: the message tree
    /// is dropped, cloned and compared recursively, so a tree must stay shallow enough for
    /// any thread's stack. The signer refuses trees deeper than 64 levels anyway.
    pub const MAX_DEPTH: usize = 256;

    /// The default limits, usable in `const` context.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 1024 * 1024,
        max_depth: 32,
        max_elements: 10_000,
        max_text_bytes: 256 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
