//! Writing a message tree as an XML document: merchant replies to callbacks, and requests in
//! `pg_xml` mode.

use std::slice;

use freedompay_sign::{Field, Fields, Level, Node, Value};

use crate::chars::{first_invalid_char, is_xml_name};
use crate::{WriteError, WriteErrorKind};

/// The root element of FreedomPay responses and of merchant replies.
pub const RESPONSE_ROOT: &str = "response";
/// The root element of a request sent in XML mode (the `pg_xml` form field).
pub const REQUEST_ROOT: &str = "request";

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// Writes a message tree as an XML document with a `<response>` root: the form of a merchant's
/// reply to a check, result, refund or capture callback.
///
/// The output is `<?xml version="1.0" encoding="utf-8"?>`, a line feed, and the root element
/// with no whitespace between elements, so that [`parse`](crate::parse) reads back exactly
/// the same tree and the same signature. Texts are written as they are: `&`, `<` and `>` are
/// escaped, a carriage return is written `&#13;` (a literal one would read back as a line
/// feed), everything else, tabs, line feeds and leading or trailing spaces included, is kept.
///
/// Refused, with a [`WriteError`] naming the place: names that are not XML names, lists (XML
/// has same-name siblings instead: push several fields with one name into a map), empty maps,
/// and texts holding characters XML 1.0 cannot carry (most C0 controls).
///
/// ```
/// use freedompay_sign::{Fields, ScriptName, SecretKey, sign};
///
/// let mut reply = Fields::new();
/// reply.push("pg_status", "ok").push("pg_description", "Order paid").push("pg_salt", "xyz");
/// let script = ScriptName::new("result")?;
/// let sig = sign(&script, &reply, &SecretKey::new("TESTSECRET")?)?;
/// reply.push("pg_sig", sig.as_str());
///
/// assert_eq!(
///     freedompay_xml::write(&reply)?,
///     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_status>ok</pg_status>\
///      <pg_description>Order paid</pg_description><pg_salt>xyz</pg_salt>\
///      <pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(fields: &Fields) -> Result<String, WriteError> {
    // The root is a constant known to be a name: not checked again.
    write_fields(RESPONSE_ROOT, fields)
}

/// Writes a message tree as an XML document with the given root element, such as
/// [`REQUEST_ROOT`] for the `pg_xml` field of a request; see [`write()`].
pub fn write_with_root(root: &str, fields: &Fields) -> Result<String, WriteError> {
    check_root(root)?;
    write_fields(root, fields)
}

/// Writes a message tree held in another form than [`Fields`] (any [`Level`], the trait
/// [`sign_tree`](freedompay_sign::sign_tree) signs) as an XML document with a `<response>`
/// root: exactly the bytes [`write()`] gives for the same tree, with the same escaping and the
/// same refusals (a list, an empty map, a name that is not an XML name, a character XML 1.0
/// cannot carry), each with the same [`WriteError`]. Nested maps are written as nested
/// elements, as [`write()`] does.
///
/// For a reply put together without a [`Fields`] tree: the names and texts stay where they
/// are, and the document is written once, into a string of its size.
///
/// ```
/// use freedompay_sign::{Fields, Level, Node};
///
/// /// A flat message as a slice of pairs.
/// #[derive(Clone, Copy)]
/// struct Pairs<'a>(&'a [(&'a str, &'a str)]);
///
/// impl<'a> Level<'a> for Pairs<'a> {
///     fn len(self) -> usize { self.0.len() }
///     fn name(self, index: usize) -> &'a str { self.0[index].0 }
///     fn value(self, index: usize) -> Node<'a, Self> { Node::Text(self.0[index].1) }
/// }
///
/// let pairs = [("pg_status", "ok"), ("pg_description", "Fish & chips")];
/// let mut fields = Fields::new();
/// fields.push("pg_status", "ok").push("pg_description", "Fish & chips");
///
/// let xml = freedompay_xml::write_tree(Pairs(&pairs))?;
/// assert_eq!(xml, freedompay_xml::write(&fields)?);
/// assert_eq!(
///     xml,
///     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_status>ok</pg_status>\
///      <pg_description>Fish &amp; chips</pg_description></response>"
/// );
/// # Ok::<(), freedompay_xml::WriteError>(())
/// ```
pub fn write_tree<'a, L: Level<'a>>(level: L) -> Result<String, WriteError> {
    write_level(RESPONSE_ROOT, level)
}

