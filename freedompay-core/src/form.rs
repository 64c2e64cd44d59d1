//! `application/x-www-form-urlencoded` with PHP bracket notation, both ways.
//!
//! Requests are encoded from the same [`Fields`] tree that is signed, so the signature covers
//! exactly the strings on the wire: `pg_receipt_positions[0][name]=Mouse+pad`. Callbacks
//! from FreedomPay are decoded the way its PHP side decodes them (`parse_str`): `+` is a
//! space, brackets nest, a repeated name replaces the earlier value in place.

use core::fmt;
use core::fmt::Write as _;

use freedompay_sign::{Fields, Value};

/// Encodes a tree as a form body or query string.
///
/// Names keep their brackets readable (`a[0][b]`); everything else outside `A-Z a-z 0-9 - . _ ~`
/// is percent-encoded, spaces as `+`.
///
/// ```
/// use freedompay_core::form;
/// use freedompay_sign::Fields;
///
/// let mut position = Fields::new();
/// position.push("count", "2").push("name", "Mouse pad");
/// let mut fields = Fields::new();
/// fields.push("pg_amount", "1500").push_list("pg_receipt_positions", [position]);
/// assert_eq!(
///     form::encode(&fields),
///     "pg_amount=1500&pg_receipt_positions[0][count]=2&pg_receipt_positions[0][name]=Mouse+pad"
/// );
/// ```
pub fn encode(fields: &Fields) -> String {
    encode_reserving(fields, 0)
}

/// [`encode`], with room for `extra` more bytes (what the caller appends).
pub(crate) fn encode_reserving(fields: &Fields, extra: usize) -> String {
    // Sized for the text as it is: one allocation unless some of it needs escaping.
    let mut out = String::with_capacity(
        fields
            .iter()
            .map(|f| len_hint(f.name().len(), f.value()))
            .sum::<usize>()
            + extra,
    );
    let mut name = String::new();
    for field in fields {
        match field.value() {
            // A top-level text (most fields): written straight, without the name buffer.
            Value::Text(text) => {
                if !out.is_empty() {
                    out.push('&');
                }
                escape_into(&mut out, field.name());
                out.push('=');
                escape_into(&mut out, text);
            }
            value => {
                name.clear();
                escape_into(&mut name, field.name());
                encode_value(&mut out, &mut name, value);
            }
        }
    }
    out
}

/// The length of a value's `name=value&` pairs if nothing needs escaping (`name` is the
/// length of its name so far).
fn len_hint(name: usize, value: &Value) -> usize {
    match value {
        Value::Text(text) => name + text.len() + 2,
        Value::Map(map) => map
            .iter()
            .map(|f| len_hint(name + f.name().len() + 2, f.value()))
            .sum(),
        Value::List(items) => items.iter().map(|item| len_hint(name + 4, item)).sum(),
    }
}

fn encode_value(out: &mut String, name: &mut String, value: &Value) {
    match value {
        Value::Text(text) => {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            escape_into(out, text);
        }
        Value::Map(map) => {
            for field in map {
                let len = name.len();
                name.push('[');
                escape_into(name, field.name());
                name.push(']');
                encode_value(out, name, field.value());
                name.truncate(len);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = name.len();
                // Writing to a `String` cannot fail.
                let _ = write!(name, "[{i}]");
                encode_value(out, name, item);
                name.truncate(len);
            }
        }
    }
}

