//! `application/x-www-form-urlencoded` and query strings, decoded as PHP's `parse_str` does:
//! pairs split on `&`, name and value split on the first `=`, `+` is a space, `%XX` a byte.

use std::borrow::Cow;

use freedompay_sign::{Fields, Level, Node};

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
/// decoded straight into the tree, each value copied once: what nearly every request is.
/// `None` for anything else (brackets, dots, spaces, an escaped or a repeated name, more than
/// [`FLAT_MOST`] fields), which [`parse_urlencoded`] and PHP's array rules read. For a form it
/// accepts, the tree is the one those would give.
#[cfg(test)]
pub(crate) fn parse_flat(input: &[u8]) -> Option<Fields> {
    parse_flat_form(input).map(FlatForm::into_fields)
}

/// [`parse_flat`] without the tree: the same form, its names and values borrowed from the
/// input (an escaped value decoded), for a request that needs no tree of its own.
pub(crate) fn parse_flat_form(input: &[u8]) -> Option<FlatForm<'_>> {
    // A form is ASCII nearly always: checked once as a whole (what is not UTF-8 goes to
    // `parse_urlencoded`, which replaces bad bytes), names and plain values are then taken as
    // they are, without a check of their own.
    let input = std::str::from_utf8(input).ok()?;
    let bytes = input.as_bytes();
    let mut form = FlatForm {
        // Room for every field of a usual form (a field and its `&` take more than 16 bytes
        // nearly always), so that the list seldom grows.
        entries: Vec::with_capacity((bytes.len() / 16 + 2).min(FLAT_MOST)),
        places: [NOT_KNOWN; KNOWN_NAMES],
    };
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'&' {
            at += 1;
            continue;
        }
        if form.entries.len() == FLAT_MOST {
            return None;
        }
        // A name up to `=` or `&`, then a value up to `&`.
        let name_end = name_end(bytes, at);
        let name = &input[at..name_end];
        let name = match known_id(name.as_bytes()) {
            Some(id) => {
                // A usual name met before: PHP's rules.
                let place = form.places.get_mut(usize::from(id))?;
                if *place != NOT_KNOWN {
                    return None;
                }
                // At most `FLAT_MOST` (64) fields: below `NOT_KNOWN`.
                *place = form.entries.len() as u8;
                Name::Known(KNOWN.get(usize::from(id))?)
            }
            None => {
                // Anything else in a name (`[`, `.`, `%`, a space…), or a name already met:
                // PHP's rules.
                let repeated = || {
                    form.entries
                        .iter()
                        .any(|(other, _)| matches!(other, Name::Other(o) if *o == name))
                };
                if !plain(name.as_bytes()) || repeated() {
                    return None;
                }
                Name::Other(name)
            }
        };
        let value = match bytes.get(name_end) {
            Some(b'=') => {
                let (end, escaped) = value_end(bytes, name_end + 1);
                let value = &input[name_end + 1..end];
                at = end;
                if !escaped {
                    Cow::Borrowed(value)
                } else if !value.contains('%') {
                    // Only `+` to make spaces (a `load+test+payout` description): byte for
                    // byte, what is UTF-8 stays so.
                    Cow::Owned(value.replace('+', " "))
                } else {
                    Cow::Owned(decode(value.as_bytes()))
                }
            }
            _ => {
                at = name_end;
                Cow::Borrowed("")
            }
        };
        form.entries.push((name, value));
    }
    Some(form)
}

/// A form read by [`parse_flat_form`]: its fields in order, names and values borrowed from
/// it (an escaped value decoded), with the place of each usual name.
pub(crate) struct FlatForm<'a> {
    entries: Vec<(Name<'a>, Cow<'a, str>)>,
    /// For each usual name (by its place in [`KNOWN`]), the place of its field in `entries`,
    /// [`NOT_KNOWN`] when the form has none.
    places: [u8; KNOWN_NAMES],
}

/// A field name of a [`FlatForm`]: a usual one, or another borrowed from the form.
#[derive(Clone, Copy)]
enum Name<'a> {
    Known(&'static str),
    Other(&'a str),
}

impl<'a> Name<'a> {
    fn as_str(self) -> &'a str {
        match self {
            Name::Known(name) => name,
            Name::Other(name) => name,
        }
    }
}

impl<'a> FlatForm<'a> {
    /// Whether the form has no field.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The tree [`parse_flat`] gives: each value copied once, usual names uncopied.
    pub(crate) fn into_fields(self) -> Fields {
        let mut fields = Fields::with_capacity(self.entries.len());
        for (name, value) in self.entries {
            match name {
                Name::Known(name) => fields.push_static(name, value),
                Name::Other(name) => fields.push(name, value),
            };
        }
        fields
    }

