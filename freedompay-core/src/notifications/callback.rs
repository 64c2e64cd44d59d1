//! The generic layer: verification of any callback and signed replies (see the
//! [module's docs](super) for when to use it rather than a typed notification).
//!
//! ```
//! use freedompay_core::notifications::{CallbackReply, CallbackRequest, VerifiedCallback};
//! use freedompay_sign::SecretKey;
//!
//! let secret = SecretKey::new("TESTSECRET")?;
//! // What your web framework gives you: the URL FreedomPay called, the query, the body.
//! let url = "https://shop.kz/freedompay/result";
//! # let body = freedompay_core::notifications::testing::signed_form(url, &[("pg_order_id", "42"), ("pg_result", "1"), ("pg_salt", "s1")], &secret);
//! let request = CallbackRequest::new(url, "", &body).content_type("application/x-www-form-urlencoded");
//! let callback = VerifiedCallback::verify(request, &secret)?;
//! assert_eq!(callback.fields().text("pg_order_id"), Some("42"));
//!
//! let reply = CallbackReply::ok().description("Order paid").sign(&callback, &secret)?;
//! assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
//! assert!(reply.body().contains("<pg_salt>s1</pg_salt>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use freedompay_sign::{
    Fields, SALT_FIELD, SIG_FIELD, ScriptName, SecretKey, SignError, VerifyError, sign, verify,
};
use freedompay_xml::{ParseError, WriteError};

use crate::form::FormError;
use crate::wire::{ReadError, Response};

use super::body::{self, MultipartError};

/// How a callback's fields arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackForm {
    /// In the URL's query (`pg_request_method=GET`, and the success/failure redirects).
    Query,
    /// In a form-encoded body (`POST`, `application/x-www-form-urlencoded`).
    Form,
    /// In a `multipart/form-data` body (`POST`; the documentation's payout notification,
    /// docs.freedompay.kz api-11622162).
    Multipart,
    /// As an XML document in the `pg_xml` form field, or as the whole body (`XML`).
    Xml,
}

/// Why a callback was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The URL has no script name (empty last path segment).
    Url,
    /// The form could not be decoded.
    Form(FormError),
    /// The `multipart/form-data` body could not be decoded.
    Multipart(MultipartError),
    /// The `pg_xml` document could not be parsed.
    Xml(ParseError),
    /// There are no fields at all.
    Empty,
    /// There is no `pg_sig`: nothing in it can be trusted.
    Unsigned,
    /// `pg_sig` does not match: a wrong secret, a different URL (script name) than the one
    /// FreedomPay was given, or altered fields.
    Mismatch,
    /// The fields cannot be canonicalised by the reference algorithm.
    Sign(SignError),
    /// The signature matches, but `pg_salt` is missing, empty, or holds characters an XML
    /// reply cannot echo. FreedomPay always sends one (docs.freedompay.kz api-11622162 marks
    /// it required), and the reply must echo it, so such a callback is refused; the typed
    /// notifications report it as [`NotificationError::Field`](super::NotificationError::Field).
    Salt(ReadError),
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::Url => f.write_str("the callback URL has no script name (it ends in '/')"),
            CallbackError::Form(e) => write!(f, "the callback's form cannot be decoded: {e}"),
            CallbackError::Multipart(e) => {
                write!(f, "the callback's multipart body cannot be decoded: {e}")
            }
            CallbackError::Xml(e) => write!(f, "the callback's pg_xml cannot be parsed: {e}"),
            CallbackError::Empty => f.write_str("the callback has no fields"),
            CallbackError::Unsigned => f.write_str("the callback has no pg_sig"),
            CallbackError::Mismatch => f.write_str(
                "the callback's signature does not match (wrong secret, another URL than the one FreedomPay signs for, or altered fields)",
            ),
            CallbackError::Sign(e) => write!(f, "the callback cannot be canonicalised: {e}"),
            CallbackError::Salt(e) if e.is_missing() => {
                f.write_str("the callback is authentic but has no pg_salt")
            }
            CallbackError::Salt(_) => f.write_str(
                "the callback is authentic but its pg_salt cannot be echoed in an XML reply",
            ),
        }
    }
}

