//! Reading an XML document into the message tree.
//!
//! quick-xml's event reader does the tokenising; this module decides what the events mean for
//! FreedomPay messages and enforces the limits. The tree is built with an explicit stack of
//! open elements, never by recursion, so no input can exhaust the call stack.

use std::borrow::Cow;

use freedompay_sign::Fields;
use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesText, Event};

use crate::borrowed::{DocumentRef, Entry, EntryValue};
use crate::chars::{is_xml_char, is_xml_name, survey};
use crate::flat;
use crate::{Limits, ParseError, ParseErrorKind};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A parsed XML document: the root element's name and its content as a message tree.
///
/// * Child elements become fields in document order; same-name siblings stay separate fields
///   (`<pg_refund_payment>` twice is two fields named `pg_refund_payment`).
/// * An element with child elements becomes a [`Value::Map`](freedompay_sign::Value::Map); an element without becomes a
///   [`Value::Text`](freedompay_sign::Value::Text) holding its text exactly as sent: leading and trailing spaces kept,
///   entities, character references and CDATA decoded, line ends normalised to `\n` as XML
///   requires. An empty element (`<a/>`, `<a></a>`) is an empty text.
/// * An element with both child elements and text (mixed content) keeps only its children: the
///   reference verifier, PHP `SimpleXML` in `PG_Signature::makeFlatParamsXML`, flattens the
///   children of such an element and never reads its text, so that text is not signed and is
///   not kept. Whitespace between elements is dropped the same way.
/// * Attributes, comments and processing instructions are ignored. Element names are kept as
///   written, namespace prefix included (FreedomPay uses no namespaces; PHP `SimpleXML` would
///   leave prefixed elements out of the signature).
///
/// The root element's name is not part of the tree (FreedomPay uses `<response>`, its
/// documentation also shows `<root>`, and requests in `pg_xml` mode use `<request>`).
///
/// Like [`Fields`], its `Debug` output shows names and shapes but no text.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    pub(crate) root_name: String,
    pub(crate) fields: Fields,
    pub(crate) root_text: Option<String>,
}

impl Document {
    /// A document built in code, as [`parse`] would return it for
    /// `write_with_root(root_name, &fields)`: when `fields` is empty, the root's text is empty.
    ///
    /// ```
    /// use freedompay_sign::Fields;
    /// use freedompay_xml::{Document, parse, write};
    ///
    /// let mut fields = Fields::new();
    /// fields.push("pg_status", "ok");
    /// let doc = Document::new("response", fields.clone());
    /// assert_eq!(parse(write(&fields)?.as_bytes())?, doc);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(root_name: impl Into<String>, fields: Fields) -> Self {
        let root_text = if fields.is_empty() {
            Some(String::new())
        } else {
            None
        };
        Self {
            root_name: root_name.into(),
            fields,
            root_text,
        }
    }

    /// The name of the root element (`response`, `root`, `request`...).
    pub fn root_name(&self) -> &str {
        &self.root_name
    }

    /// The root element's children as a message tree (empty when it has none).
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The text of the first top-level field with this name, when it is a leaf.
    ///
    /// ```
    /// let doc = freedompay_xml::parse(b"<response><pg_status>ok</pg_status></response>")?;
    /// assert_eq!(doc.text("pg_status"), Some("ok"));
    /// # Ok::<(), freedompay_xml::ParseError>(())
    /// ```
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.text(name)
    }

    /// The root element's own text when it has no child elements, `None` when it has some.
    ///
    /// FreedomPay's documentation shows one reply of this shape,
    /// `<?xml version="1.0" encoding="UTF-8"?><pg_status>ok</pg_status>`: its root is
    /// `pg_status`, its fields are empty and its root text is `ok`.
    pub fn root_text(&self) -> Option<&str> {
        self.root_text.as_deref()
    }

    /// The message tree, without the root's name.
    pub fn into_fields(self) -> Fields {
        self.fields
    }
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("Document");
        s.field("root_name", &self.root_name)
            .field("fields", &self.fields);
        if let Some(text) = &self.root_text {
            s.field("root_text", &format_args!("<{} bytes>", text.len()));
        }
        s.finish()
    }
}