    /// The same tree as [`FlatForm::into_fields`], the form kept.
    pub(crate) fn to_fields(&self) -> Fields {
        let mut fields = Fields::with_capacity(self.entries.len());
        for (name, value) in &self.entries {
            match *name {
                Name::Known(name) => fields.push_static(name, value.as_ref()),
                Name::Other(name) => fields.push(name, value.as_ref()),
            };
        }
        fields
    }

    /// The value of the usual name at place `place` of [`KNOWN`], if the form has it.
    pub(crate) fn known(&self, place: u8) -> Option<&str> {
        let at = *self.places.get(usize::from(place))?;
        self.entries
            .get(usize::from(at))
            .map(|(_, value)| value.as_ref())
    }
}

impl<'b> Level<'b> for &'b FlatForm<'_> {
    fn len(self) -> usize {
        self.entries.len()
    }

    fn name(self, index: usize) -> &'b str {
        self.entries
            .get(index)
            .map_or("", |(name, _)| name.as_str())
    }

    fn value(self, index: usize) -> Node<'b, Self> {
        Node::Text(
            self.entries
                .get(index)
                .map_or("", |(_, value)| value.as_ref()),
        )
    }
}

/// A slot of [`KNOWN_SLOTS`], or a place of [`FlatForm`]'s, without a name or field.
const NOT_KNOWN: u8 = u8::MAX;

/// Whether a name is plain: a letter or `_`, then letters, digits and `_`.
fn plain(name: &[u8]) -> bool {
    match name.split_first() {
        Some((&first, rest)) => {
            NAME_BYTE[usize::from(first)] == NAME_START
                && rest.iter().all(|&b| NAME_BYTE[usize::from(b)] != 0)
        }
        None => false,
    }
}

/// The usual request field names, kept as `'static` texts when a form is decoded (a request
/// made of them is decoded without a copy of each name; a repeated one is found by its place
/// in [`FlatForm`]). Fewer than [`NOT_KNOWN`], of 4 bytes or more.
const KNOWN: [&str; 32] = [
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
    "pg_xml",
    "pg_user_email",
    "pg_order_time_limit",
];

/// The slots of the table of [`KNOWN`] names (a power of two, `1 << SLOT_BITS`).
const SLOT_BITS: u32 = 7;

/// A name's slot in [`KNOWN_SLOTS`]: its last eight bytes (four for a shorter name) and its
/// length, mixed by one multiplication. Names of fewer than four bytes all go to slot 0.
const fn slot(name: &[u8]) -> usize {
    let tail = match name.last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last),
        None => match name.last_chunk::<4>() {
            Some(last) => u32::from_le_bytes(*last) as u64,
            None => 0,
        },
    };
    let key = tail ^ ((name.len() as u64) << 56);
    (key.wrapping_mul(0xbe3e_dc0a_1ef2_a4f1) >> (64 - SLOT_BITS)) as usize
}

/// For each slot, the place in [`KNOWN`] of the name that has it, [`NOT_KNOWN`] for none.
/// Built at compile time, which fails if two names share a slot (the multiplier of [`slot`]
/// must then change).
const KNOWN_SLOTS: [u8; 1 << SLOT_BITS] = {
    assert!(KNOWN.len() < NOT_KNOWN as usize);
    let mut table = [NOT_KNOWN; 1 << SLOT_BITS];
    let mut i = 0;
    while i < KNOWN.len() {
        assert!(KNOWN[i].len() >= 4, "a known name has four bytes or more");
        let at = slot(KNOWN[i].as_bytes());
        assert!(table[at] == NOT_KNOWN, "two known names share a slot");
        table[at] = i as u8;
        i += 1;
    }
    table
};

/// How many usual names there are: the places [`known_id`] gives are below it.
pub(crate) const KNOWN_NAMES: usize = KNOWN.len();

/// The place in [`KNOWN`] of `name`, which must be one of them (a compile-time error in a
/// constant otherwise): for the fields an operation reads by their place.
pub(crate) const fn known_place(name: &str) -> u8 {
    let mut i = 0;
    while i < KNOWN.len() {
        let known = KNOWN[i].as_bytes();
        let name = name.as_bytes();
        if known.len() == name.len() {
            let mut j = 0;
            while j < known.len() && known[j] == name[j] {
                j += 1;
            }
            if j == known.len() {
                return i as u8;
            }
        }
        i += 1;
    }
    panic!("not one of the usual names (wire::form::KNOWN)")
}

/// The place in [`KNOWN`] of a name that is one of them: one slot, one comparison.
pub(crate) fn known_id(name: &[u8]) -> Option<u8> {
    let id = KNOWN_SLOTS[slot(name)];
    let known = KNOWN.get(usize::from(id))?;
    same(known.as_bytes(), name).then_some(id)
}

/// `name` as a `'static` text when it is one of the usual request field names ([`KNOWN`]).
#[cfg(test)]
fn known_name(name: &str) -> Option<&'static str> {
    known_id(name.as_bytes()).map(|id| KNOWN[usize::from(id)])
}