impl std::error::Error for CallbackError {}

/// A callback whose signature was checked.
#[derive(Debug, Clone)]
pub struct VerifiedCallback {
    fields: Fields,
    script: ScriptName,
    form: CallbackForm,
}

impl VerifiedCallback {
    /// Verifies a callback from what a web framework hands over: the URL FreedomPay called
    /// (scheme and host may be omitted; a query in it is ignored), the raw query string
    /// (without `?`, empty if none), the `Content-Type` header's value and the raw body.
    ///
    /// A callback with a non-empty body is read from the body (an urlencoded form, a `pg_xml`
    /// field, an XML body, or `multipart/form-data`); otherwise from the query (GET).
    /// docs/protocol.md §2.8: a POST callback is signed over the body's fields only, a GET callback
    /// over all query parameters. Then `pg_salt` is checked ([`CallbackError::Salt`]).
    pub fn verify(request: CallbackRequest<'_>, secret: &SecretKey) -> Result<Self, CallbackError> {
        let script = ScriptName::from_url(request.url).map_err(|_| CallbackError::Url)?;
        let (fields, form) = body::decode(&request)?;
        Self::verify_fields(fields, form, script, secret)
    }

    /// As [`verify`](Self::verify), without the `Content-Type`: a `multipart/form-data` body
    /// is recognised by its opening boundary line.
    pub fn from_request(
        url: &str,
        query: &str,
        body: &[u8],
        secret: &SecretKey,
    ) -> Result<Self, CallbackError> {
        Self::verify(CallbackRequest::new(url, query, body), secret)
    }

    /// Verifies already decoded fields (a framework that parsed the form itself must keep the
    /// order and nesting). A lone `pg_xml` field is unwrapped.
    pub fn from_fields(
        fields: Fields,
        script: ScriptName,
        secret: &SecretKey,
    ) -> Result<Self, CallbackError> {
        Self::verify_fields(fields, CallbackForm::Form, script, secret)
    }

    fn verify_fields(
        fields: Fields,
        form: CallbackForm,
        script: ScriptName,
        secret: &SecretKey,
    ) -> Result<Self, CallbackError> {
        let (fields, form) = match (fields.len(), fields.text("pg_xml")) {
            (1, Some(xml)) => (
                freedompay_xml::parse_pg_xml(xml)
                    .map_err(CallbackError::Xml)?
                    .into_fields(),
                CallbackForm::Xml,
            ),
            _ => (fields, form),
        };
        if fields.is_empty() {
            return Err(CallbackError::Empty);
        }
        match verify(&script, &fields, secret) {
            Ok(()) => {}
            Err(VerifyError::Missing) => return Err(CallbackError::Unsigned),
            Err(VerifyError::Sign(e)) => return Err(CallbackError::Sign(e)),
            Err(_) => return Err(CallbackError::Mismatch),
        }
        check_salt(&fields).map_err(CallbackError::Salt)?;
        Ok(Self {
            fields,
            script,
            form,
        })
    }

    /// The verified fields (the merchant's own extra fields included).
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The fields with typed accessors.
    pub fn response(&self) -> Response<'_> {
        Response::new(&self.fields)
    }

    /// The script name it was verified with; replies are signed with it too.
    pub fn script_name(&self) -> &ScriptName {
        &self.script
    }

    /// How it arrived.
    pub fn form(&self) -> CallbackForm {
        self.form
    }

    /// The incoming `pg_salt`, echoed in the reply.
    pub fn salt(&self) -> Option<&str> {
        self.fields.text(SALT_FIELD)
    }
}

/// `pg_salt` must be there (not empty) and fit in an XML reply, which echoes it.
fn check_salt(fields: &Fields) -> Result<(), ReadError> {
    match fields.text(SALT_FIELD) {
        None | Some("") => Err(ReadError::missing(SALT_FIELD)),
        Some(salt) if xml_text(salt) != salt => Err(ReadError::invalid(SALT_FIELD)),
        Some(_) => Ok(()),
    }
}

