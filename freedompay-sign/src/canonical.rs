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
//!   allocation for levels of up to 32 fields, and hashes the values as it goes, each copied
//!   once into the MD5 block; it reads any tree through [`Level`], [`Fields`] included. Once the
//!   ambiguous names of docs/protocol.md §2.4 are refused, this gives exactly the order of the
//!   sorted flattened keys: two siblings' keys are decided inside their own `name + position`
//!   part, so all of one sibling's descendants come before all of the next's;
//! * [`canonical_entries`] builds the flattened keys literally, as the PHP does. It is used for
//!   [`explain`], as the oracle in the property tests, and for levels of 1,000 or more items,
//!   where 4-digit positions (`x1000` < `x999`) break the argument above.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::{
    Field, Fields, SIG_FIELD, ScriptName, SecretKey, SignError, Signature, Value, VerifyError,
};

/// Levels up to this size are sorted in a buffer on the stack.
const INLINE: usize = 32;
/// Levels up to this size (nearly every message) are sorted in a smaller buffer on the stack.
const SMALL: usize = 16;
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
    sign_tree(script, FieldsLevel::Map(fields.as_slice()), secret)
}

/// Signs a message held in another form than [`Fields`] (a tree borrowed from a received
/// document, say): the same `pg_sig` as [`sign`] gives for the same tree, without copying it.
///
/// ```
/// use freedompay_sign::{Level, Node, ScriptName, SecretKey, sign_tree};
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
/// let message = Pairs(&[("pg_order_id", "23"), ("pg_merchant_id", "123456"), ("pg_amount", "25"),
///                       ("pg_description", "test"), ("pg_salt", "molbulak")]);
/// let script = ScriptName::new("init_payment.php")?;
/// let sig = sign_tree(&script, message, &SecretKey::new("TESTSECRET")?)?;
/// assert_eq!(sig.as_str(), "fe9aa0d66e010d645bafe82364540b1a");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_tree<'a, L: Level<'a>>(
    script: &ScriptName,
    root: L,
    secret: &SecretKey,
) -> Result<Signature, SignError> {
    let mut hasher = Hasher::new();
    hasher.write(script.as_str().as_bytes());
    match walk_map(root, None, 0, &mut hasher) {
        Ok(()) => {}
        Err(Walk::Refused(e)) => return Err(e),
        Err(Walk::Fallback) => {
            hasher = Hasher::new();
            hasher.write(script.as_str().as_bytes());
            for entry in reference_entries(root)? {
                hasher.segment(entry.value.as_bytes());
            }
        }
    }
    hasher.segment(secret.expose());
    Ok(hasher.finish(secret.expose().len()))
}

/// Checks the top-level `pg_sig` of a message held in another form than [`Fields`], as
/// [`verify`] does for a [`Fields`] tree.
pub fn verify_tree<'a, L: Level<'a>>(
    script: &ScriptName,
    root: L,
    secret: &SecretKey,
) -> Result<(), VerifyError> {
    let Some(index) = (0..root.len()).find(|&i| root.name(i) == SIG_FIELD) else {
        return Err(VerifyError::Missing);
    };
    let Node::Text(received) = root.value(index) else {
        return Err(VerifyError::NotText);
    };
    if sign_tree(script, root, secret)?.matches(received) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// One level of a message tree, for [`sign_tree`] and [`verify_tree`]: a map of named values
/// or a list of values, seen through a cheap handle (a reference, an index into an arena).
///
/// Implement it to sign a tree without building a [`Fields`] first. Names and values are
/// signed exactly as returned; `pg_sig` is skipped at every level, as [`sign`] does.
pub trait Level<'a>: Copy {
    /// How many entries the level holds (`pg_sig` included).
    fn len(self) -> usize;

    /// Whether the level is empty.
    fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The name of entry `index` of a map level (`0 <= index < len`). Never called on a level
    /// handed out as [`Node::List`].
    fn name(self, index: usize) -> &'a str;

    /// The value of entry `index` (`0 <= index < len`).
    fn value(self, index: usize) -> Node<'a, Self>;
}

/// A value in a [`Level`]: a text leaf, or a nested level.
///
/// Like [`Value`], its `Debug` output shows a text's length, not the text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Node<'a, L> {
    /// A text leaf, exactly as signed.
    Text(&'a str),
    /// A nested level with named entries.
    Map(L),
    /// A nested list: its entries are named by their index, and [`Level::name`] is not used.
    List(L),
}