/// Parses an XML document (a FreedomPay response, or a merchant reply) with the default
/// [`Limits`].
///
/// The document must be UTF-8 (a UTF-8 byte order mark is allowed) with exactly one root
/// element of any name; see [`Document`] for how elements map to the tree. A `<!DOCTYPE>`,
/// entities other than the five predefined ones, characters XML 1.0 forbids, and an XML
/// declaration naming another encoding are refused. Every failure is a [`ParseError`] with
/// the byte position; no input makes this function panic.
///
/// ```
/// use freedompay_xml::parse;
///
/// let doc = parse(br#"<?xml version="1.0" encoding="utf-8"?>
/// <response>
///   <pg_status>ok</pg_status>
///   <pg_description> Caf&#233; &amp; <![CDATA[<bar>]]> </pg_description>
///   <pg_refund_payments>
///     <pg_refund_payment><pg_amount>-10</pg_amount></pg_refund_payment>
///     <pg_refund_payment><pg_amount>-5</pg_amount></pg_refund_payment>
///   </pg_refund_payments>
/// </response>"#)?;
///
/// assert_eq!(doc.root_name(), "response");
/// assert_eq!(doc.text("pg_description"), Some(" Café & <bar> "));
/// let refunds = doc.fields().get("pg_refund_payments").and_then(|v| v.as_map()).unwrap();
/// assert_eq!(refunds.get_all("pg_refund_payment").count(), 2);
/// # Ok::<(), freedompay_xml::ParseError>(())
/// ```
pub fn parse(bytes: &[u8]) -> Result<Document, ParseError> {
    parse_with(bytes, &Limits::DEFAULT)
}

/// Parses the value of a `pg_xml` form field: the whole message of a callback (or request)
/// sent in FreedomPay's XML mode, as one form field holding an XML document.
///
/// This is [`parse`] on the field's (already form-decoded) text; the document's fields are
/// then verified like a response, with your callback URL's last path segment as the script
/// name.
///
/// ```
/// use freedompay_xml::parse_pg_xml;
///
/// let doc = parse_pg_xml("<request><pg_order_id>42</pg_order_id><pg_salt>s</pg_salt></request>")?;
/// assert_eq!(doc.root_name(), "request");
/// assert_eq!(doc.text("pg_order_id"), Some("42"));
/// # Ok::<(), freedompay_xml::ParseError>(())
/// ```
pub fn parse_pg_xml(value: &str) -> Result<Document, ParseError> {
    parse(value.as_bytes())
}

/// Parses an XML document with explicit [`Limits`]; see [`parse`].
pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    parse_ref_with(bytes, limits).map(DocumentRef::into_document)
}

/// Parses an XML document into a [`DocumentRef`] that borrows its names and texts from
/// `bytes`, with the default [`Limits`]: the same checks and the same tree as [`parse`],
/// without a string per name and per text.
///
/// ```
/// let doc = freedompay_xml::parse_ref(b"<response><pg_status>ok</pg_status></response>")?;
/// assert_eq!(doc.text("pg_status"), Some("ok"));
/// # Ok::<(), freedompay_xml::ParseError>(())
/// ```
pub fn parse_ref(bytes: &[u8]) -> Result<DocumentRef<'_>, ParseError> {
    parse_ref_with(bytes, &Limits::DEFAULT)
}

/// [`parse_ref`] with explicit [`Limits`].
pub fn parse_ref_with<'a>(bytes: &'a [u8], limits: &Limits) -> Result<DocumentRef<'a>, ParseError> {
    parse_ref_inner(bytes, limits, true)
}

/// [`parse_ref_with`] without the fast path for flat documents, to compare the two.
#[cfg(test)]
pub(crate) fn parse_ref_general<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<DocumentRef<'a>, ParseError> {
    parse_ref_inner(bytes, limits, false)
}

