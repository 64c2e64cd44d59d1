//! The reference canonicalisation (`PG_Signature::makeFlatParamsArray` / `makeFlatParamsXML`)
//! and the MD5 `pg_sig` built on it.
//!
//! The reference flattens the tree into keys `parent + name + %03d(position)` (positions
//! count from 1 at each level, `pg_sig` included although it is then skipped), sorts those keys
//! byte-wise, and joins the values between the script name and the secret with `;`.
//!
//! Two implementations live here and are tested against each other:
//!
//! * the fast path sorts each level by name and walks the tree in that order, with no heap
//!   allocation for levels of up to 32 fields. Once the ambiguous names of PROTOCOL.md §2.4 are
//!   refused, this gives exactly the order of the sorted flattened keys: two siblings' keys are
//!   decided inside their own `name + position` part, so all of one sibling's descendants come
//!   before all of the next's;
//! * [`canonical_entries`] builds the flattened keys literally, as the PHP does. It is used for
//!   [`explain`], as the oracle in the property tests, and for levels of 1,000 or more items,
//!   where 4-digit positions (`x1000` < `x999`) break the argument above.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use md5::{Digest, Md5};

use crate::{Fields, SIG_FIELD, ScriptName, SecretKey, SignError, Signature, Value, VerifyError};

/// Levels up to this size are sorted in a buffer on the stack.
const INLINE: usize = 32;
/// From this many items on, a level's positions get four digits and the fast path's argument
/// no longer holds.
const FAST_LIMIT: usize = 1000;

/// Signs a message: the `pg_sig` of `fields` for `script` and `secret`.
///
/// Any `pg_sig` already present is ignored (at every level, as the reference does). The values
/// are signed exactly as they are in the tree: stringify amounts once and send the same string.
///
/// ```
/// use freedompay_sign::{Fields, ScriptName, SecretKey, sign};
///
/// let mut fields = Fields::new();
/// fields.push("pg_merchant_id", "123456").push("pg_salt", "abc").push("pg_amount", "10");
/// let sig = sign(&ScriptName::new("init_payment.php")?, &fields, &SecretKey::new("TESTSECRET")?)?;
/// assert_eq!(sig.as_str().len(), 32);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(
    script: &ScriptName,
    fields: &Fields,
    secret: &SecretKey,
) -> Result<Signature, SignError> {
    let mut hasher = Hasher::new(script);
    match walk_fields(fields, None, 0, &mut |value: &str| {
        hasher.segment(value.as_bytes())
    }) {
        Ok(()) => {}
        Err(Walk::Refused(e)) => return Err(e),
        Err(Walk::Fallback) => {
            hasher = Hasher::new(script);
            for entry in canonical_entries(fields)? {
                hasher.segment(entry.value.as_bytes());
            }
        }
    }
    hasher.segment(secret.expose());
    Ok(hasher.finish())
}

/// MD5 fed through a buffer on the stack: the canonical string arrives in many small pieces,
/// and one `update` per 256 bytes is cheaper than two per value.
struct Hasher {
    md5: Md5,
    buf: [u8; 256],
    len: usize,
}

impl Hasher {
    fn new(script: &ScriptName) -> Self {
        let mut hasher = Self {
            md5: Md5::new(),
            buf: [0; 256],
            len: 0,
        };
        hasher.write(script.as_str().as_bytes());
        hasher
    }

    /// `;` then the bytes.
    fn segment(&mut self, bytes: &[u8]) {
        if self.len == self.buf.len() {
            self.md5.update(self.buf);
            self.len = 0;
        }
        self.buf[self.len] = b';';
        self.len += 1;
        self.write(bytes);
    }