/// What a web framework hands over about one callback request, for
/// [`VerifiedCallback::verify`] and the typed notifications' `verify_request`.
///
/// ```
/// use freedompay_core::notifications::CallbackRequest;
///
/// let body = b"--X\r\nContent-Disposition: form-data; name=\"pg_salt\"\r\n\r\ns1\r\n--X--\r\n";
/// let request = CallbackRequest::new("https://shop.kz/freedompay/payout-notify", "", body)
///     .content_type("multipart/form-data; boundary=X");
/// assert_eq!(request.content_type_value(), Some("multipart/form-data; boundary=X"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackRequest<'a> {
    pub(crate) url: &'a str,
    pub(crate) query: &'a str,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

impl<'a> CallbackRequest<'a> {
    /// The URL FreedomPay called (its last path segment is the script name; scheme and host
    /// may be omitted), the raw query string (without `?`, empty if none) and the raw body
    /// (empty for a GET callback).
    pub fn new(url: &'a str, query: &'a str, body: &'a [u8]) -> Self {
        Self {
            url,
            query,
            content_type: None,
            body,
        }
    }

    /// The value of the request's `Content-Type` header, as received
    /// (`multipart/form-data; boundary=...`, `application/x-www-form-urlencoded`). Without
    /// it the body's form is recognised from its first bytes.
    pub fn content_type(mut self, value: &'a str) -> Self {
        self.content_type = Some(value);
        self
    }

    /// The `Content-Type` given, if any.
    pub fn content_type_value(&self) -> Option<&'a str> {
        self.content_type
    }
}

/// The merchant's answer to a check, result, refund or capture callback (docs/protocol.md §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyStatus {
    /// `ok`: accepted.
    Ok,
    /// `rejected`: refused (a check, or a result that allowed rejection).
    Rejected,
    /// `error`: the merchant could not process it; FreedomPay retries.
    Error,
}

impl ReplyStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyStatus::Ok => "ok",
            ReplyStatus::Rejected => "rejected",
            ReplyStatus::Error => "error",
        }
    }
}

/// A reply to a callback, signed with the callback's script name and the incoming salt, so
/// that a replayed callback gets the same bytes.
///
/// The typed notifications build these (and refuse `rejected` where the callback does not
/// allow it); this is the general form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReply {
    status: ReplyStatus,
    description: Option<(&'static str, String)>,
}

impl CallbackReply {
    /// A reply with this status and no description.
    pub fn new(status: ReplyStatus) -> Self {
        Self {
            status,
            description: None,
        }
    }

    /// `ok`.
    pub fn ok() -> Self {
        Self::new(ReplyStatus::Ok)
    }

    /// `rejected`.
    pub fn rejected() -> Self {
        Self::new(ReplyStatus::Rejected)
    }

    /// `error`.
    pub fn error() -> Self {
        Self::new(ReplyStatus::Error)
    }

    /// Adds `pg_description` (result callbacks: shown to the payer on `rejected`).
    /// Characters XML cannot carry (C0 controls but tab and line breaks, U+FFFE, U+FFFF) are
    /// dropped.
    pub fn description(mut self, text: impl AsRef<str>) -> Self {
        self.description = Some(("pg_description", xml_text(text.as_ref())));
        self
    }

    /// Adds `pg_error_description` (check callbacks), dropping what XML cannot carry.
    pub fn error_description(mut self, text: impl AsRef<str>) -> Self {
        self.description = Some(("pg_error_description", xml_text(text.as_ref())));
        self
    }

    /// The status.
    pub fn status(&self) -> ReplyStatus {
        self.status
    }

    /// Signs the reply for this callback.
    pub fn sign(
        &self,
        callback: &VerifiedCallback,
        secret: &SecretKey,
    ) -> Result<ReplyBody, ReplyError> {
        self.sign_with(callback.script_name(), callback.salt(), secret)
    }

    /// Signs the reply with a script name and salt given explicitly (no salt: none is
    /// echoed).
    pub fn sign_with(
        &self,
        script: &ScriptName,
        salt: Option<&str>,
        secret: &SecretKey,
    ) -> Result<ReplyBody, ReplyError> {
        let mut fields = Fields::with_capacity(4);
        fields.push("pg_status", self.status.as_str());
        if let Some((name, text)) = &self.description {
            fields.push(*name, text.as_str());
        }
        if let Some(salt) = salt {
            fields.push(SALT_FIELD, salt);
        }
        let signature = sign(script, &fields, secret).map_err(ReplyError::Sign)?;
        fields.push(SIG_FIELD, signature.as_str());
        // Only an echoed salt XML cannot carry can fail here; verification refuses such a
        // callback ([`CallbackError::Salt`]), so only `sign_with` can meet one.
        let body = freedompay_xml::write(&fields).map_err(ReplyError::Write)?;
        Ok(ReplyBody::new(body, "application/xml; charset=utf-8"))
    }
}