/// Whether two byte strings are equal; those of 4 to 24 bytes compared a word at a time
/// (overlapping words), without a call to `memcmp`.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map(|w| u64::from_le_bytes(*w))
    };
    let last = |s: &[u8]| s.last_chunk::<8>().map(|w| u64::from_le_bytes(*w));
    match a.len() {
        8..=24 => {
            last(a) == last(b)
                && word(a, 0) == word(b, 0)
                && (a.len() <= 16 || word(a, 8) == word(b, 8))
        }
        4..=7 => {
            let first = |s: &[u8]| s.first_chunk::<4>().map(|w| u32::from_le_bytes(*w));
            let last = |s: &[u8]| s.last_chunk::<4>().map(|w| u32::from_le_bytes(*w));
            first(a) == first(b) && last(a) == last(b)
        }
        _ => a == b,
    }
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

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `x` that are zero, flagged by their high bit. A flag above a real zero byte
/// may be false, but the lowest flag is always a real one.
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// A byte repeated in every byte of a word.
fn repeated(b: u8) -> u64 {
    ONES * u64::from(b)
}

/// The last word of `bytes` that starts at `at` (fewer than eight bytes are left there), its
/// missing high bytes zero: none of them is a `=`, `&`, `+` or `%` that [`zero_bytes`] finds
/// first. `None` when nothing is left.
fn tail_word(bytes: &[u8], at: usize) -> Option<u64> {
    let tail = bytes.get(at..).filter(|tail| !tail.is_empty())?;
    let mut word = [0u8; 8];
    word[..tail.len()].copy_from_slice(tail);
    Some(u64::from_le_bytes(word))
}

/// Where the name that starts at `from` ends: at the next `=` or `&`, or the end of the
/// input. Eight bytes at a time, as [`value_end`] does.
fn name_end(bytes: &[u8], from: usize) -> usize {
    let found = |w: u64| zero_bytes(w ^ repeated(b'=')) | zero_bytes(w ^ repeated(b'&'));
    let rest = bytes.get(from..).unwrap_or_default();
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    for word in &mut words {
        let flags = found(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if flags != 0 {
            return at + (flags.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    match tail_word(bytes, at).map(found) {
        Some(flags) if flags != 0 => at + (flags.trailing_zeros() / 8) as usize,
        _ => bytes.len(),
    }
}

/// Where the value that starts at `from` ends (at the next `&`, or the end of the input), and
/// whether it holds a `+` or `%` to decode. Eight bytes at a time: a byte equal to `&` (or to
/// `+`, `%`) is found as a zero byte of the word xor that byte repeated ([`zero_bytes`]).
fn value_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let amp = |w: u64| zero_bytes(w ^ repeated(b'&'));
    let esc = |w: u64| zero_bytes(w ^ repeated(b'+')) | zero_bytes(w ^ repeated(b'%'));
    // The end in the word at `at` whose `&` flags are `amp`, and whether an escape comes
    // before it.
    let end = |at: usize, amp: u64, esc: u64| {
        // The first `&` is byte `n` of the word (little-endian: the lowest flag).
        let n = amp.trailing_zeros() / 8;
        let before = (1u64 << (8 * n)) - 1;
        (at + n as usize, esc & before != 0)
    };
    let rest = bytes.get(from..).unwrap_or_default();
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    let mut escapes = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let (amp, esc) = (amp(w), esc(w));
        if amp != 0 {
            let (end, escaped) = end(at, amp, esc);
            return (end, escaped || escapes != 0);
        }
        escapes |= esc;
        at += 8;
    }
    let escaped = escapes != 0;
    match tail_word(bytes, at) {
        Some(w) if amp(w) != 0 => {
            let (end, escaped_here) = end(at, amp(w), esc(w));
            (end, escaped || escaped_here)
        }
        Some(w) => (bytes.len(), escaped || esc(w) != 0),
        None => (bytes.len(), escaped),
    }
}

/// Percent-decodes one name or value; `+` is a space, a malformed `%` escape stays as is.
fn decode(input: &[u8]) -> String {
    let mut out = input.to_vec();
    if !input.contains(&b'%') {
        // Only `+` to replace, byte for byte.
        for b in &mut out {
            if *b == b'+' {
                *b = b' ';
            }
        }
    } else {
        let mut len = 0;
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            i += 1;
            let decoded = match b {
                b'+' => b' ',
                b'%' => match (
                    input.get(i).copied().and_then(hex),
                    input.get(i + 1).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        i += 2;
                        h << 4 | l
                    }
                    _ => b'%',
                },
                _ => b,
            };
            // Never past `i`: the decoded form is never longer.
            if let Some(slot) = out.get_mut(len) {
                *slot = decoded;
            }
            len += 1;
        }
        out.truncate(len);
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
        for name in KNOWN {
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