    fn write(&mut self, bytes: &[u8]) {
        if bytes.len() <= 16 && self.len + bytes.len() <= self.buf.len() {
            // Most values are short: a loop beats a call to memcpy.
            for (dst, &src) in self.buf[self.len..].iter_mut().zip(bytes) {
                *dst = src;
            }
            self.len += bytes.len();
            return;
        }
        if self.len + bytes.len() > self.buf.len() {
            self.md5.update(&self.buf[..self.len]);
            self.len = 0;
            if bytes.len() > self.buf.len() {
                self.md5.update(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn finish(mut self) -> Signature {
        self.md5.update(&self.buf[..self.len]);
        // The buffer holds the secret (the last thing written): wipe what was used.
        zeroize::Zeroize::zeroize(&mut self.buf[..self.len]);
        Signature::from_digest(self.md5.finalize().as_slice())
    }
}

/// Checks the top-level `pg_sig` of a received message, in constant time.
///
/// `script` is the last path segment of the request URL (for responses) or of your own
/// callback URL (for callbacks).
///
/// ```
/// use freedompay_sign::{Fields, ScriptName, SecretKey, VerifyError, verify};
///
/// let script = ScriptName::new("result")?;
/// let secret = SecretKey::new("TESTSECRET")?;
/// let mut reply = Fields::new();
/// reply.push("pg_status", "ok").push("pg_description", "Order paid").push("pg_salt", "xyz");
/// assert_eq!(verify(&script, &reply, &secret), Err(VerifyError::Missing));
/// reply.push("pg_sig", "bc9ba7f85644b9079d7ddaa2e65e88f4");
/// assert_eq!(verify(&script, &reply, &secret), Ok(()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(script: &ScriptName, fields: &Fields, secret: &SecretKey) -> Result<(), VerifyError> {
    let received = match fields.get(SIG_FIELD) {
        None => return Err(VerifyError::Missing),
        Some(Value::Text(text)) => text,
        Some(_) => return Err(VerifyError::NotText),
    };
    if sign(script, fields, secret)?.matches(received) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// The canonical string that is hashed, with the secret shown as `***`: what to compare with
/// the gateway's when a signature is refused ("Неверная подпись").
///
/// ```
/// use freedompay_sign::{Fields, ScriptName, explain};
///
/// let mut fields = Fields::new();
/// fields.push("pg_salt", "molbulak").push("pg_amount", "25").push("pg_sig", "ignored");
/// let text = explain(&ScriptName::new("init_payment.php")?, &fields)?;
/// assert_eq!(text, "init_payment.php;25;molbulak;***");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain(script: &ScriptName, fields: &Fields) -> Result<String, SignError> {
    let mut out = String::from(script.as_str());
    for entry in canonical_entries(fields)? {
        out.push(';');
        out.push_str(entry.value);
    }
    out.push_str(";***");
    Ok(out)
}

/// One value of the canonical string, with the flattened key that placed it.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalEntry<'a> {
    /// The reference algorithm's flattened key (`pg_amount003`,
    /// `pg_receipt_positions0030001name002`).
    pub key: String,
    /// The value, as signed.
    pub value: &'a str,
}

impl core::fmt::Debug for CanonicalEntry<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Values may be card numbers: show their length only.
        write!(f, "{} = <{} bytes>", self.key, self.value.len())
    }
}