impl<L> core::fmt::Debug for Node<'_, L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Node::Text(text) => write!(f, "Text(<{} bytes>)", text.len()),
            Node::Map(_) => f.write_str("Map(..)"),
            Node::List(_) => f.write_str("List(..)"),
        }
    }
}

/// A [`Fields`] level or a list in it, as a [`Level`].
#[derive(Clone, Copy)]
enum FieldsLevel<'a> {
    Map(&'a [Field]),
    List(&'a [Value]),
}

impl<'a> Level<'a> for FieldsLevel<'a> {
    fn len(self) -> usize {
        match self {
            FieldsLevel::Map(fields) => fields.len(),
            FieldsLevel::List(items) => items.len(),
        }
    }

    fn name(self, index: usize) -> &'a str {
        match self {
            FieldsLevel::Map(fields) => fields[index].name(),
            FieldsLevel::List(_) => "",
        }
    }

    fn value(self, index: usize) -> Node<'a, Self> {
        let value = match self {
            FieldsLevel::Map(fields) => fields[index].value(),
            FieldsLevel::List(items) => &items[index],
        };
        match value {
            Value::Text(text) => Node::Text(text),
            Value::Map(map) => Node::Map(FieldsLevel::Map(map.as_slice())),
            Value::List(items) => Node::List(FieldsLevel::List(items)),
        }
    }
}

/// MD5 written straight into its 64-byte block: the canonical string arrives in many small
/// pieces, each copied once into the block, which is compressed in place when full.
struct Hasher {
    state: [u32; 4],
    block: [u8; 64],
    len: usize,
    blocks: u64,
}

impl Hasher {
    fn new() -> Self {
        Self {
            // RFC 1321, 3.3.
            state: [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476],
            block: [0; 64],
            len: 0,
            blocks: 0,
        }
    }

    /// `;` then the bytes.
    #[inline(always)]
    fn segment(&mut self, bytes: &[u8]) {
        let at = self.len;
        let n = bytes.len();
        // Most values are short: with 18 bytes of room (the block never ends full), they go in
        // as one 16-byte store of a word put together from at most two loads, without a call
        // to `memcpy` (which the compiler makes of two moves of 8 or 4 bytes at an offset).
        if n <= 16
            && let Some(room) = self.block.get_mut(at..at + 18)
        {
            room[0] = b';';
            room[1..17].copy_from_slice(&short_word(bytes).to_le_bytes());
            self.len = at + 1 + n;
        } else if at + 1 + n < self.block.len() {
            self.block[at] = b';';
            self.block[at + 1..at + 1 + n].copy_from_slice(bytes);
            self.len = at + 1 + n;
        } else {
            self.write(b";");
            self.write(bytes);
        }
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let at = self.len;
        if at + bytes.len() < self.block.len() {
            self.block[at..at + bytes.len()].copy_from_slice(bytes);
            self.len = at + bytes.len();
        } else {
            self.write_across(bytes);
        }
    }

    /// Fills the block, compresses it, then the whole blocks of `bytes` straight from there.
    #[inline(never)]
    fn write_across(&mut self, bytes: &[u8]) {
        let (head, rest) = bytes.split_at(self.block.len() - self.len);
        self.block[self.len..].copy_from_slice(head);
        self.compress_block();
        let (blocks, tail) = rest.as_chunks::<64>();
        md5::block_api::compress(&mut self.state, blocks);
        self.blocks += blocks.len() as u64;
        self.block[..tail.len()].copy_from_slice(tail);
        self.len = tail.len();
    }

    fn compress_block(&mut self) {
        md5::block_api::compress(&mut self.state, core::slice::from_ref(&self.block));
        self.blocks += 1;
    }

