//! Per-API settings of the JSON kind: key id and secret, host, JWS header shape.

use std::borrow::Cow;
use std::fmt;

use freedompay_sign::SecretKey;
use freedompay_sign::jws::{Algorithm, Header};
use freedompay_transport::Method;

use super::JsonApi;
use crate::InvalidInput;

/// How the key id is written into the JWS header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyIdEncoding {
    /// A JSON string: `"auth_id":"123456"`.
    String,
    /// A JSON integer when the id is all digits (and fits), else a string:
    /// `"merchant_id":123456` (the Invoice documentation's encoded example).
    NumberIfDigits,
}

/// Whether the API's replies must carry a verified `X-JWS-Signature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReplySignature {
    /// Not published: a reply's `X-JWS-Signature` is verified when there is one (a mismatch
    /// is [`ErrorKind::SignatureInvalid`](crate::ErrorKind::SignatureInvalid)); a reply
    /// without one is accepted as it came (over TLS).
    IfPresent,
    /// Every reply must carry a valid `X-JWS-Signature`; one without is refused.
    Required,
}

/// The shape of an API's request authentication: the JWS algorithm, the header's members, and
/// whether an `X-Request-Id` header is sent (docs/protocol.md §12.1).
///
/// The header is `{"<path member>":"/v5/...","<key member>":<key id>,"method":"POST","params":"","alg":"HS512"}`,
/// in that order, the order of every documented example.
///
/// ```
/// use freedompay_core::json::{JsonApi, JwsProfile, KeyIdEncoding};
/// use freedompay_sign::jws::Algorithm;
///
/// let invoice = JsonApi::Invoice.default_profile();
/// assert_eq!(invoice.algorithm(), Algorithm::Hs512);
/// assert_eq!(invoice.path_member(), "path");
/// let by_the_prose = JwsProfile::new(Algorithm::Hs512, "uri", "merchant_id", KeyIdEncoding::String);
/// assert_eq!(by_the_prose.key_member(), "merchant_id");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwsProfile {
    alg: Algorithm,
    path_member: Cow<'static, str>,
    key_member: Cow<'static, str>,
    key_encoding: KeyIdEncoding,
    request_id_header: bool,
    reply: ReplySignature,
}

impl JwsProfile {
    /// A profile: the algorithm, the names of the path and key id members, how the key id is
    /// written. It sends `X-Request-Id` and verifies replies [`ReplySignature::IfPresent`].
    pub fn new(
        alg: Algorithm,
        path_member: impl Into<Cow<'static, str>>,
        key_member: impl Into<Cow<'static, str>>,
        key_encoding: KeyIdEncoding,
    ) -> Self {
        Self {
            alg,
            path_member: path_member.into(),
            key_member: key_member.into(),
            key_encoding,
            request_id_header: true,
            reply: ReplySignature::IfPresent,
        }
    }

    /// Whether the request carries an `X-Request-Id` header (default: yes).
    pub fn request_id_header(mut self, send: bool) -> Self {
        self.request_id_header = send;
        self
    }

