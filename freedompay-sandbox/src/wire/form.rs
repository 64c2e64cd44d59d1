//! `application/x-www-form-urlencoded` and query strings, decoded as PHP's `parse_str` does:
//! pairs split on `&`, name and value split on the first `=`, `+` is a space, `%XX` a byte.

use freedompay_sign::Fields;

/// The pairs of a urlencoded body or query string, names and values decoded, in order.
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` is a name with an empty value.
/// Bytes that are not UTF-8 after decoding are replaced (the signature then fails, as it
/// would for a client that sent them).
pub(crate) fn parse_urlencoded(input: &[u8]) -> Vec<(String, String)> {
    input
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(eq) => (&piece[..eq], &piece[eq + 1..]),
                None => (piece, &[][..]),
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// The most fields [`parse_flat`] decodes; a longer form goes to [`parse_urlencoded`].
pub(crate) const FLAT_MOST: usize = 64;

/// The message of a urlencoded body or query string whose names are all plain and distinct
/// (`pg_amount`: a letter or `_`, then letters, digits and `_`, as sent, without escapes),
/// decoded straight into the tree in one pass, each value copied once: what nearly every
/// request is. `None` for anything else (brackets, dots, spaces, an escaped or a repeated
/// name, more than [`FLAT_MOST`] fields), which [`parse_urlencoded`] and PHP's array rules
/// read. For a form it accepts, the tree is the one those would give.
pub(crate) fn parse_flat(input: &[u8]) -> Option<Fields> {
    // A form is ASCII nearly always: checked once as a whole (what is not UTF-8 goes to
    // `parse_urlencoded`, which replaces bad bytes), names and plain values are then taken as
    // they are, without a check of their own.
    let input = std::str::from_utf8(input).ok()?;
    let bytes = input.as_bytes();
    // An upper bound of the pieces (empty ones are skipped), so the list never grows.
    let pieces = bytes.iter().map(|&b| usize::from(b == b'&')).sum::<usize>() + 1;
    let mut fields = Fields::with_capacity(pieces.min(FLAT_MOST));
    // One pass over the bytes: a name up to `=` or `&`, then a value up to `&`.
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'&' {
            at += 1;
            continue;
        }
        let name_start = at;
        if !(bytes[at].is_ascii_alphabetic() || bytes[at] == b'_') {
            return None;
        }
        while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
            at += 1;
        }
        let name = &input[name_start..at];
        // Whether the value has a `+` or `%` to decode.
        let mut escaped = false;
        let value = match bytes.get(at) {
            None | Some(b'&') => "",
            Some(b'=') => {
                at += 1;
                let value_start = at;
                while at < bytes.len() && bytes[at] != b'&' {
                    escaped |= matches!(bytes[at], b'+' | b'%');
                    at += 1;
                }
                &input[value_start..at]
            }
            // Anything else in a name (`[`, `.`, `%`, a space…): PHP's rules.
            Some(_) => return None,
        };
        if fields.len() == FLAT_MOST || fields.contains(name) {
            return None;
        }
        let value = if escaped {
            decode(value.as_bytes())
        } else {
            value.to_owned()
        };
        fields.push(name, value);
    }
    Some(fields)
}

/// Percent-decodes one name or value; `+` is a space, a malformed `%` escape stays as is.
fn decode(input: &[u8]) -> String {
    // Most values have nothing to decode up to their end: that part is copied at once.
    let plain = input
        .iter()
        .position(|&b| b == b'+' || b == b'%')
        .unwrap_or(input.len());
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..plain]);
    let mut i = plain;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    // Valid UTF-8 (nearly always) is taken as it is, without a copy.
    String::from_utf8(out)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
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

    #[test]
    fn decodes_like_parse_str() {
        let pairs = parse_urlencoded(b"a=1+2&b=%D0%B0%26&&c&d=%zz&e=%4");
        assert_eq!(
            pairs,
            [
                ("a".into(), "1 2".into()),
                ("b".into(), "а&".into()),
                ("c".into(), String::new()),
                ("d".into(), "%zz".into()),
                ("e".into(), "%4".into()),
            ]
        );
        assert_eq!(
            parse_urlencoded(b"x%5B0%5D=y"),
            [("x[0]".into(), "y".into())]
        );
    }
}