/// The bytes kept as they are: `A-Z a-z 0-9 - . _ ~`.
const KEPT: [bool; 256] = {
    let mut kept = [false; 256];
    let mut b = 0;
    while b < 256 {
        kept[b] =
            matches!(b as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    kept
};

/// Keeps `A-Z a-z 0-9 - . _ ~`, writes a space as `+` and percent-encodes every other byte;
/// runs of kept characters are copied at once.
fn escape_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut kept = 0;
    while let Some(run) = bytes[kept..].iter().position(|&b| !KEPT[usize::from(b)]) {
        let i = kept + run;
        if run > 0 {
            // `kept..i` is ASCII that was kept, so both ends are character boundaries.
            out.push_str(&text[kept..i]);
        }
        let b = bytes[i];
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        kept = i + 1;
    }
    // Kept ASCII from `kept` on (or nothing): a character boundary.
    out.push_str(&text[kept..]);
}

/// Why a form body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// A name or value is not UTF-8 after percent-decoding.
    NotUtf8,
    /// More than [`MAX_FIELDS`] pairs.
    TooManyFields,
    /// Brackets nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FormError::NotUtf8 => "the form is not UTF-8 after percent-decoding",
            FormError::TooManyFields => "the form has too many fields",
            FormError::TooDeep => "the form's bracket names are nested too deeply",
        })
    }
}

impl std::error::Error for FormError {}

/// The most `name=value` pairs [`decode`] accepts.
pub const MAX_FIELDS: usize = 10_000;
/// The deepest bracket nesting [`decode`] accepts.
pub const MAX_DEPTH: usize = 32;

/// A node of PHP's ordered arrays while decoding.
enum Node {
    Text(String),
    Map(Vec<(String, Node)>, u64),
}

/// Decodes a form body or query string (without the `?`) the way PHP's `parse_str` does.
///
/// Pairs without a name are skipped; `a[]` appends; a repeated name replaces the earlier value
/// where it stood. Nested keys that are `0, 1, 2, …` in order become a list.
///
/// ```
/// use freedompay_core::form;
///
/// let fields = form::decode(b"pg_salt=abc&pg_description=Order+7%21&items[0][name]=Cable")?;
/// assert_eq!(fields.text("pg_description"), Some("Order 7!"));
/// let items = fields.get("items").and_then(|v| v.as_list()).unwrap();
/// assert_eq!(items[0].as_map().and_then(|m| m.text("name")), Some("Cable"));
/// # Ok::<(), freedompay_core::form::FormError>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Fields, FormError> {
    let mut pairs = Vec::new();
    for pair in input.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        if pairs.len() == MAX_FIELDS {
            return Err(FormError::TooManyFields);
        }
        let (raw_name, raw_value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let name = String::from_utf8(unescape(raw_name)).map_err(|_| FormError::NotUtf8)?;
        let value = String::from_utf8(unescape(raw_value)).map_err(|_| FormError::NotUtf8)?;
        pairs.push((name, value));
    }
    decode_pairs(pairs)
}