    /// The digest; `secret_len` is the length of the secret, the last thing written, whose
    /// bytes still in the block are wiped.
    fn finish(mut self, secret_len: usize) -> Signature {
        let end = self.len;
        let bits = (self.blocks * 64 + end as u64).wrapping_mul(8);
        // RFC 1321, 3.1 and 3.2: `0x80`, zeros, then the length in bits, little-endian.
        self.block[end] = 0x80;
        if end + 1 > 56 {
            self.block[end + 1..].fill(0);
            self.compress_block();
            self.block[..56].fill(0);
        } else {
            self.block[end + 1..56].fill(0);
        }
        self.block[56..].copy_from_slice(&bits.to_le_bytes());
        md5::block_api::compress(&mut self.state, core::slice::from_ref(&self.block));
        // Anything of the secret still in the block sits just before `end` (the padding has
        // overwritten the rest).
        if end < 56 {
            zeroize::Zeroize::zeroize(&mut self.block[end.saturating_sub(secret_len)..end]);
        }
        let mut digest = [0u8; 16];
        for (bytes, word) in digest.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        Signature::from_digest(&digest)
    }
}

/// Up to 16 bytes as a little-endian word, zero past their end: two overlapping loads of 8 or
/// 4 bytes (the second shifted past the bytes the first has), or a few bytes one by one.
#[inline(always)]
fn short_word(bytes: &[u8]) -> u128 {
    let n = bytes.len();
    if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        // Bytes 8..n are the last n - 8 of `last`.
        let high = u64::from_le_bytes(*last)
            .checked_shr(8 * (16 - n.min(16)) as u32)
            .unwrap_or(0);
        u128::from(u64::from_le_bytes(*first)) | (u128::from(high) << 64)
    } else if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let high = u32::from_le_bytes(*last)
            .checked_shr(8 * (8 - n.min(8)) as u32)
            .unwrap_or(0);
        u128::from(u32::from_le_bytes(*first)) | (u128::from(high) << 32)
    } else {
        bytes
            .iter()
            .rev()
            .fold(0, |word, &b| (word << 8) | u128::from(b))
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
    reference_entries(FieldsLevel::Map(fields.as_slice()))
}

/// [`canonical_entries`] of any tree.
fn reference_entries<'a, L: Level<'a>>(root: L) -> Result<Vec<CanonicalEntry<'a>>, SignError> {
    let mut out = Vec::new();
    reference_map(root, "", None, 0, &mut out)?;
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

/// Where the fast path puts the values, in signing order.
trait Sink<'a> {
    fn take(&mut self, value: &'a str);
}

impl<'a> Sink<'a> for Hasher {
    #[inline(always)]
    fn take(&mut self, value: &'a str) {
        self.segment(value.as_bytes());
    }
}

impl<'a> Sink<'a> for Vec<&'a str> {
    fn take(&mut self, value: &'a str) {
        self.push(value);
    }
}

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

/// The low bits of a slot that hold the entry's index.
const INDEX_BITS: u128 = 0xffff;

/// A field's place in the sort as one integer: the first 14 bytes of its name, big-endian and
/// zero-padded, then its index in the low 16 bits. Sorting these is a plain integer sort
/// (every gateway name starts with `pg_`, so comparing names byte by byte would be slow);
/// fields whose names share their first 14 bytes are then put in order by [`order_ties`].
#[inline(always)]
fn slot(name: &str, index: usize) -> u128 {
    // FAST_LIMIT < u16::MAX, so the index fits.
    (head(name.as_bytes()) & !INDEX_BITS) | index as u128
}

fn slot_index(slot: u128) -> usize {
    (slot & INDEX_BITS) as usize
}

/// The first 16 bytes of `bytes` as a big-endian number, zero-padded past the end: a few
/// overlapping loads rather than a loop or a call to `memcpy`.
#[inline(always)]
fn head(bytes: &[u8]) -> u128 {
    let n = bytes.len();
    if let Some(first) = bytes.first_chunk::<8>() {
        // Bytes 8..16 (or 8..n) are the last ones of the eight that end at 16 (or n): shifted
        // to the top, without a branch on the length.
        let high = u64::from_be_bytes(*first);
        let end = n.min(16);
        let last = bytes[..end]
            .last_chunk::<8>()
            .map_or(0, |b| u64::from_be_bytes(*b));
        let low = last.checked_shl(8 * (16 - end) as u32).unwrap_or(0);
        return (u128::from(high) << 64) | u128::from(low);
    }
    let high =
        if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            // 4..8 bytes: the first four and the last four, overlapping.
            (u64::from(u32::from_be_bytes(*first)) << 32)
                | (u64::from(u32::from_be_bytes(*last)) << (8 * (8 - n as u32)))
        } else {
            let mut word = 0u64;
            for (i, &b) in bytes.iter().enumerate() {
                word |= u64::from(b) << (56 - 8 * i);
            }
            word
        };
    u128::from(high) << 64
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