/// The values of the canonical string in signing order, each with its flattened key, built
/// literally as the reference implementation does (for debugging and display).
///
/// ```
/// use freedompay_sign::{Fields, canonical_entries};
///
/// let mut item = Fields::new();
/// item.push("count", "2").push("name", "Mouse pad");
/// let mut fields = Fields::new();
/// fields.push("pg_amount", "1500").push_list("pg_receipt_positions", [item]);
/// let keys: Vec<String> = canonical_entries(&fields)?.into_iter().map(|e| e.key).collect();
/// assert_eq!(keys, ["pg_amount001", "pg_receipt_positions0020001count001", "pg_receipt_positions0020001name002"]);
/// # Ok::<(), freedompay_sign::SignError>(())
/// ```
pub fn canonical_entries(fields: &Fields) -> Result<Vec<CanonicalEntry<'_>>, SignError> {
    let mut out = Vec::new();
    reference_fields(fields, "", None, 0, &mut out)?;
    out.sort_unstable_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
    if let Some(pair) = out.windows(2).find(|pair| pair[0].key == pair[1].key) {
        return Err(SignError::DuplicateKey {
            key: pair[0].key.clone(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Names and paths

/// A step of the path to a field, kept on the stack and rendered only for an error.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Name(&'a str),
    Index(usize),
}

#[derive(Clone, Copy)]
struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    segment: Segment<'p>,
}

fn render(path: Option<&Path<'_>>) -> String {
    let mut segments = Vec::new();
    let mut at = path;
    while let Some(p) = at {
        segments.push(p.segment);
        at = p.parent;
    }
    let mut out = String::new();
    for (i, segment) in segments.iter().rev().enumerate() {
        match (i, segment) {
            (0, Segment::Name(name)) => out.push_str(name),
            (_, Segment::Name(name)) => out.push_str(&format!("[{name}]")),
            (_, Segment::Index(index)) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Whether a top-level name begins like a PHP numeric string (whitespace, sign, dot, digit).
fn starts_like_number(name: &str) -> bool {
    matches!(
        name.as_bytes().first(),
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
    )
}

/// Checks one level's names, given in ascending byte order. Comparing each name with the next
/// different one is enough: if `a` is a prefix of some later name, every name between them also
/// starts with `a`, and the first of them continues with the smallest byte.
fn check_sorted_names<'a>(
    names: impl Iterator<Item = &'a str>,
    top: bool,
    path: Option<&Path<'_>>,
) -> Result<(), SignError> {
    let mut previous: Option<&str> = None;
    for name in names {
        if name.is_empty() {
            return Err(SignError::EmptyName { path: render(path) });
        }
        if top && starts_like_number(name) {
            return Err(SignError::NumericName { name: name.into() });
        }
        if let Some(shorter) = previous
            && shorter != name
            && name.starts_with(shorter)
            && name
                .as_bytes()
                .get(shorter.len())
                .is_some_and(|&b| b <= b'9')
        {
            return Err(SignError::AmbiguousNames {
                path: render(path),
                shorter: shorter.into(),
                longer: name.into(),
            });
        }
        previous = Some(name);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The fast path

enum Walk {
    Refused(SignError),
    /// A level too large for the fast path: start again with the literal algorithm.
    Fallback,
}

impl From<SignError> for Walk {
    fn from(e: SignError) -> Self {
        Walk::Refused(e)
    }
}

/// A field's place in the sort as one integer: the first 14 bytes of its name, big-endian,
/// then its index in the low 16 bits. Sorting these is a plain integer sort (every gateway
/// name starts with `pg_`, so comparing names byte by byte would be slow); fields whose names
/// share their first 14 bytes are then put in order by [`order_ties`].
fn slot(name: &str, index: u16) -> u128 {
    let bytes = name.as_bytes();
    let head = (u128::from(load_be(bytes, 0)) << 64) | u128::from(load_be(bytes, 8));
    (head & !0xffff) | u128::from(index)
}

fn slot_index(slot: u128) -> usize {
    (slot & 0xffff) as usize
}

/// Sorts, by whole name and then index, each run of slots whose 14-byte heads are equal.
fn order_ties<'a>(order: &mut [u128], name: impl Fn(u128) -> &'a str) {
    let mut start = 0;
    while start < order.len() {
        let head = order[start] >> 16;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&s| s >> 16 == head)
                .count();
        if end - start > 1 {
            order[start..end].sort_unstable_by(|&a, &b| {
                name(a).as_bytes().cmp(name(b).as_bytes()).then(a.cmp(&b))
            });
        }
        start = end;
    }
}

/// Eight bytes from `start` as a big-endian number, zero-padded past the end.
fn load_be(bytes: &[u8], start: usize) -> u64 {
    match bytes.get(start..start + 8) {
        Some(chunk) => {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            u64::from_be_bytes(word)
        }
        None => {
            let mut word = 0u64;
            for (i, &b) in bytes.get(start..).unwrap_or_default().iter().enumerate() {
                word |= u64::from(b) << (56 - 8 * i);
            }
            word
        }
    }
}

/// Up to [`INLINE`] items on the stack, more on the heap.
enum Order<T> {
    Inline([T; INLINE], usize),
    Heap(Vec<T>),
}

impl<T: Copy + Default> Order<T> {
    fn new(len: usize) -> Self {
        if len <= INLINE {
            Order::Inline([T::default(); INLINE], 0)
        } else {
            Order::Heap(Vec::with_capacity(len))
        }
    }

    fn push(&mut self, item: T) {
        match self {
            Order::Inline(buf, len) => {
                buf[*len] = item;
                *len += 1;
            }
            Order::Heap(v) => v.push(item),
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Order::Inline(buf, len) => &mut buf[..*len],
            Order::Heap(v) => v,
        }
    }
}

fn walk_fields<'a>(
    fields: &'a Fields,
    path: Option<&Path<'_>>,
    depth: usize,
    out: &mut impl FnMut(&'a str),
) -> Result<(), Walk> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep.into());
    }
    let entries = fields.as_slice();
    if entries.len() >= FAST_LIMIT {
        return Err(Walk::Fallback);
    }
    let mut order = Order::new(entries.len());
    for (index, field) in entries.iter().enumerate() {
        if field.name() != SIG_FIELD {
            // FAST_LIMIT < u16::MAX, so the index fits.
            order.push(slot(field.name(), index as u16));
        }
    }
    let order = order.as_mut_slice();
    let name = |slot: u128| entries[slot_index(slot)].name();
    // Same names keep their positions' order: below 1,000, `%03d` sorts like the number.
    order.sort_unstable();
    order_ties(order, name);
    check_sorted_names(order.iter().map(|&s| name(s)), depth == 0, path)?;
    for &slot in order.iter() {
        let field = &entries[slot_index(slot)];
        let here = Path {
            parent: path,
            segment: Segment::Name(field.name()),
        };
        walk_value(field.value(), &here, depth, out)?;
    }
    Ok(())
}

fn walk_value<'a>(
    value: &'a Value,
    path: &Path<'_>,
    depth: usize,
    out: &mut impl FnMut(&'a str),
) -> Result<(), Walk> {
    match value {
        Value::Text(text) => {
            out(text);
            Ok(())
        }
        Value::Map(map) => walk_fields(map, Some(path), depth + 1, out),
        Value::List(items) => walk_list(items, path, depth + 1, out),
    }
}

/// A list item's part of the flattened key: its index, then its 1-based position as `%03d`.
/// For fewer than 1,000 items it fits in 7 bytes (`998` + `999`).
fn list_key(index: usize) -> ([u8; 8], usize) {
    let mut key = [0u8; 8];
    let mut len = 0;
    let mut digits = |mut n: usize, width: usize| {
        let mut tmp = [0u8; 4];
        let mut count = 0;
        while n > 0 || count < width {
            tmp[count] = b'0' + (n % 10) as u8;
            n /= 10;
            count += 1;
        }
        for &d in tmp[..count].iter().rev() {
            key[len] = d;
            len += 1;
        }
    };
    digits(index, 1);
    digits(index + 1, 3);
    (key, len)
}

fn walk_list<'a>(
    items: &'a [Value],
    path: &Path<'_>,
    depth: usize,
    out: &mut impl FnMut(&'a str),
) -> Result<(), Walk> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep.into());
    }
    if items.len() >= FAST_LIMIT {
        return Err(Walk::Fallback);
    }
    let mut order = Order::<u16>::new(items.len());
    for index in 0..items.len() {
        order.push(index as u16);
    }
    let order = order.as_mut_slice();
    // Item keys never prefix one another below 1,000 items, so comparing them decides the
    // order of everything beneath: 0, 10, 1, 11, 2, 3, ... for 12 items (PROTOCOL.md §2.3).
    order.sort_unstable_by(|&a, &b| {
        let (ka, la) = list_key(usize::from(a));
        let (kb, lb) = list_key(usize::from(b));
        ka[..la].cmp(&kb[..lb])
    });
    for &i in order.iter() {
        let index = usize::from(i);
        let here = Path {
            parent: Some(path),
            segment: Segment::Index(index),
        };
        walk_value(&items[index], &here, depth, out)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The literal algorithm

fn reference_fields<'a>(
    fields: &'a Fields,
    parent_key: &str,
    path: Option<&Path<'_>>,
    depth: usize,
    out: &mut Vec<CanonicalEntry<'a>>,
) -> Result<(), SignError> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep);
    }
    let mut names: Vec<&str> = fields
        .iter()
        .map(|f| f.name())
        .filter(|&n| n != SIG_FIELD)
        .collect();
    names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    check_sorted_names(names.into_iter(), depth == 0, path)?;
    for (i, field) in fields.iter().enumerate() {
        // The position counts `pg_sig` too: the reference increments before skipping it.
        let position = i + 1;
        if field.name() == SIG_FIELD {
            continue;
        }
        let key = format!("{parent_key}{}{position:03}", field.name());
        let here = Path {
            parent: path,
            segment: Segment::Name(field.name()),
        };
        reference_value(field.value(), key, &here, depth, out)?;
    }
    Ok(())
}