/// [`write_tree`] with the given root element, as [`write_with_root`] for a [`Fields`] tree.
pub fn write_tree_with_root<'a, L: Level<'a>>(root: &str, level: L) -> Result<String, WriteError> {
    check_root(root)?;
    write_level(root, level)
}

/// Refuses a root that is not an XML name.
fn check_root(root: &str) -> Result<(), WriteError> {
    if is_xml_name(root) {
        Ok(())
    } else {
        Err(WriteError::new(
            WriteErrorKind::InvalidName,
            root.escape_debug().to_string(),
        ))
    }
}

/// The text of entry `index` of a level, if it is one.
#[inline(always)]
fn text_of<'a, L: Level<'a>>(level: L, index: usize) -> Option<&'a str> {
    match level.value(index) {
        Node::Text(text) => Some(text),
        Node::Map(_) | Node::List(_) => None,
    }
}

/// Writes a [`Fields`] tree once `root` is known to be an XML name. The walk of
/// [`write_level`], over the fields themselves (cheaper than by index); the same helpers write
/// and check every name and text.
fn write_fields(root: &str, fields: &Fields) -> Result<String, WriteError> {
    let tags = |name: &str| 2 * name.len() + "<></>".len();
    // A flat tree (texts only: nearly every reply) is written in one pass into a buffer of its
    // size unless a text needs escaping, without the stack below.
    let flat = fields.iter().try_fold(0, |size, field| {
        Some(size + tags(field.name()) + field.text()?.len())
    });
    let mut out =
        String::with_capacity(DECLARATION.len() + tags(root) + flat.unwrap_or(48 * fields.len()));
    out.push_str(DECLARATION);
    open_tag(&mut out, root);
    if flat.is_some() {
        for field in fields {
            let name = field.name();
            let text = field.text().unwrap_or_default();
            if !is_xml_name(name) {
                let name = name.escape_debug().to_string();
                return Err(flat_error(WriteErrorKind::InvalidName, root, &name));
            }
            open_tag(&mut out, name);
            if all_plain(text.as_bytes()) {
                out.push_str(text);
            } else if escape_slowly(&mut out, text).is_err() {
                return Err(flat_error(WriteErrorKind::InvalidChar, root, name));
            }
            close_tag(&mut out, name);
        }
        close_tag(&mut out, root);
        return Ok(out);
    }

    // Open elements: their names and what is left of their fields. An explicit stack rather
    // than recursion: a tree built in code may be arbitrarily deep.
    let mut stack: Vec<(&str, slice::Iter<'_, Field>)> = vec![(root, fields.iter())];
    while let Some((_, rest)) = stack.last_mut() {
        let Some(field) = rest.next() else {
            if let Some((name, _)) = stack.pop() {
                close_tag(&mut out, name);
            }
            continue;
        };
        let open = || stack.iter().map(|(name, _)| *name);
        let name = field.name();
        if !is_xml_name(name) {
            let name = name.escape_debug().to_string();
            return Err(error_at(WriteErrorKind::InvalidName, open(), &name));
        }
        match field.value() {
            Value::Text(text) => {
                open_tag(&mut out, name);
                if escape_into(&mut out, text).is_err() {
                    return Err(error_at(WriteErrorKind::InvalidChar, open(), name));
                }
                close_tag(&mut out, name);
            }
            Value::Map(map) if map.is_empty() => {
                return Err(error_at(WriteErrorKind::EmptyMap, open(), name));
            }
            Value::Map(map) => {
                open_tag(&mut out, name);
                stack.push((name, map.iter()));
            }
            Value::List(_) => return Err(error_at(WriteErrorKind::List, open(), name)),
        }
    }
    Ok(out)
}

/// Writes a level once `root` is known to be an XML name.
fn write_level<'r, 'a: 'r, L: Level<'a>>(root: &'r str, level: L) -> Result<String, WriteError> {
    let tags = |name: &str| 2 * name.len() + "<></>".len();
    let len = level.len();
    // A flat tree (texts only: nearly every reply) is written in one pass into a buffer of its
    // size unless a text needs escaping, without the stack below.
    let flat = (0..len).try_fold(0, |size, index| {
        Some(size + tags(level.name(index)) + text_of(level, index)?.len())
    });
    let mut out = String::with_capacity(DECLARATION.len() + tags(root) + flat.unwrap_or(48 * len));
    out.push_str(DECLARATION);
    open_tag(&mut out, root);
    if flat.is_some() {
        for index in 0..len {
            let name = level.name(index);
            let text = text_of(level, index).unwrap_or_default();
            if !is_xml_name(name) {
                let name = name.escape_debug().to_string();
                return Err(flat_error(WriteErrorKind::InvalidName, root, &name));
            }
            open_tag(&mut out, name);
            if all_plain(text.as_bytes()) {
                out.push_str(text);
            } else if escape_slowly(&mut out, text).is_err() {
                return Err(flat_error(WriteErrorKind::InvalidChar, root, name));
            }
            close_tag(&mut out, name);
        }
        close_tag(&mut out, root);
        return Ok(out);
    }

    // Open elements: their names, their levels and the index of the next entry to write. An
    // explicit stack rather than recursion: a tree built in code may be arbitrarily deep.
    let mut stack: Vec<(&'r str, L, usize)> = vec![(root, level, 0)];
    while let Some((_, level, next)) = stack.last_mut() {
        let (level, index) = (*level, *next);
        if index >= level.len() {
            if let Some((name, _, _)) = stack.pop() {
                close_tag(&mut out, name);
            }
            continue;
        }
        *next += 1;
        let name = level.name(index);
        if !is_xml_name(name) {
            return Err(error(
                WriteErrorKind::InvalidName,
                &stack,
                &name.escape_debug().to_string(),
            ));
        }
        match level.value(index) {
            Node::Text(text) => {
                open_tag(&mut out, name);
                if escape_into(&mut out, text).is_err() {
                    return Err(error(WriteErrorKind::InvalidChar, &stack, name));
                }
                close_tag(&mut out, name);
            }
            Node::Map(map) if map.is_empty() => {
                return Err(error(WriteErrorKind::EmptyMap, &stack, name));
            }
            Node::Map(map) => {
                open_tag(&mut out, name);
                stack.push((name, map, 0));
            }
            Node::List(_) => return Err(error(WriteErrorKind::List, &stack, name)),
        }
    }
    Ok(out)
}

// In line, also where a crate's own `Level` instantiates the writer.
#[inline]
fn open_tag(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

#[inline]
fn close_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An error at the field named `last` (already escaped if need be) inside the open elements.
fn error<L>(kind: WriteErrorKind, stack: &[(&str, L, usize)], last: &str) -> WriteError {
    error_at(kind, stack.iter().map(|(name, _, _)| *name), last)
}

/// An error at the field named `last` under the elements named `open`, outermost first.
fn error_at<'s>(
    kind: WriteErrorKind,
    open: impl Iterator<Item = &'s str>,
    last: &str,
) -> WriteError {
    let mut path = String::new();
    for name in open {
        path.push_str(name);
        path.push('/');
    }
    path.push_str(last);
    WriteError::new(kind, path)
}

/// [`error`] for a field of a flat tree, directly under the root.
#[cold]
fn flat_error(kind: WriteErrorKind, root: &str, last: &str) -> WriteError {
    error_at(kind, std::iter::once(root), last)
}

/// For each byte, whether a text holding only such bytes is written exactly as it is: not
/// `&`, `<`, `>` (escaped), nor a C0 control (a carriage return is escaped, tab and line feed
/// are kept but go the slow way, the others are refused), nor `EF`, which may begin U+FFFE or
/// U+FFFF. Every other byte, ASCII or part of a UTF-8 sequence, needs nothing.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b >= 0x20 && !matches!(b as u8, b'&' | b'<' | b'>' | 0xef);
        b += 1;
    }
    table
};

