//! Detached JWS with HMAC (HS256, HS512), the `X-JWS-Signature` header of the `/v5` JSON APIs.
//!
//! FreedomPay's newer JSON APIs (Invoice `/v5/merchant/invoice/*`, Card API `/v5/card-api/*`,
//! Partner API `/v5/partner/*`) do not use the MD5 `pg_sig`. A request carries a JWS with its
//! payload cut out ("detached", RFC 7515 appendix F):
//!
//! ```text
//! X-JWS-Signature: BASE64URL(header) || ".." || BASE64URL(HMAC(secret, BASE64URL(header) || "." || BASE64URL(body)))
//! ```
//!
//! where `header` is a small JSON object naming the endpoint and the algorithm, `body` is the
//! exact request body sent, base64url is unpadded, and the HMAC key is the merchant's (or
//! partner's) secret key. The documented examples use HS512 for the Invoice and Card APIs and
//! HS256 for the Partner API.
//!
//! # Which header keys?
//!
//! Which keys each API expects in the header is **not settled** (marked `[?]` in the project's
//! protocol notes): the Invoice documentation describes `uri` and a string `merchant_id`, while
//! its own example token encodes `path` and an integer `merchant_id`; the Card and Partner APIs
//! describe `uri`, `auth_id`, `method`, `params` and `alg`, and one Partner example puts `alg`
//! first. This module therefore takes no position: the caller decides the header and signs the
//! **exact header bytes they send** ([`sign_detached`]), optionally written with the small
//! [`Header`] builder. Likewise the body is signed as the exact bytes that go on the wire, so
//! serialize it once and send those bytes.
//!
//! # Verifying
//!
//! [`verify_detached_with`] checks a token against the body and requires a given algorithm;
//! prefer it over [`verify_detached`], which accepts whichever of HS256 and HS512 the token's own
//! header names. `alg: none` and every other algorithm are always refused, and signatures are
//! compared in constant time.
//!
//! # Example
//!
//! The Card API's documented example (docs.freedompay.kz, doc-760202), reproduced byte for byte:
//!
//! ```
//! use freedompay_sign::SecretKey;
//! use freedompay_sign::jws::{self, Algorithm, Header};
//!
//! let header = Header::new(Algorithm::Hs512)
//!     .string("uri", "/v5/card-api/request/status")
//!     .string("auth_id", "123456")
//!     .string("method", "POST")
//!     .string("params", "");
//! let body = br#"{"request_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#;
//! let secret = SecretKey::new("secret").unwrap();
//!
//! let token = header.sign_detached(body, &secret);
//! assert_eq!(
//!     token,
//!     "eyJ1cmkiOiIvdjUvY2FyZC1hcGkvcmVxdWVzdC9zdGF0dXMiLCJhdXRoX2lkIjoiMTIzNDU2IiwibWV0aG9kIjoi\
//!      UE9TVCIsInBhcmFtcyI6IiIsImFsZyI6IkhTNTEyIn0..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkF\
//!      DUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"
//! );
//!
//! let verified = jws::verify_detached_with(Algorithm::Hs512, &token, body, &secret).unwrap();
//! assert_eq!(verified.json(), header.to_json().as_slice());
//! assert!(jws::verify_detached_with(Algorithm::Hs512, &token, b"{}", &secret).is_err());
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::SecretKey;

/// The HMAC algorithms FreedomPay's `/v5` APIs use (the JWS `alg` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `HS256`: HMAC-SHA-256 (Partner API examples).
    Hs256,
    /// `HS512`: HMAC-SHA-512 (Invoice and Card API).
    Hs512,
}