fn parse_ref_inner<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    fast: bool,
) -> Result<DocumentRef<'a>, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::new(ParseErrorKind::TooLarge, limits.max_bytes)
            .with_limit(limits.max_bytes));
    }
    // The BOM is removed here rather than by quick-xml, which would not count it in positions.
    let (offset, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, bytes),
    };
    if body.starts_with(UTF8_BOM) {
        // quick-xml would silently drop this second mark too; it is text before the root.
        return Err(ParseError::new(ParseErrorKind::TextOutsideRoot, offset));
    }
    // Validating the whole input at once gives the exact position of a bad byte.
    let text = std::str::from_utf8(body).map_err(|e| {
        // `error_len() == None`: the input ends inside a character, as a truncated body does.
        let kind = match e.error_len() {
            None => ParseErrorKind::UnexpectedEof,
            Some(_) => ParseErrorKind::NotUtf8,
        };
        ParseError::new(kind, offset + e.valid_up_to())
    })?;
    // A reply of plain elements and texts, the usual case, is read and checked in one scan;
    // anything else (or anything the fast path is unsure of) by the general parser.
    let entries = if fast {
        match flat::parse(text, limits) {
            Ok(document) => return Ok(document),
            Err(entries) => entries,
        }
    } else {
        Vec::new()
    };
    // XML 1.0 forbids these characters anywhere in a document, markup and comments included.
    let survey = survey(text);
    if let Some(i) = survey.invalid {
        return Err(ParseError::new(ParseErrorKind::InvalidChar, offset + i));
    }
    Builder::new(limits, offset, survey.has_cr, survey.markup, entries).run(text)
}

/// An element whose end tag has not been read yet.
struct Open<'a> {
    name: &'a str,
    /// Where its children start in `Builder::pending`.
    first_child: usize,
    /// The text so far; borrowed from the input in the usual case of one text event.
    text: Cow<'a, str>,
    has_children: bool,
}

struct Builder<'a, 'l> {
    limits: &'l Limits,
    /// Added to the reader's positions, which do not count a byte order mark.
    offset: usize,
    /// Whether the input holds a carriage return at all; without one, line-end
    /// normalisation has nothing to do and each text's own scan for it is skipped.
    has_cr: bool,
    stack: Vec<Open<'a>>,
    /// The closed children of every open element, one run per element in stack order: a
    /// map's run moves to `entries` in one piece when it closes.
    pending: Vec<Entry<'a>>,
    /// The arena: every closed map's children, contiguous.
    entries: Vec<Entry<'a>>,
    elements: usize,
    root: Option<DocumentRef<'a>>,
    /// Where the text not yet given to the innermost open element starts in the input:
    /// the end of the last event.
    gap: usize,
}

impl<'a, 'l> Builder<'a, 'l> {
    /// `markup`: how many `<` the document holds, at least one per element: room for all
    /// of them up front, so that the arena is allocated once. `entries` is an empty buffer
    /// for the arena, if one was allocated already.
    fn new(
        limits: &'l Limits,
        offset: usize,
        has_cr: bool,
        markup: usize,
        mut entries: Vec<Entry<'a>>,
    ) -> Self {
        let most = markup.min(limits.max_elements);
        entries.reserve(most);
        Self {
            limits,
            offset,
            has_cr,
            stack: Vec::with_capacity(8),
            pending: Vec::with_capacity(most),
            entries,
            elements: 0,
            root: None,
            gap: 0,
        }
    }

    fn at(&self, position: u64) -> usize {
        self.offset
            .saturating_add(usize::try_from(position).unwrap_or(usize::MAX))
    }