/// Whether every byte of `bytes` is [`PLAIN`]: eight lookups at a time, folded without a
/// branch per byte; the last (partial) eight bytes of a text of eight or more are looked up
/// as the eight that end the text, overlapping the eight before.
#[inline(always)]
fn all_plain(bytes: &[u8]) -> bool {
    let plain = |b: u8| PLAIN[usize::from(b)];
    let word = |w: &[u8; 8]| w.iter().fold(true, |all, &b| all & plain(b));
    match bytes.last_chunk::<8>() {
        Some(last) => {
            let (words, _) = bytes.as_chunks::<8>();
            words.iter().all(word) && word(last)
        }
        None => bytes.iter().fold(true, |all, &b| all & plain(b)),
    }
}

/// Appends `text` as element content. Fails, leaving `out` partly written, on a character
/// XML 1.0 cannot carry.
fn escape_into(out: &mut String, text: &str) -> Result<(), ()> {
    // Nearly every text (amounts, ids, dates, salts, signatures) has nothing to escape or
    // refuse: it is copied at once.
    if all_plain(text.as_bytes()) {
        out.push_str(text);
        return Ok(());
    }
    escape_slowly(out, text)
}

/// [`escape_into`] for a text with something to escape or refuse (or a tab or line feed).
#[cold]
#[inline(never)]
fn escape_slowly(out: &mut String, text: &str) -> Result<(), ()> {
    if first_invalid_char(text).is_some() {
        return Err(());
    }
    let mut done = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            // `>` only needs escaping in `]]>`; escaping every one is simpler and as valid.
            b'>' => "&gt;",
            // XML turns a literal CR (alone or before LF) into LF when reading.
            b'\r' => "&#13;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&text[done..i]);
        out.push_str(escaped);
        done = i + 1;
    }
    out.push_str(&text[done..]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`escape_into`] writes without its fast path.
    fn escaped_slowly(text: &str) -> Option<String> {
        if first_invalid_char(text).is_some() {
            return None;
        }
        Some(
            text.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\r', "&#13;"),
        )
    }

    #[test]
    fn every_length_and_place_of_a_byte_to_escape_is_seen() {
        for len in 0..40 {
            let clean = "a".repeat(len);
            assert!(all_plain(clean.as_bytes()), "{len}");
            for at in 0..len {
                for bad in ["&", "<", ">", "\r", "\t", "\u{1}"] {
                    let text = format!("{}{bad}{}", &clean[..at], &clean[at + 1..]);
                    assert!(!all_plain(text.as_bytes()), "{text:?}");
                    let mut out = String::new();
                    let fast = escape_into(&mut out, &text).ok().map(|()| out);
                    assert_eq!(fast, escaped_slowly(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn the_fast_path_writes_what_the_slow_one_does() {
        let mut texts: Vec<String> = (0u32..0x300)
            .chain([0xfffd, 0xfffe, 0xffff, 0xefbf, 0x10000])
            .filter_map(char::from_u32)
            .map(|c| format!("0123456{c}89abcdef{c}"))
            .collect();
        texts.extend(
            ["", "2024-09-02 12:19:01", "Kq3PzT0mYb8xWc1N", "a\u{ffff}b"].map(String::from),
        );
        for text in &texts {
            let mut out = String::new();
            let fast = escape_into(&mut out, text).ok().map(|()| out);
            assert_eq!(fast, escaped_slowly(text), "{text:?}");
        }
    }
}