impl Algorithm {
    /// The JWS name: `"HS256"` or `"HS512"`.
    ///
    /// ```
    /// use freedompay_sign::jws::Algorithm;
    ///
    /// assert_eq!(Algorithm::Hs512.as_str(), "HS512");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Hs512 => "HS512",
        }
    }

    /// The algorithm with this exact (case-sensitive, per RFC 7515) JWS name.
    fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"HS256" => Some(Algorithm::Hs256),
            b"HS512" => Some(Algorithm::Hs512),
            _ => None,
        }
    }

    /// HMAC over `header_b64 || "." || payload_b64`, the JWS signing input.
    fn mac(self, key: &[u8], header_b64: &str, payload_b64: &str) -> Vec<u8> {
        let input = [header_b64.as_bytes(), b".", payload_b64.as_bytes()];
        match self {
            Algorithm::Hs256 => hmac_over::<Hmac<Sha256>>(key, &input),
            Algorithm::Hs512 => hmac_over::<Hmac<Sha512>>(key, &input),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn hmac_over<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = match <M as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC hashes long keys and pads short ones, so every length is accepted.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    for part in parts {
        Mac::update(&mut mac, part);
    }
    mac.finalize().into_bytes().as_slice().to_vec()
}

/// Signs `payload` under `header_json` and returns the detached token `header..signature`, the
/// value of the `X-JWS-Signature` header.
///
/// The header is signed as the exact bytes given; it should declare `"alg"` as `alg` (the
/// [`Header`] builder does so). The payload is the exact request body sent.
///
/// ```
/// use freedompay_sign::SecretKey;
/// use freedompay_sign::jws::{self, Algorithm};
///
/// let secret = SecretKey::new("secret_key").unwrap();
/// let header = br#"{"uri":"/v5/partner/rates/add","auth_id":"123456","method":"POST","params":"","alg":"HS256"}"#;
/// let body = br#"{"rates":[]}"#;
///
/// let token = jws::sign_detached(Algorithm::Hs256, header, body, &secret);
/// let (encoded_header, signature) = token.split_once("..").unwrap();
/// assert!(encoded_header.starts_with("eyJ1cmkiOi")); // base64url of `{"uri":`
/// assert_eq!(signature.len(), 43); // 32 bytes, unpadded base64url
///
/// let verified = jws::verify_detached_with(Algorithm::Hs256, &token, body, &secret).unwrap();
/// assert_eq!(verified.json(), header);
/// ```
pub fn sign_detached(
    alg: Algorithm,
    header_json: &[u8],
    payload: &[u8],
    secret: &SecretKey,
) -> String {
    let header_b64 = URL_SAFE_NO_PAD.encode(header_json);
    let payload_b64 = URL_SAFE_NO_PAD.encode(payload);
    let signature = alg.mac(secret.expose(), &header_b64, &payload_b64);
    let mut token = header_b64;
    token.push_str("..");
    URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
    token
}

/// A JWS header, written as compact JSON with its members in the order they were added.
///
/// Values are JSON strings (escaped: `"`, `\` and control characters; everything else, including
/// `/` and non-ASCII text, is written as UTF-8) or integers. The `"alg"` member comes from the
/// algorithm given to [`Header::new`]: it is written where [`Header::alg`] is called, or last if
/// it never is (the order of FreedomPay's documented examples). A member named `alg` passed to
/// [`Header::string`] or [`Header::number`] is dropped, so that a header always declares the
/// algorithm it is signed with. Other names are written as given, duplicates included.
///
/// ```
/// use freedompay_sign::jws::{Algorithm, Header};
///
/// let header = Header::new(Algorithm::Hs512)
///     .string("uri", "/v5/merchant/invoice/init")
///     .number("merchant_id", 123456)
///     .string("method", "POST")
///     .string("params", "");
/// assert_eq!(
///     header.to_json(),
///     br#"{"uri":"/v5/merchant/invoice/init","merchant_id":123456,"method":"POST","params":"","alg":"HS512"}"#
/// );
///
/// let alg_first = Header::new(Algorithm::Hs256).alg().string("uri", "/v5/partner/rates/add");
/// assert_eq!(alg_first.to_json(), br#"{"alg":"HS256","uri":"/v5/partner/rates/add"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    alg: Algorithm,
    /// The members written so far, without the surrounding braces.
    members: String,
    alg_written: bool,
}