/// Builds the tree from decoded `(name, value)` pairs the way PHP does (`$_POST` of an
/// urlencoded or a multipart body): brackets nest, `a[]` appends, a repeated name replaces.
pub(crate) fn decode_pairs(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<Fields, FormError> {
    let mut root: Vec<(String, Node)> = Vec::new();
    let mut root_next = 0u64;
    let mut count = 0usize;
    for (name, value) in pairs {
        count += 1;
        if count > MAX_FIELDS {
            return Err(FormError::TooManyFields);
        }
        let (base, segments) = split_name(&name);
        if base.is_empty() {
            continue;
        }
        if segments.len() > MAX_DEPTH {
            return Err(FormError::TooDeep);
        }
        insert(&mut root, &mut root_next, base, &segments, value);
    }
    Ok(to_fields(root))
}

/// `a[b][]` → ("a", ["b", ""]). A name whose brackets do not close is taken whole, with its
/// first `[` turned into `_`, as PHP does.
fn split_name(name: &str) -> (String, Vec<String>) {
    let name = name.trim_start_matches(' ');
    let Some(open) = name.find('[') else {
        return (php_base(name), Vec::new());
    };
    let base = &name[..open];
    let mut segments = Vec::new();
    let mut rest = &name[open..];
    while let Some(after) = rest.strip_prefix('[') {
        match after.find(']') {
            Some(close) => {
                segments.push(after[..close].to_owned());
                rest = &after[close + 1..];
            }
            None => {
                if segments.is_empty() {
                    let mut whole = php_base(base);
                    whole.push('_');
                    whole.push_str(after);
                    return (whole, Vec::new());
                }
                break;
            }
        }
    }
    (php_base(base), segments)
}

/// PHP turns `.` and space in a top-level name into `_`.
fn php_base(base: &str) -> String {
    base.chars()
        .map(|c| if c == '.' || c == ' ' { '_' } else { c })
        .collect()
}

fn insert(
    level: &mut Vec<(String, Node)>,
    next_index: &mut u64,
    key: String,
    rest: &[String],
    value: String,
) {
    let key = if key.is_empty() {
        let k = next_index.to_string();
        *next_index += 1;
        k
    } else {
        if let Ok(n) = key.parse::<u64>()
            && n >= *next_index
            && key == n.to_string()
        {
            *next_index = n + 1;
        }
        key
    };
    match rest.split_first() {
        None => match level.iter_mut().find(|(k, _)| *k == key) {
            Some((_, node)) => *node = Node::Text(value),
            None => level.push((key, Node::Text(value))),
        },
        Some((first, tail)) => {
            let position = match level.iter().position(|(k, _)| *k == key) {
                Some(p) => p,
                None => {
                    level.push((key, Node::Map(Vec::new(), 0)));
                    level.len() - 1
                }
            };
            let node = &mut level[position].1;
            if matches!(node, Node::Text(_)) {
                *node = Node::Map(Vec::new(), 0);
            }
            if let Node::Map(children, next) = node {
                insert(children, next, first.clone(), tail, value);
            }
        }
    }
}

fn to_fields(level: Vec<(String, Node)>) -> Fields {
    let mut fields = Fields::with_capacity(level.len());
    for (name, node) in level {
        fields.push_value(name, to_value(node));
    }
    fields
}

fn to_value(node: Node) -> Value {
    match node {
        Node::Text(text) => Value::Text(text),
        Node::Map(children, _) => {
            let sequential = children
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == i.to_string());
            if sequential && !children.is_empty() {
                Value::List(children.into_iter().map(|(_, n)| to_value(n)).collect())
            } else {
                Value::Map(to_fields(children))
            }
        }
    }
}

/// Percent-decoding with `+` as space; a `%` not followed by two hex digits stays as it is.
fn unescape(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time escaping that `escape_into` copies runs of.
    fn reference_escape(text: &str) -> String {
        let mut out = String::new();
        for &b in text.as_bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }

    #[test]
    fn escaping_keeps_runs_and_escapes_multibyte_characters_whole() {
        for text in [
            "",
            "abc",
            "é",
            "éé",
            "a é b",
            "Заказ №7",
            "x~y.z-_",
            "100%",
            "a+b&c=d",
        ] {
            let mut out = String::new();
            escape_into(&mut out, text);
            assert_eq!(out, reference_escape(text), "{text}");
        }
    }

    #[test]
    fn list_indexes_and_nested_names() {
        let mut position = Fields::new();
        position.push("na me", "Коврик");
        let mut fields = Fields::new();
        fields
            .push("pg_amount", "10")
            .push_list("items", [position.clone(), position]);
        assert_eq!(
            encode(&fields),
            "pg_amount=10&items[0][na+me]=%D0%9A%D0%BE%D0%B2%D1%80%D0%B8%D0%BA\
             &items[1][na+me]=%D0%9A%D0%BE%D0%B2%D1%80%D0%B8%D0%BA"
        );
    }

    proptest! {
        #[test]
        fn escaping_is_the_byte_at_a_time_escaping(text in "\\PC{0,40}") {
            let mut out = String::from("x");
            escape_into(&mut out, &text);
            prop_assert_eq!(&out[1..], reference_escape(&text));
        }
    }
}