/// Puts a map level's entries in signing order and checks its names: the sort skipped when
/// they already are in order, the checks done on the slots' heads, and the exact (slower)
/// [`order_ties`] and [`check_sorted_names`] only for a level where two heads are equal.
fn order_map<'a, L: Level<'a>>(
    level: L,
    order: &mut [u128],
    sorted: bool,
    top: bool,
    path: Option<&Path<'_>>,
) -> Result<(), SignError> {
    if !sorted {
        order.sort_unstable();
    }
    let name = |slot: u128| level.name(slot_index(slot));
    let Some(&first) = order.first() else {
        return Ok(());
    };
    if name(first).is_empty() {
        return Err(SignError::EmptyName { path: render(path) });
    }
    if top {
        // Only first bytes below `:` start like a number, and they sort first.
        for &slot in order.iter() {
            if (slot >> 120) as u8 >= b':' {
                break;
            }
            if starts_like_number(name(slot)) {
                return Err(SignError::NumericName {
                    name: name(slot).into(),
                });
            }
        }
    }
    for pair in order.windows(2) {
        let differ = (pair[0] ^ pair[1]) & !INDEX_BITS;
        if differ == 0 {
            // Two names share their first 14 bytes: sort and check by the whole names.
            order_ties(order, name);
            return check_sorted_names(order.iter().map(|&s| name(s)), top, path);
        }
        // The first byte where the heads differ: the shorter name is a prefix of the longer
        // one exactly when it ends at or before that byte.
        let at = (differ.leading_zeros() / 8) as usize;
        let shorter = name(pair[0]);
        if shorter.len() <= at {
            let longer = name(pair[1]);
            if longer
                .as_bytes()
                .get(shorter.len())
                .is_some_and(|&b| b <= b'9')
            {
                return Err(SignError::AmbiguousNames {
                    path: render(path),
                    shorter: shorter.into(),
                    longer: longer.into(),
                });
            }
        }
    }
    Ok(())
}

fn walk_map<'a, L: Level<'a>>(
    level: L,
    path: Option<&Path<'_>>,
    depth: usize,
    out: &mut impl Sink<'a>,
) -> Result<(), Walk> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep.into());
    }
    let len = level.len();
    if len >= FAST_LIMIT {
        return Err(Walk::Fallback);
    }
    // Up to INLINE slots on the stack, more on the heap; a usual message's level in a smaller
    // buffer, cleared with a few stores rather than a call to `memset`.
    if len <= SMALL {
        walk_map_in(level, path, depth, out, &mut [0u128; SMALL])
    } else if len <= INLINE {
        walk_map_in(level, path, depth, out, &mut [0u128; INLINE])
    } else {
        walk_map_in(level, path, depth, out, &mut vec![0u128; len])
    }
}