impl Header {
    /// An empty header for `alg`.
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            members: String::new(),
            alg_written: false,
        }
    }

    /// The algorithm this header declares.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// Adds a string member.
    #[must_use]
    pub fn string(mut self, name: &str, value: &str) -> Self {
        if name != "alg" {
            self.member_name(name);
            write_json_string(&mut self.members, value);
        }
        self
    }

    /// Adds an integer member (for example an integer `merchant_id`).
    #[must_use]
    pub fn number(mut self, name: &str, value: i64) -> Self {
        if name != "alg" {
            self.member_name(name);
            // Writing into a `String` cannot fail.
            let _ = write!(self.members, "{value}");
        }
        self
    }

    /// Writes the `"alg"` member here instead of last. Only the first call has an effect.
    #[must_use]
    pub fn alg(mut self) -> Self {
        if !self.alg_written {
            self.push_alg();
        }
        self
    }

    /// The header's JSON bytes, as they are signed and sent.
    pub fn to_json(&self) -> Vec<u8> {
        let mut header = self.clone();
        if !header.alg_written {
            header.push_alg();
        }
        let mut json = Vec::with_capacity(header.members.len() + 2);
        json.push(b'{');
        json.extend_from_slice(header.members.as_bytes());
        json.push(b'}');
        json
    }

    /// Signs `payload` with this header and its algorithm: [`sign_detached`] with
    /// [`Header::to_json`].
    pub fn sign_detached(&self, payload: &[u8], secret: &SecretKey) -> String {
        sign_detached(self.alg, &self.to_json(), payload, secret)
    }

    fn member_name(&mut self, name: &str) {
        if !self.members.is_empty() {
            self.members.push(',');
        }
        write_json_string(&mut self.members, name);
        self.members.push(':');
    }

    fn push_alg(&mut self) {
        self.member_name("alg");
        write_json_string(&mut self.members, self.alg.as_str());
        self.alg_written = true;
    }
}

/// Writes `value` as a JSON string literal.
fn write_json_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{0}'..='\u{1f}' => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

/// The header of a token that verified: its algorithm and its decoded JSON bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetachedHeader {
    alg: Algorithm,
    json: Vec<u8>,
}

impl DetachedHeader {
    /// The algorithm the header declares (and the token was verified with).
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The header's JSON bytes, decoded from base64url.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// The header's JSON bytes, decoded from base64url.
    pub fn into_json(self) -> Vec<u8> {
        self.json
    }
}

/// Why a detached JWS was refused.
///
/// Its `Display` never shows the secret, the signature or the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsError {
    /// The token is not of the form `header..signature` (empty, no `..`, an attached payload,
    /// an empty part, or extra dots).
    MalformedToken,
    /// The header or the signature is not unpadded base64url.
    InvalidBase64,
    /// The header is not a JSON object (or not UTF-8), or it names `alg` twice.
    MalformedHeader,
    /// The header has no top-level `alg`.
    MissingAlgorithm,
    /// The header's `alg` is not `HS256` or `HS512` (for example `none`, `RS256`, or not a
    /// string).
    UnsupportedAlgorithm,
    /// The header's `alg` is supported but not the one the caller required.
    AlgorithmMismatch {
        /// The algorithm the caller required.
        expected: Algorithm,
        /// The algorithm the header declares.
        found: Algorithm,
    },
    /// The signature does not match the header, the payload and the secret.
    SignatureMismatch,
}

