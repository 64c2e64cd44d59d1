//! `application/x-www-form-urlencoded` and query strings, decoded as PHP's `parse_str` does:
//! pairs split on `&`, name and value split on the first `=`, `+` is a space, `%XX` a byte.

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

/// Percent-decodes one name or value; `+` is a space, a malformed `%` escape stays as is.
fn decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
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