fn reference_value<'a>(
    value: &'a Value,
    key: String,
    path: &Path<'_>,
    depth: usize,
    out: &mut Vec<CanonicalEntry<'a>>,
) -> Result<(), SignError> {
    match value {
        Value::Text(text) => {
            out.push(CanonicalEntry { key, value: text });
            Ok(())
        }
        Value::Map(map) => reference_fields(map, &key, Some(path), depth + 1, out),
        Value::List(items) => {
            if depth + 1 > SignError::MAX_DEPTH {
                return Err(SignError::TooDeep);
            }
            for (index, item) in items.iter().enumerate() {
                let item_key = format!("{key}{index}{:03}", index + 1);
                let here = Path {
                    parent: Some(path),
                    segment: Segment::Index(index),
                };
                reference_value(item, item_key, &here, depth + 1, out)?;
            }
            Ok(())
        }
    }
}

/// The values in signing order by the fast path (the oracle tests compare it with
/// [`canonical_entries`]).
#[doc(hidden)]
pub fn fast_order(fields: &Fields) -> Result<Vec<&str>, SignError> {
    let mut out = Vec::new();
    match walk_fields(fields, None, 0, &mut |v| out.push(v)) {
        Ok(()) => Ok(out),
        Err(Walk::Refused(e)) => Err(e),
        Err(Walk::Fallback) => Ok(canonical_entries(fields)?
            .into_iter()
            .map(|e| e.value)
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keys_are_index_then_position() {
        let key = |i| {
            let (k, l) = list_key(i);
            String::from_utf8(k[..l].to_vec()).unwrap()
        };
        assert_eq!(key(0), "0001");
        assert_eq!(key(9), "9010");
        assert_eq!(key(10), "10011");
        assert_eq!(key(998), "998999");
    }

    #[test]
    fn paths_render_in_bracket_notation() {
        let root = Path {
            parent: None,
            segment: Segment::Name("pg_receipt_positions"),
        };
        let item = Path {
            parent: Some(&root),
            segment: Segment::Index(3),
        };
        let leaf = Path {
            parent: Some(&item),
            segment: Segment::Name("name"),
        };
        assert_eq!(render(Some(&leaf)), "pg_receipt_positions[3][name]");
        assert_eq!(render(None), "");
    }
}