impl fmt::Display for JwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwsError::MalformedToken => {
                f.write_str("the JWS is not of the form `header..signature`")
            }
            JwsError::InvalidBase64 => f.write_str("the JWS header or signature is not base64url"),
            JwsError::MalformedHeader => f.write_str("the JWS header is not a valid JSON object"),
            JwsError::MissingAlgorithm => f.write_str("the JWS header has no `alg`"),
            JwsError::UnsupportedAlgorithm => {
                f.write_str("the JWS header's `alg` is not HS256 or HS512")
            }
            JwsError::AlgorithmMismatch { expected, found } => {
                write!(f, "the JWS is signed with {found}, {expected} is required")
            }
            JwsError::SignatureMismatch => f.write_str("the JWS signature does not match"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for JwsError {}

/// Verifies a detached token against `payload`, with the algorithm its header declares (HS256 or
/// HS512).
///
/// Prefer [`verify_detached_with`] where the expected algorithm is known: it also refuses a
/// token signed with the other one.
pub fn verify_detached(
    token: &str,
    payload: &[u8],
    secret: &SecretKey,
) -> Result<DetachedHeader, JwsError> {
    verify(None, token, payload, secret)
}

/// Verifies a detached token against `payload`, requiring its header to declare `alg`.
///
/// ```
/// use freedompay_sign::SecretKey;
/// use freedompay_sign::jws::{self, Algorithm, Header, JwsError};
///
/// let secret = SecretKey::new("secret_key").unwrap();
/// let token = Header::new(Algorithm::Hs256).sign_detached(b"{}", &secret);
///
/// assert_eq!(
///     jws::verify_detached_with(Algorithm::Hs512, &token, b"{}", &secret),
///     Err(JwsError::AlgorithmMismatch { expected: Algorithm::Hs512, found: Algorithm::Hs256 })
/// );
/// ```
pub fn verify_detached_with(
    alg: Algorithm,
    token: &str,
    payload: &[u8],
    secret: &SecretKey,
) -> Result<DetachedHeader, JwsError> {
    verify(Some(alg), token, payload, secret)
}

fn verify(
    required: Option<Algorithm>,
    token: &str,
    payload: &[u8],
    secret: &SecretKey,
) -> Result<DetachedHeader, JwsError> {
    let (header_b64, signature_b64) = token.split_once("..").ok_or(JwsError::MalformedToken)?;
    if header_b64.is_empty()
        || signature_b64.is_empty()
        || header_b64.contains('.')
        || signature_b64.contains('.')
    {
        return Err(JwsError::MalformedToken);
    }
    let json = URL_SAFE_NO_PAD
        .decode(header_b64)
        .map_err(|_| JwsError::InvalidBase64)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| JwsError::InvalidBase64)?;

    let alg = match header_alg(&json)? {
        AlgMember::Missing => return Err(JwsError::MissingAlgorithm),
        AlgMember::NotAString => return Err(JwsError::UnsupportedAlgorithm),
        AlgMember::Name(name) => {
            Algorithm::from_name(&name).ok_or(JwsError::UnsupportedAlgorithm)?
        }
    };
    if let Some(expected) = required
        && expected != alg
    {
        return Err(JwsError::AlgorithmMismatch {
            expected,
            found: alg,
        });
    }

    let payload_b64 = URL_SAFE_NO_PAD.encode(payload);
    let expected = alg.mac(secret.expose(), header_b64, &payload_b64);
    if bool::from(expected.as_slice().ct_eq(signature.as_slice())) {
        Ok(DetachedHeader { alg, json })
    } else {
        Err(JwsError::SignatureMismatch)
    }
}

/// The top-level `alg` member of a header, as found by [`header_alg`].
enum AlgMember {
    Missing,
    NotAString,
    /// The decoded string value.
    Name(Vec<u8>),
}

/// Finds the top-level `alg` of a JSON object, checking the whole object's syntax on the way.
///
/// Keys are compared after unescaping, so `"\u0061lg"` is `alg`; an `alg` nested in another
/// value or written inside a string is not. A second top-level `alg` is refused.
fn header_alg(json: &[u8]) -> Result<AlgMember, JwsError> {
    if core::str::from_utf8(json).is_err() {
        return Err(JwsError::MalformedHeader);
    }
    let mut scanner = Scanner {
        bytes: json,
        pos: 0,
    };
    scanner
        .top_level_alg()
        .map_err(|Syntax| JwsError::MalformedHeader)
}

/// A JSON syntax error (or an ambiguous header) met by the [`Scanner`].
struct Syntax;

/// Nesting deeper than this is refused, which keeps the scan's memory bounded.
const MAX_DEPTH: usize = 64;