/// Why a reply could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The reply's fields cannot be signed.
    Sign(SignError),
    /// The reply cannot be written as XML (an echoed salt with characters XML cannot carry).
    Write(WriteError),
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Sign(e) => write!(f, "the reply cannot be signed: {e}"),
            ReplyError::Write(e) => write!(f, "the reply cannot be written as XML: {e}"),
        }
    }
}

impl std::error::Error for ReplyError {}

/// Drops what XML 1.0 cannot carry (C0 controls other than tab, line feed and carriage
/// return; U+FFFE and U+FFFF), so a text always fits in a signed XML reply.
pub(crate) fn xml_text(value: &str) -> String {
    value
        .chars()
        .filter(|&c| {
            !((c < ' ' && c != '\t' && c != '\n' && c != '\r')
                || c == '\u{FFFE}'
                || c == '\u{FFFF}')
        })
        .collect()
}

/// A reply ready to send: its body and content type, status 200.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyBody {
    body: String,
    content_type: &'static str,
}

impl ReplyBody {
    pub(crate) fn new(body: String, content_type: &'static str) -> Self {
        Self { body, content_type }
    }

    /// The body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body, by value.
    pub fn into_body(self) -> String {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_texts_lose_only_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\u{1}b\tc\nd\u{FFFF}е"), "ab\tc\ndе");
    }

    #[test]
    fn a_description_xml_cannot_carry_still_signs() {
        let script = ScriptName::new("result").unwrap();
        let secret = SecretKey::new("TESTSECRET").unwrap();
        let reply = CallbackReply::rejected()
            .description("Sold out\u{0}")
            .sign_with(&script, Some("xyz"), &secret)
            .unwrap();
        assert!(
            reply
                .body()
                .contains("<pg_description>Sold out</pg_description>"),
            "{}",
            reply.body()
        );
    }
}

/// Helpers for tests of callback handlers: build what FreedomPay would send.
pub mod testing {
    use freedompay_sign::{Fields, SIG_FIELD, ScriptName, SecretKey, sign};

    use crate::form;

    /// Signs `pairs` as FreedomPay would for a callback to `url` and returns the form body.
    ///
    /// # Panics
    /// If `url` has no script name or the pairs cannot be signed; test inputs only.
    pub fn signed_form(url: &str, pairs: &[(&str, &str)], secret: &SecretKey) -> Vec<u8> {
        form::encode(&signed_fields(url, pairs, secret)).into_bytes()
    }

    /// As [`signed_form`], as a `multipart/form-data` body with this boundary (the
    /// `Content-Type` is `multipart/form-data; boundary={boundary}`), as `curl --form` sends
    /// it: one part per field, CRLF line ends.
    ///
    /// # Panics
    /// As [`signed_form`].
    pub fn signed_multipart(
        url: &str,
        pairs: &[(&str, &str)],
        secret: &SecretKey,
        boundary: &str,
    ) -> Vec<u8> {
        let fields = signed_fields(url, pairs, secret);
        let mut body = String::new();
        for field in &fields {
            let value = field.text().expect("flat fields");
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                field.name()
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        body.into_bytes()
    }

    /// As [`signed_form`], the fields.
    ///
    /// # Panics
    /// As [`signed_form`].
    pub fn signed_fields(url: &str, pairs: &[(&str, &str)], secret: &SecretKey) -> Fields {
        let script = ScriptName::from_url(url).expect("the URL has a script name");
        let mut fields: Fields = pairs.iter().map(|(n, v)| (*n, *v)).collect();
        let signature = sign(&script, &fields, secret).expect("the fields can be signed");
        fields.push(SIG_FIELD, signature.as_str());
        fields
    }
}