    fn run(mut self, text: &'a str) -> Result<DocumentRef<'a>, ParseError> {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        // Whitespace between elements makes no event: texts are read from the input itself,
        // from the end of one event to the start of the next (see `flush`).
        config.trim_text_start = true;
        config.trim_text_end = false;
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.allow_dangling_amp = false;
        config.allow_unmatched_ends = false;

        let end = self.at(text.len() as u64);
        loop {
            let before = reader.buffer_position();
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let error_at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                    let rest = text.get(error_at..).unwrap_or("");
                    let at_end = self.at(reader.buffer_position()) >= end;
                    return Err(convert_error(
                        &e,
                        self.at(reader.error_position()),
                        rest,
                        at_end,
                    ));
                }
            };
            if let Event::Text(_) = event {
                if self.stack.is_empty() {
                    // Whitespace makes no event, so this text is not whitespace.
                    return Err(ParseError::new(
                        ParseErrorKind::TextOutsideRoot,
                        self.at(before),
                    ));
                }
                // The text runs up to the next markup, where the reader now stands.
                let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                self.flush(text, after)?;
                self.gap = after;
                continue;
            }
            // Where this event's markup starts: a start or end tag is found from its name, a
            // slice of the input; the others after the whitespace the reader skipped.
            let from = usize::try_from(before).unwrap_or(usize::MAX);
            let tag = match &event {
                Event::Start(start) => offset_in(text, start.name().as_ref(), 1),
                Event::End(end) => offset_in(text, end.name().as_ref(), 2),
                _ => None,
            };
            let markup = tag.filter(|&at| at >= from).unwrap_or_else(|| {
                from + text
                    .as_bytes()
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    .count()
            });
            let at = self.offset + markup;
            if !self.stack.is_empty() {
                self.flush(text, markup)?;
            }
            // The frequent events here, the others in `other_event`: three arms and a default
            // branch predictably, where one jump table over every kind would not.
            match event {
                Event::Start(start) => {
                    let name = self.element(text, start.name().as_ref(), at)?;
                    self.stack.push(Open {
                        name,
                        first_child: self.pending.len(),
                        text: Cow::Borrowed(""),
                        has_children: false,
                    });
                }
                Event::End(_) => {
                    // quick-xml has checked that the end tag matches the open element.
                    let Some(open) = self.stack.pop() else {
                        return Err(ParseError::new(ParseErrorKind::Malformed, at)
                            .with_detail("end tag without a start tag"));
                    };
                    let value = if open.has_children {
                        let start = self.entries.len();
                        self.entries.extend(self.pending.drain(open.first_child..));
                        EntryValue::Map {
                            start,
                            end: self.entries.len(),
                        }
                    } else {
                        EntryValue::Text(open.text)
                    };
                    self.add(open.name, value);
                }
                other => {
                    if let Some(document) = self.other_event(other, text, at, end, markup == 0)? {
                        return Ok(document);
                    }
                }
            }
            self.gap = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        }
    }

    /// Every event but a start tag, an end tag and text: what a document holds once or rarely.
    /// Returns the document at its end.
    #[inline(never)]
    fn other_event(
        &mut self,
        event: Event<'a>,
        text: &'a str,
        at: usize,
        end: usize,
        first: bool,
    ) -> Result<Option<DocumentRef<'a>>, ParseError> {
        match event {
            Event::Decl(decl) => {
                if !first {
                    return Err(ParseError::new(ParseErrorKind::Malformed, at)
                        .with_detail("XML declaration not at the start of the document"));
                }
                // The usual declaration, byte for byte, needs no parsing of its attributes.
                const USUAL: [&str; 2] = [
                    r#"<?xml version="1.0" encoding="utf-8"?>"#,
                    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                ];
                let at_raw = at - self.offset;
                if USUAL
                    .iter()
                    .any(|usual| text.get(at_raw..at_raw + usual.len()) == Some(usual))
                {
                    return Ok(None);
                }
                match decl.encoding() {
                    None => {}
                    Some(Ok(encoding))
                        if encoding.eq_ignore_ascii_case("utf-8")
                            || encoding.eq_ignore_ascii_case("utf8") => {}
                    Some(Ok(_)) => {
                        return Err(ParseError::new(ParseErrorKind::UnsupportedEncoding, at));
                    }
                    Some(Err(_)) => {
                        return Err(ParseError::new(ParseErrorKind::Malformed, at)
                            .with_detail("broken XML declaration"));
                    }
                }
            }
            Event::Empty(start) => {
                let name = self.element(text, start.name().as_ref(), at)?;
                self.add(name, EntryValue::Text(Cow::Borrowed("")));
            }
            Event::CData(content) => {
                if self.stack.is_empty() {
                    return Err(ParseError::new(ParseErrorKind::TextOutsideRoot, at));
                }
                let content = if self.has_cr {
                    content.xml10_content()
                } else {
                    content.into_inner()
                };
                self.append(content, at)?;
            }
            Event::GeneralRef(reference) => {
                if self.stack.is_empty() {
                    return Err(ParseError::new(ParseErrorKind::TextOutsideRoot, at));
                }
                let decoded: Cow<'a, str> = match reference.resolve_char_ref() {
                    Ok(Some(c)) if is_xml_char(c) => Cow::Owned(c.to_string()),
                    Ok(Some(_)) | Err(_) => {
                        return Err(ParseError::new(ParseErrorKind::InvalidCharRef, at));
                    }
                    Ok(None) => Cow::Borrowed(match &*reference {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "apos" => "'",
                        "quot" => "\"",
                        _ => return Err(ParseError::new(ParseErrorKind::UnknownEntity, at)),
                    }),
                };
                self.append(decoded, at)?;
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => return Err(ParseError::new(ParseErrorKind::Doctype, at)),
            Event::Eof => {
                if !self.stack.is_empty() {
                    return Err(ParseError::new(ParseErrorKind::UnexpectedEof, end));
                }
                return self
                    .root
                    .take()
                    .map(Some)
                    .ok_or(ParseError::new(ParseErrorKind::NoRoot, end));
            }
            // Handled by the caller.
            Event::Start(_) | Event::End(_) | Event::Text(_) => {}
        }
        Ok(None)
    }

    /// Gives the input from `self.gap` to `to` to the innermost open element as text (line
    /// ends normalised), unless it already has children.
    fn flush(&mut self, text: &'a str, to: usize) -> Result<(), ParseError> {
        let from = self.gap;
        if to <= from || self.has_children() {
            return Ok(());
        }
        let Some(raw) = text.get(from..to) else {
            return Err(ParseError::new(
                ParseErrorKind::Malformed,
                self.offset + from,
            ));
        };
        let content = if self.has_cr {
            BytesText::from_escaped(raw).xml10_content()
        } else {
            Cow::Borrowed(raw)
        };
        self.append(content, self.offset + from)
    }

    /// Whether the innermost open element already has children (its text is then dropped).
    fn has_children(&self) -> bool {
        self.stack.last().is_some_and(|open| open.has_children)
    }

    /// Checks a new element against the limits and returns its name, borrowed from `text`.
    fn element(&mut self, text: &'a str, name: &str, at: usize) -> Result<&'a str, ParseError> {
        if self.root.is_some() {
            return Err(ParseError::new(ParseErrorKind::MultipleRoots, at));
        }
        // The reader reads from `text`, so the name is a slice of it: find where.
        let from = (name.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let name = match text.get(from..from.wrapping_add(name.len())) {
            Some(slice) if slice.as_ptr() == name.as_ptr() => slice,
            _ => {
                return Err(ParseError::new(ParseErrorKind::Malformed, at)
                    .with_detail("element name not found in the input"));
            }
        };
        if !is_xml_name(name) {
            return Err(ParseError::new(ParseErrorKind::InvalidName, at + 1));
        }
        let max_depth = self.limits.max_depth.min(Limits::MAX_DEPTH);
        if self.stack.len() >= max_depth {
            return Err(ParseError::new(ParseErrorKind::TooDeep, at).with_limit(max_depth));
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(ParseError::new(ParseErrorKind::TooManyElements, at)
                .with_limit(self.limits.max_elements));
        }
        Ok(name)
    }

    /// Adds a closed element to its parent, or makes it the root.
    fn add(&mut self, name: &'a str, value: EntryValue<'a>) {
        match self.stack.last_mut() {
            Some(parent) => {
                if !parent.has_children {
                    parent.has_children = true;
                    // Children win over text (see `Document`).
                    parent.text = Cow::Borrowed("");
                }
                self.pending.push(Entry { name, value });
            }
            None => {
                let (root, root_text) = match value {
                    EntryValue::Map { start, end } => ((start, end), None),
                    EntryValue::Text(text) => ((0, 0), Some(text)),
                };
                self.root = Some(DocumentRef {
                    root_name: name,
                    entries: std::mem::take(&mut self.entries),
                    root,
                    root_text,
                });
            }
        }
    }

    /// Appends decoded text to the open element, unless it already has children.
    fn append(&mut self, content: Cow<'a, str>, at: usize) -> Result<(), ParseError> {
        let max = self.limits.max_text_bytes;
        let Some(open) = self.stack.last_mut() else {
            return Err(ParseError::new(ParseErrorKind::TextOutsideRoot, at));
        };
        if open.has_children || content.is_empty() {
            return Ok(());
        }
        if open.text.len().saturating_add(content.len()) > max {
            return Err(ParseError::new(ParseErrorKind::TextTooLong, at).with_limit(max));
        }
        if open.text.is_empty() {
            open.text = content;
        } else {
            open.text.to_mut().push_str(&content);
        }
        Ok(())
    }
}

/// Where `slice`, a slice of `text`, starts in it, less `before` (the bytes of markup before
/// a name: `<` or `</`); `None` if it is not a slice of `text`.
fn offset_in(text: &str, slice: &str, before: usize) -> Option<usize> {
    let at = (slice.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    (at <= text.len()).then(|| at.checked_sub(before)).flatten()
}

/// Maps a quick-xml error to ours, keeping nothing of the document. `rest` is the input from
/// the error's position on; `at_end` tells whether the reader got to the end of the input.
fn convert_error(error: &XmlError, position: usize, rest: &str, at_end: bool) -> ParseError {
    use ParseErrorKind::{InvalidCharRef, Malformed, NotUtf8, UnexpectedEof, UnknownEntity};
    let (kind, detail) = match error {
        // `<!` cut short of `<!--`, `<![CDATA[` or `<!DOCTYPE`.
        XmlError::Syntax(SyntaxError::InvalidBangMarkup)
            if ["<!--", "<![CDATA[", "<!DOCTYPE"]
                .iter()
                .any(|m| m.starts_with(rest)) =>
        {
            (UnexpectedEof, "unclosed markup")
        }
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => (Malformed, "unknown `<!` markup"),
        // Every other syntax error is a construct left open at the end of the input.
        XmlError::Syntax(_) => (UnexpectedEof, "unclosed markup"),
        XmlError::IllFormed(IllFormedError::UnclosedReference) if at_end => {
            (UnexpectedEof, "unclosed reference")
        }
        XmlError::IllFormed(IllFormedError::UnclosedReference) => {
            (Malformed, "`&` not starting a reference (write it `&amp;`)")
        }
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { .. }) => {
            (Malformed, "end tag does not match the open element")
        }
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(_)) => {
            (Malformed, "end tag without a start tag")
        }
        XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => {
            (UnexpectedEof, "unclosed element")
        }
        XmlError::IllFormed(IllFormedError::MissingDoctypeName) => {
            (Malformed, "DOCTYPE without a name")
        }
        XmlError::IllFormed(
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion,
        ) => (Malformed, "broken XML declaration"),
        XmlError::IllFormed(_) => (Malformed, ""),
        XmlError::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(..)) => {
            (UnknownEntity, "")
        }
        XmlError::Escape(_) => (InvalidCharRef, ""),
        XmlError::Encoding(_) => (NotUtf8, ""),
        _ => (Malformed, ""),
    };
    ParseError::new(kind, position).with_detail(detail)
}
