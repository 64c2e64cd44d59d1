//! The XML 1.0 character and name rules, shared by the parser and the writer so that both accept
//! exactly the same documents.

/// Whether `c` may appear in an XML 1.0 document (the `Char` production):
/// tab, line feed, carriage return, and everything from U+0020 on except U+FFFE and U+FFFF
/// (surrogates are not `char`s).
pub(crate) fn is_xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// The byte offset of the first character of `text` that XML 1.0 does not allow, if any.
///
/// Works on bytes: the C0 controls are single bytes, and U+FFFE / U+FFFF are the only
/// three-byte sequences `EF BF BE` / `EF BF BF`. Most texts are checked without decoding.
pub(crate) fn first_invalid_char(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Skip clean blocks quickly: the test has no early exit inside a block, so it vectorises.
    // A block is suspicious if it holds a C0 control other than tab, LF, CR, or an `EF` byte.
    let mut start = 0;
    for block in bytes.chunks(32) {
        let suspicious = block.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xef)
        });
        if suspicious {
            break;
        }
        start += block.len();
    }
    // No `EF` before `start`, so no three-byte sequence to check straddles it.
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        match b {
            b'\t' | b'\n' | b'\r' => {}
            0x00..=0x1f => return Some(i),
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// What [`survey`] learns of a whole document in one pass.
pub(crate) struct Survey {
    /// The offset of the first character XML 1.0 forbids, as [`first_invalid_char`] finds.
    pub(crate) invalid: Option<usize>,
    /// How many `<` it holds: at least one per element, so a bound on their number.
    pub(crate) markup: usize,
    /// Whether it holds a carriage return.
    pub(crate) has_cr: bool,
}

/// [`first_invalid_char`], the count of `<` and the search for `\r` in one pass over the
/// document, by blocks whose tests have no early exit (so they vectorise).
pub(crate) fn survey(text: &str) -> Survey {
    let bytes = text.as_bytes();
    let mut markup = 0;
    let mut has_cr = false;
    let (blocks, _) = bytes.as_chunks::<32>();
    let mut start = 0;
    for block in blocks {
        let (mut lt, mut cr, mut suspicious) = (0u8, false, false);
        for &b in block {
            lt += u8::from(b == b'<');
            cr |= b == b'\r';
            suspicious |= ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xef);
        }
        if suspicious {
            break;
        }
        markup += usize::from(lt);
        has_cr |= cr;
        start += block.len();
    }
    // The rest byte by byte: the tail, or everything from a suspicious block on (no `EF`
    // before `start`, so no three-byte sequence to check straddles it).
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        match b {
            b'<' => markup += 1,
            b'\r' => has_cr = true,
            b'\t' | b'\n' => {}
            0x00..=0x1f => {
                return Survey {
                    invalid: Some(i),
                    markup,
                    has_cr,
                };
            }
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                return Survey {
                    invalid: Some(i),
                    markup,
                    has_cr,
                };
            }
            _ => {}
        }
    }
    Survey {
        invalid: None,
        markup,
        has_cr,
    }
}

/// Whether `c` may start an XML name (`NameStartChar`, XML 1.0 fifth edition).
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{c0}'..='\u{d6}'
        | '\u{d8}'..='\u{f6}'
        | '\u{f8}'..='\u{2ff}'
        | '\u{370}'..='\u{37d}'
        | '\u{37f}'..='\u{1fff}'
        | '\u{200c}'..='\u{200d}'
        | '\u{2070}'..='\u{218f}'
        | '\u{2c00}'..='\u{2fef}'
        | '\u{3001}'..='\u{d7ff}'
        | '\u{f900}'..='\u{fdcf}'
        | '\u{fdf0}'..='\u{fffd}'
        | '\u{10000}'..='\u{effff}')
}

/// Whether `c` may continue an XML name (`NameChar`).
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{b7}' | '\u{300}'..='\u{36f}' | '\u{203f}'..='\u{2040}')
}

/// For each byte: bit 0 set if it is an ASCII `NameChar`, bit 1 too if it is an ASCII
/// `NameStartChar`; 0 otherwise (including every non-ASCII byte).
const ASCII_NAME: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            3
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether `name` is an XML name made of ASCII only (`pg_payment_id`): a table lookup per
/// byte, eight at a time, folded without a branch per byte (the last partial eight looked up
/// as the eight that end the name). `false` says nothing: a name with other characters may
/// still be one, which [`is_xml_name`] decides.
#[inline(always)]
fn is_ascii_name(name: &[u8]) -> bool {
    let table = |b: u8| ASCII_NAME[usize::from(b)];
    let word = |w: &[u8; 8]| w.iter().fold(1, |all, &b| all & table(b)) != 0;
    let Some(&first) = name.first() else {
        return false;
    };
    table(first) & 2 != 0
        && match name.last_chunk::<8>() {
            Some(last) => {
                let (words, _) = name.as_chunks::<8>();
                words.iter().all(word) && word(last)
            }
            None => name.iter().fold(1, |all, &b| all & table(b)) != 0,
        }
}

