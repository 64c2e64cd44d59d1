//! `application/x-www-form-urlencoded` and query strings, decoded as PHP's `parse_str` does:
//! pairs split on `&`, name and value split on the first `=`, `+` is a space, `%XX` a byte.

use std::borrow::Cow;

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
        if NAME_BYTE[usize::from(bytes[at])] != NAME_START {
            return None;
        }
        at += 1;
        while at < bytes.len() && NAME_BYTE[usize::from(bytes[at])] != 0 {
            at += 1;
        }
        let name = &input[name_start..at];
        let value = match bytes.get(at) {
            None | Some(b'&') => Cow::Borrowed(""),
            Some(b'=') => {
                let value_start = at + 1;
                let (end, escaped) = value_end(bytes, value_start);
                at = end;
                let value = &input[value_start..end];
                if escaped {
                    Cow::Owned(decode(value.as_bytes()))
                } else {
                    Cow::Borrowed(value)
                }
            }
            // Anything else in a name (`[`, `.`, `%`, a space…): PHP's rules.
            Some(_) => return None,
        };
        if fields.len() == FLAT_MOST || fields.contains(name) {
            return None;
        }
        push(&mut fields, name, value);
    }
    Some(fields)
}

/// Appends a field, its name kept uncopied when it is a usual one ([`known_name`]).
fn push(fields: &mut Fields, name: &str, value: impl Into<String>) {
    match known_name(name) {
        Some(known) => fields.push_static(known, value),
        None => fields.push(name, value),
    };
}

/// `name` as a `'static` text when it is one of the usual request field names, so that a
/// request made of them is decoded without a copy of each name. Found by its length, then
/// compared with the few names of that length, the busiest first.
fn known_name(name: &str) -> Option<&'static str> {
    let candidates: &[&'static str] = match name.len() {
        6 => &["pg_sig"],
        7 => &["pg_salt"],
        9 => &["pg_amount", "pg_param1", "pg_param2", "pg_param3"],
        10 => &["pg_user_id", "pg_user_ip"],
        11 => &["pg_order_id", "pg_currency", "pg_lifetime", "pg_language"],
        12 => &[
            "pg_card_name",
            "pg_post_link",
            "pg_back_link",
            "pg_check_url",
        ],
        13 => &[
            "pg_payment_id",
            "pg_payment_to",
            "pg_result_url",
            "pg_user_phone",
            "pg_card_token",
        ],
        14 => &[
            "pg_merchant_id",
            "pg_description",
            "pg_success_url",
            "pg_failure_url",
        ],
        15 => &["pg_testing_mode"],
        17 => &["pg_request_method"],
        18 => &["pg_idempotency_key"],
        21 => &["pg_user_contact_email"],
        _ => &[],
    };
    candidates.iter().copied().find(|&known| known == name)
}

/// [`NAME_BYTE`] of a byte that may start a plain name: a letter or `_`.
const NAME_START: u8 = 2;

/// For each byte: [`NAME_START`] for a letter or `_`, 1 for a digit, 0 for anything that
/// cannot be in a plain name.
const NAME_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            NAME_START
        } else if c.is_ascii_digit() {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Where the value that starts at `from` ends (at the next `&`, or the end of the input), and
/// whether it holds a `+` or `%` to decode. Eight bytes at a time: a byte equal to `&` (or to
/// `+`, `%`) is found as a zero byte of the word xor that byte repeated; the lowest byte so
/// flagged is always a real one (a false flag needs a real zero byte below it).
fn value_end(bytes: &[u8], from: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let repeated = |b: u8| ONES * u64::from(b);
    let mut at = from;
    let mut escaped = false;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*word);
        let amp = zero_bytes(w ^ repeated(b'&'));
        let esc = zero_bytes(w ^ repeated(b'+')) | zero_bytes(w ^ repeated(b'%'));
        if amp != 0 {
            // The first `&` is byte `n` of the word (little-endian: the lowest flag).
            let n = amp.trailing_zeros() / 8;
            let before = (1u64 << (8 * n)) - 1;
            return (at + n as usize, escaped || esc & before != 0);
        }
        escaped |= esc != 0;
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'&' {
            break;
        }
        escaped |= matches!(b, b'+' | b'%');
        at += 1;
    }
    (at, escaped)
}

/// Percent-decodes one name or value; `+` is a space, a malformed `%` escape stays as is.
fn decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        // What has nothing to decode, up to the next `+` or `%`, is copied at once.
        let plain = input[i..]
            .iter()
            .position(|&b| b == b'+' || b == b'%')
            .map_or(input.len(), |n| i + n);
        out.extend_from_slice(&input[i..plain]);
        i = plain;
        match input.get(i) {
            None => break,
            Some(b'+') => out.push(b' '),
            Some(_) => match (input.get(i + 1), input.get(i + 2)) {
                (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                },
                _ => out.push(b'%'),
            },
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
    fn usual_names_are_kept_uncopied_and_others_copied() {
        let names = [
            "pg_merchant_id",
            "pg_salt",
            "pg_sig",
            "pg_amount",
            "pg_order_id",
            "pg_description",
            "pg_payment_id",
            "pg_payment_to",
            "pg_currency",
            "pg_user_id",
            "pg_card_name",
            "pg_post_link",
            "pg_back_link",
            "pg_result_url",
            "pg_check_url",
            "pg_success_url",
            "pg_failure_url",
            "pg_testing_mode",
            "pg_user_phone",
            "pg_user_contact_email",
            "pg_idempotency_key",
            "pg_lifetime",
            "pg_language",
            "pg_card_token",
            "pg_request_method",
            "pg_user_ip",
            "pg_param1",
            "pg_param2",
            "pg_param3",
        ];
        for name in names {
            assert_eq!(known_name(name), Some(name));
            assert_eq!(known_name(&name[1..]), None);
            assert_eq!(known_name(&format!("{name}x")[1..]), None);
        }
        assert_eq!(known_name(""), None);
        assert_eq!(known_name("pg_amounT"), None);
        let fields = parse_flat(b"pg_amount=1&pg_other=2&pg_description=a+b").unwrap();
        let mut expected = Fields::new();
        expected
            .push("pg_amount", "1")
            .push("pg_other", "2")
            .push("pg_description", "a b");
        assert_eq!(fields, expected);
    }

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