    /// How replies are verified.
    pub fn reply_signature(mut self, reply: ReplySignature) -> Self {
        self.reply = reply;
        self
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The name of the header member that carries the path (`uri` or `path`).
    pub fn path_member(&self) -> &str {
        &self.path_member
    }

    /// The name of the header member that carries the key id (`merchant_id` or `auth_id`).
    pub fn key_member(&self) -> &str {
        &self.key_member
    }

    /// Whether an `X-Request-Id` header is sent.
    pub fn sends_request_id(&self) -> bool {
        self.request_id_header
    }

    /// How replies are verified.
    pub fn replies(&self) -> ReplySignature {
        self.reply
    }

    /// The JWS header of a call.
    pub(crate) fn header(&self, key_id: &str, method: Method, path: &str) -> Header {
        let header = Header::new(self.alg).string(&self.path_member, path);
        let header = match (self.key_encoding, number_of(key_id)) {
            (KeyIdEncoding::NumberIfDigits, Some(n)) => header.number(&self.key_member, n),
            _ => header.string(&self.key_member, key_id),
        };
        header
            .string("method", method.as_str())
            .string("params", "")
    }
}

/// All digits, no leading zero, fits an `i64`.
fn number_of(id: &str) -> Option<i64> {
    if id.is_empty()
        || !id.bytes().all(|b| b.is_ascii_digit())
        || (id.len() > 1 && id.starts_with('0'))
    {
        return None;
    }
    id.parse().ok()
}

/// The SDK's reading of each API's documentation (docs/protocol.md §12.1).
pub(super) fn default_profile(api: JsonApi) -> JwsProfile {
    match api {
        // The encoded example token (the one that reproduces) has `path` and an integer
        // merchant id; the prose shows `uri` and a string [?]. No `X-Request-Id` is documented.
        JsonApi::Invoice => JwsProfile::new(
            Algorithm::Hs512,
            "path",
            "merchant_id",
            KeyIdEncoding::NumberIfDigits,
        )
        .request_id_header(false),
        // doc-650923 (the Async API's overview): `uri`, a string `auth_id`, HS256; every page
        // requires `X-Request-Id`. Its example token does not reproduce with any key tried
        // (docs/protocol.md §12.1).
        JsonApi::Async => {
            JwsProfile::new(Algorithm::Hs256, "uri", "auth_id", KeyIdEncoding::String)
        }
        // doc-760202: `uri`, a string `auth_id`; no `X-Request-Id` header (the request id is a
        // body member).
        JsonApi::Card => JwsProfile::new(Algorithm::Hs512, "uri", "auth_id", KeyIdEncoding::String)
            .request_id_header(false),
        // info-32239722e0: `uri`, `auth_id`, HS256, `X-Request-Id` (UUID v7).
        JsonApi::Partner => {
            JwsProfile::new(Algorithm::Hs256, "uri", "auth_id", KeyIdEncoding::String)
        }
    }
}

/// One API's settings.
#[derive(Clone, Default)]
struct ApiSettings {
    key: Option<(String, Result<SecretKey, InvalidInput>)>,
    base_url: Option<String>,
    profile: Option<JwsProfile>,
}

/// The settings of the four APIs, in the [`Config`](crate::Config).
#[derive(Clone, Default)]
pub(crate) struct JsonSettings {
    apis: [ApiSettings; 4],
}

impl fmt::Debug for JsonSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_map();
        for api in JsonApi::ALL {
            let settings = &self.apis[api.index()];
            if let Some((id, _)) = &settings.key {
                list.entry(&api.name(), &format_args!("key id {id}, secret set"));
            }
        }
        list.finish()
    }
}

impl JsonSettings {
    pub(crate) fn set_key(&mut self, api: JsonApi, key_id: String, secret: String) {
        let secret = SecretKey::new(secret)
            .map_err(|_| InvalidInput::new(key_setting(api), "the secret must not be empty"));
        self.apis[api.index()].key = Some((key_id, secret));
    }

    pub(crate) fn set_base_url(&mut self, api: JsonApi, url: String) {
        self.apis[api.index()].base_url = Some(url);
    }

    pub(crate) fn set_profile(&mut self, api: JsonApi, profile: JwsProfile) {
        self.apis[api.index()].profile = Some(profile);
    }

    /// Checks every setting given.
    pub(crate) fn checked(mut self) -> Result<Self, InvalidInput> {
        for api in JsonApi::ALL {
            let settings = &mut self.apis[api.index()];
            if let Some((id, secret)) = &settings.key {
                if id.is_empty() || id.len() > 64 || id.chars().any(char::is_control) {
                    return Err(InvalidInput::new(
                        key_setting(api),
                        "the key id must be 1 to 64 characters",
                    ));
                }
                if let Err(e) = secret {
                    return Err(e.clone());
                }
            }
            if let Some(url) = settings.base_url.take() {
                settings.base_url = Some(
                    crate::config::check_base_url(url)
                        .map_err(|e| e.for_field("json_api_base_url"))?,
                );
            }
        }
        Ok(self)
    }

    /// The key id and secret set for the API, if any.
    pub(crate) fn key(&self, api: JsonApi) -> Option<(&str, &SecretKey)> {
        match &self.apis[api.index()].key {
            Some((id, Ok(secret))) => Some((id, secret)),
            _ => None,
        }
    }

    pub(crate) fn base_url(&self, api: JsonApi) -> Option<&str> {
        self.apis[api.index()].base_url.as_deref()
    }

    pub(crate) fn profile(&self, api: JsonApi) -> JwsProfile {
        self.apis[api.index()]
            .profile
            .clone()
            .unwrap_or_else(|| default_profile(api))
    }
}

/// The name of the setting of an API's key, in refusals.
pub(crate) fn key_setting(api: JsonApi) -> &'static str {
    match api {
        JsonApi::Invoice => "json_api_key(invoice)",
        JsonApi::Async => "json_api_key(async)",
        JsonApi::Card => "json_api_key(card)",
        JsonApi::Partner => "json_api_key(partner)",
    }
}