/// [`walk_map`] with a buffer of at least `level.len()` slots.
fn walk_map_in<'a, L: Level<'a>>(
    level: L,
    path: Option<&Path<'_>>,
    depth: usize,
    out: &mut impl Sink<'a>,
    buffer: &mut [u128],
) -> Result<(), Walk> {
    let len = level.len();
    let mut count = 0;
    let mut sorted = true;
    let mut previous = 0;
    for index in 0..len {
        let name = level.name(index);
        if name != SIG_FIELD {
            let slot = slot(name, index);
            sorted &= slot > previous;
            previous = slot;
            buffer[count] = slot;
            count += 1;
        }
    }
    let order = &mut buffer[..count];
    // Same names keep their positions' order: below 1,000, `%03d` sorts like the number.
    order_map(level, order, sorted, depth == 0, path)?;
    for &slot in order.iter() {
        let index = slot_index(slot);
        match level.value(index) {
            Node::Text(text) => out.take(text),
            Node::Map(map) => {
                let here = Path {
                    parent: path,
                    segment: Segment::Name(level.name(index)),
                };
                walk_map(map, Some(&here), depth + 1, out)?;
            }
            Node::List(list) => {
                let here = Path {
                    parent: path,
                    segment: Segment::Name(level.name(index)),
                };
                walk_list(list, &here, depth + 1, out)?;
            }
        }
    }
    Ok(())
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

fn walk_list<'a, L: Level<'a>>(
    list: L,
    path: &Path<'_>,
    depth: usize,
    out: &mut impl Sink<'a>,
) -> Result<(), Walk> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep.into());
    }
    let len = list.len();
    if len >= FAST_LIMIT {
        return Err(Walk::Fallback);
    }
    // Item keys never prefix one another below 1,000 items, so sorting them decides the
    // order of everything beneath: 0, 10, 1, 11, 2, 3, ... for 12 items (docs/protocol.md §2.3).
    let mut inline = [0u128; INLINE];
    let mut heap = Vec::new();
    let order = if len <= INLINE {
        &mut inline[..len]
    } else {
        heap.resize(len, 0);
        &mut heap[..]
    };
    for (index, slot) in order.iter_mut().enumerate() {
        let (key, _) = list_key(index);
        *slot = (u128::from(u64::from_be_bytes(key)) << 64) | index as u128;
    }
    order.sort_unstable();
    for &slot in order.iter() {
        let index = slot_index(slot);
        let here = Path {
            parent: Some(path),
            segment: Segment::Index(index),
        };
        match list.value(index) {
            Node::Text(text) => out.take(text),
            Node::Map(map) => walk_map(map, Some(&here), depth + 1, out)?,
            Node::List(items) => walk_list(items, &here, depth + 1, out)?,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The literal algorithm

fn reference_map<'a, L: Level<'a>>(
    level: L,
    parent_key: &str,
    path: Option<&Path<'_>>,
    depth: usize,
    out: &mut Vec<CanonicalEntry<'a>>,
) -> Result<(), SignError> {
    if depth > SignError::MAX_DEPTH {
        return Err(SignError::TooDeep);
    }
    let mut names: Vec<&str> = (0..level.len())
        .map(|i| level.name(i))
        .filter(|&n| n != SIG_FIELD)
        .collect();
    names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    check_sorted_names(names.into_iter(), depth == 0, path)?;
    for i in 0..level.len() {
        let name = level.name(i);
        // The position counts `pg_sig` too: the reference increments before skipping it.
        let position = i + 1;
        if name == SIG_FIELD {
            continue;
        }
        let key = format!("{parent_key}{name}{position:03}");
        let here = Path {
            parent: path,
            segment: Segment::Name(name),
        };
        reference_value(level.value(i), key, &here, depth, out)?;
    }
    Ok(())
}

fn reference_value<'a, L: Level<'a>>(
    value: Node<'a, L>,
    key: String,
    path: &Path<'_>,
    depth: usize,
    out: &mut Vec<CanonicalEntry<'a>>,
) -> Result<(), SignError> {
    match value {
        Node::Text(text) => {
            out.push(CanonicalEntry { key, value: text });
            Ok(())
        }
        Node::Map(map) => reference_map(map, &key, Some(path), depth + 1, out),
        Node::List(items) => {
            if depth + 1 > SignError::MAX_DEPTH {
                return Err(SignError::TooDeep);
            }
            for index in 0..items.len() {
                let item_key = format!("{key}{index}{:03}", index + 1);
                let here = Path {
                    parent: Some(path),
                    segment: Segment::Index(index),
                };
                reference_value(items.value(index), item_key, &here, depth + 1, out)?;
            }
            Ok(())
        }
    }
}

/// The values in signing order by the fast path (the oracle tests compare it with
/// [`canonical_entries`]).
#[doc(hidden)]
pub fn fast_order(fields: &Fields) -> Result<Vec<&str>, SignError> {
    let root = FieldsLevel::Map(fields.as_slice());
    let mut out = Vec::new();
    match walk_map(root, None, 0, &mut out) {
        Ok(()) => Ok(out),
        Err(Walk::Refused(e)) => Err(e),
        Err(Walk::Fallback) => Ok(reference_entries(root)?
            .into_iter()
            .map(|e| e.value)
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_hold_the_bytes_then_zeros() {
        let bytes: Vec<u8> = (1..=16).collect();
        for n in 0..=16 {
            let mut expected = [0u8; 16];
            expected[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(short_word(&bytes[..n]).to_le_bytes(), expected, "{n}");
        }
    }

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