/// Whether `name` is an XML 1.0 `Name`: what can stand in `<name>` and `</name>`.
#[inline(always)]
pub(crate) fn is_xml_name(name: &str) -> bool {
    // The common case, `pg_payment_id`, is decided by the ASCII table alone, in line.
    is_ascii_name(name.as_bytes()) || is_unicode_name(name)
}

/// [`is_xml_name`] character by character, for a name the ASCII table does not decide.
#[inline(never)]
fn is_unicode_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if is_name_start_char(first) => chars.all(is_name_char),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_names_and_the_rest_is_left_to_is_xml_name() {
        for len in 1..30 {
            let good = "a".repeat(len);
            assert!(is_ascii_name(good.as_bytes()), "{good}");
            for at in 0..len {
                for c in ["1", "-", ".", "_", ":", "Z", " ", "<", "/", "я", "\u{0}"] {
                    let name = format!("{}{c}{}", &good[..at], &good[at + 1..]);
                    if is_ascii_name(name.as_bytes()) {
                        assert!(is_xml_name(&name), "{name:?}");
                    } else {
                        let ascii_ok = name.bytes().enumerate().all(|(i, b)| {
                            ASCII_NAME[usize::from(b)] & if i == 0 { 2 } else { 1 } != 0
                        });
                        assert!(!ascii_ok, "{name:?}");
                    }
                }
            }
        }
        assert!(!is_ascii_name(b""));
    }

    #[test]
    fn names() {
        for good in [
            "pg_status",
            "a",
            "_x",
            "a-b.c",
            "ns:tag",
            "имя",
            "x·y",
            "A1",
        ] {
            assert!(is_xml_name(good), "{good}");
        }
        for bad in [
            "", "1a", "-a", ".a", "a b", "a<b", "a&b", "a/b", "a>b", "a\"b", "·a", "a\u{0}",
        ] {
            assert!(!is_xml_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn chars() {
        assert_eq!(first_invalid_char("ok\t\n\r текст ]]> \u{10ffff}"), None);
        let long = "<a>\r".repeat(20);
        for text in [
            "ok\t\n\r текст ]]> \u{10ffff}",
            "ab\u{1}",
            "a\u{ffff}",
            &format!("{long}\u{2}"),
            &format!("{long}\u{ef}\u{fffd}\n\t<"),
            &long,
        ] {
            let survey = survey(text);
            assert_eq!(survey.invalid, first_invalid_char(text), "{text:?}");
            if survey.invalid.is_none() {
                assert_eq!(survey.markup, text.matches('<').count(), "{text:?}");
                assert_eq!(survey.has_cr, text.contains('\r'), "{text:?}");
            }
        }
        assert_eq!(first_invalid_char("ab\u{1}"), Some(2));
        assert_eq!(first_invalid_char("a\u{ffff}"), Some(1));
        assert_eq!(first_invalid_char("a\u{fffe}"), Some(1));
        assert_eq!(first_invalid_char("\u{fffd}\u{0}"), Some(3));
        // Past the first block, and at a block boundary.
        let long = "x".repeat(40);
        assert_eq!(first_invalid_char(&format!("{long}\u{2}")), Some(40));
        assert_eq!(
            first_invalid_char(&format!("{}\u{ffff}", "y".repeat(31))),
            Some(31)
        );
        assert_eq!(
            first_invalid_char(&format!("{long}\u{ef}\u{fffd}\n\t")),
            None
        );
        for c in [
            '\u{0}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}',
        ] {
            assert!(!is_xml_char(c));
            assert!(first_invalid_char(c.encode_utf8(&mut [0; 4])).is_some());
        }
        for c in [
            '\t', '\n', '\r', ' ', '\u{7f}', '\u{85}', '\u{d7ff}', '\u{e000}', '\u{fffd}',
        ] {
            assert!(is_xml_char(c));
            assert!(first_invalid_char(c.encode_utf8(&mut [0; 4])).is_none());
        }
    }
}
