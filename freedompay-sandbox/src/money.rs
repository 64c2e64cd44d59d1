//! Amounts as integer minor units (tiyn, tiyin, kopecks): parsed from and written to the
//! decimal strings of the wire, never through a float.

/// The smallest amount the gateway accepts: 0.01.
pub(crate) const MIN_AMOUNT: i64 = 1;
/// The largest amount the gateway accepts: 99 999 999.00.
pub(crate) const MAX_AMOUNT: i64 = 9_999_999_900;

/// Parses a non-negative decimal with at most two fraction digits (`"25"`, `"25.5"`,
/// `"25.50"`) into minor units. Signs, exponents, spaces and a lone `.` are refused.
pub(crate) fn parse_minor(text: &str) -> Option<i64> {
    // One pass: the whole part (1 to 12 digits), then nothing, or `.` and 1 or 2 digits.
    let bytes = text.as_bytes();
    let whole_len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if whole_len == 0 || whole_len > 12 {
        return None;
    }
    let (whole, rest) = bytes.split_at(whole_len);
    // At most 12 digits: no overflow.
    let whole = whole
        .iter()
        .fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'));
    let cents = match rest {
        [] => 0,
        [b'.', fraction @ ..] if matches!(fraction.len(), 1 | 2) => {
            let mut cents = 0;
            for (i, &b) in fraction.iter().enumerate() {
                if !b.is_ascii_digit() {
                    return None;
                }
                let digit = i64::from(b - b'0');
                cents += if i == 0 { digit * 10 } else { digit };
            }
            cents
        }
        _ => return None,
    };
    whole.checked_mul(100)?.checked_add(cents)
}

/// Parses an amount and checks the documented limits (0.01 … 99 999 999).
pub(crate) fn parse_amount(text: &str) -> Option<i64> {
    parse_minor(text).filter(|m| (MIN_AMOUNT..=MAX_AMOUNT).contains(m))
}

/// Formats minor units with two fraction digits: `2500` → `"25.00"`, `-1000` → `"-10.00"`.
pub(crate) fn format_minor(minor: i64) -> String {
    // The longest: a sign, 17 whole digits, `.` and two digits.
    let mut out = String::with_capacity(21);
    push_minor(&mut out, minor);
    out
}

/// Appends minor units as [`format_minor`] writes them (a reply's values, written into one
/// buffer).
pub(crate) fn push_minor(out: &mut String, minor: i64) {
    let abs = minor.unsigned_abs();
    let cents = (abs % 100) as u8;
    if minor < 0 {
        out.push('-');
    }
    out.push_str(itoa::Buffer::new().format(abs / 100));
    out.push('.');
    out.push(char::from(b'0' + cents / 10));
    out.push(char::from(b'0' + cents % 10));
}

/// A string of ASCII bytes written into a buffer, copied once into a string of its size.
pub(crate) fn ascii_string(bytes: &[u8]) -> String {
    // Only ASCII is ever written into these buffers, so this never falls back.
    String::from(std::str::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward reading `parse_minor` must agree with.
    fn parse_minor_reference(text: &str) -> Option<i64> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 12
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (text.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let cents = match fraction.as_bytes() {
            [] => 0,
            [d] => i64::from(d - b'0') * 10,
            [d, e] => i64::from(d - b'0') * 10 + i64::from(e - b'0'),
            _ => return None,
        };
        Some(whole * 100 + cents)
    }

    #[test]
    fn parses_every_short_text_as_the_reference_does() {
        let alphabet = ["0", "1", "9", ".", "-", "+", "e", " ", "а"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let mut longer = Vec::new();
            for text in &texts {
                for c in alphabet {
                    longer.push(format!("{text}{c}"));
                }
            }
            texts.extend(longer);
        }
        texts.extend(["999999999999.99", "9999999999999", "000000000001.5"].map(String::from));
        for text in texts {
            assert_eq!(parse_minor(&text), parse_minor_reference(&text), "{text}");
        }
    }

    #[test]
    fn parses_the_wire_forms() {
        assert_eq!(parse_minor("25"), Some(2500));
        assert_eq!(parse_minor("25.5"), Some(2550));
        assert_eq!(parse_minor("25.05"), Some(2505));
        assert_eq!(parse_minor("0.01"), Some(1));
        for bad in [
            "",
            ".5",
            "5.",
            "-1",
            "+1",
            "1e3",
            "1.234",
            " 1",
            "1,5",
            "99999999999999",
        ] {
            assert_eq!(parse_minor(bad), None, "{bad:?}");
        }
        assert_eq!(parse_amount("0"), None);
        assert_eq!(parse_amount("99999999"), Some(MAX_AMOUNT));
        assert_eq!(parse_amount("99999999.01"), None);
    }

    #[test]
    fn formats_with_two_digits() {
        assert_eq!(format_minor(2500), "25.00");
        assert_eq!(format_minor(5), "0.05");
        assert_eq!(format_minor(-1000), "-10.00");
        assert_eq!(format_minor(0), "0.00");
        for minor in [
            0,
            1,
            9,
            10,
            99,
            100,
            101,
            -1,
            -99,
            -100,
            12_345_678_901,
            i64::MAX,
            i64::MIN,
        ] {
            let abs = minor.unsigned_abs();
            let sign = if minor < 0 { "-" } else { "" };
            let expected = format!("{sign}{}.{:02}", abs / 100, abs % 100);
            assert_eq!(format_minor(minor), expected);
            let mut out = String::from("x");
            push_minor(&mut out, minor);
            assert_eq!(out, format!("x{expected}"));
        }
    }
}