/// A minimal, strict JSON scanner over bytes known to be UTF-8. It never recurses and never
/// indexes out of bounds.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn top_level_alg(&mut self) -> Result<AlgMember, Syntax> {
        let mut alg = AlgMember::Missing;
        self.ws();
        self.expect(b'{')?;
        self.ws();
        if !self.eat(b'}') {
            loop {
                let mut name = Vec::new();
                self.string(Some(&mut name))?;
                self.ws();
                self.expect(b':')?;
                self.ws();
                if name == b"alg" {
                    if !matches!(alg, AlgMember::Missing) {
                        return Err(Syntax);
                    }
                    alg = if self.peek() == Some(b'"') {
                        let mut value = Vec::new();
                        self.string(Some(&mut value))?;
                        AlgMember::Name(value)
                    } else {
                        self.skip_value()?;
                        AlgMember::NotAString
                    };
                } else {
                    self.skip_value()?;
                }
                self.ws();
                match self.bump() {
                    Some(b',') => self.ws(),
                    Some(b'}') => break,
                    _ => return Err(Syntax),
                }
            }
        }
        self.ws();
        if self.pos == self.bytes.len() {
            Ok(alg)
        } else {
            Err(Syntax)
        }
    }

    /// Skips one JSON value, nested containers included, without recursion.
    fn skip_value(&mut self) -> Result<(), Syntax> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.ws();
            match self.peek().ok_or(Syntax)? {
                opening @ (b'{' | b'[') => {
                    self.pos += 1;
                    self.ws();
                    let closing = if opening == b'{' { b'}' } else { b']' };
                    if !self.eat(closing) {
                        if open.len() >= MAX_DEPTH {
                            return Err(Syntax);
                        }
                        open.push(opening);
                        if opening == b'{' {
                            self.member_name()?;
                        }
                        continue;
                    }
                }
                b'"' => self.string(None)?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            // A value is complete: close what it completes, or move on to the next element.
            loop {
                let Some(&innermost) = open.last() else {
                    return Ok(());
                };
                self.ws();
                match (innermost, self.bump()) {
                    (_, Some(b',')) => {
                        if innermost == b'{' {
                            self.ws();
                            self.member_name()?;
                        }
                        break;
                    }
                    (b'{', Some(b'}')) | (b'[', Some(b']')) => {
                        open.pop();
                    }
                    _ => return Err(Syntax),
                }
            }
        }
    }

    fn member_name(&mut self) -> Result<(), Syntax> {
        self.string(None)?;
        self.ws();
        self.expect(b':')
    }

    /// A string literal; its unescaped bytes go to `out` when given.
    fn string(&mut self, mut out: Option<&mut Vec<u8>>) -> Result<(), Syntax> {
        self.expect(b'"')?;
        loop {
            match self.bump().ok_or(Syntax)? {
                b'"' => return Ok(()),
                b'\\' => {
                    let c = match self.bump().ok_or(Syntax)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(Syntax),
                    };
                    if let Some(out) = out.as_deref_mut() {
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
                0x00..=0x1f => return Err(Syntax),
                b => {
                    if let Some(out) = out.as_deref_mut() {
                        out.push(b);
                    }
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` already read), surrogate pairs joined.
    fn unicode_escape(&mut self) -> Result<char, Syntax> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            self.expect(b'\\')?;
            self.expect(b'u')?;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(Syntax);
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        // A lone low surrogate has no `char`.
        char::from_u32(code).ok_or(Syntax)
    }

    fn hex4(&mut self) -> Result<u32, Syntax> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = char::from(self.bump().ok_or(Syntax)?)
                .to_digit(16)
                .ok_or(Syntax)?;
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), Syntax> {
        self.eat(b'-');
        if !self.eat(b'0') {
            if !matches!(self.peek(), Some(b'1'..=b'9')) {
                return Err(Syntax);
            }
            self.digits();
        }
        if self.eat(b'.') {
            self.digits1()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.digits1()?;
        }
        Ok(())
    }

    fn digits1(&mut self) -> Result<(), Syntax> {
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            self.digits();
            Ok(())
        } else {
            Err(Syntax)
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Syntax> {
        let end = self.pos.checked_add(word.len()).ok_or(Syntax)?;
        if self.bytes.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(Syntax)
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Syntax> {
        if self.eat(b) { Ok(()) } else { Err(Syntax) }
    }
}
