//! The SDK's errors: what went wrong, and whether money may have moved.

use core::fmt;
use std::borrow::Cow;

use freedompay_transport::TransportError;

use crate::{ReadError, SecretKind};

/// A value refused before anything was signed or sent.
///
/// It names the field and the rule; it never quotes the value (which may be a card number).
///
/// ```
/// use freedompay_core::Amount;
///
/// let error = Amount::parse("0.001").unwrap_err();
/// assert_eq!(error.field(), "pg_amount");
/// assert_eq!(error.to_string(), "invalid pg_amount: must be a decimal number like 1500 or 1500.50, at most two fraction digits");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InvalidInput {
    field: Cow<'static, str>,
    rule: Cow<'static, str>,
}

impl InvalidInput {
    /// A refusal of `field` for breaking `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// The same refusal, for another field name (a value type used for several fields).
    pub fn for_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }

    /// The field (its wire name, or a config setting's name).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule it breaks.
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.rule)
    }
}

impl std::error::Error for InvalidInput {}

macro_rules! error_codes {
    ($($code:literal => $variant:ident, $class:ident, $doc:literal;)*) => {
        /// A `pg_error_code` of the gateway.
        ///
        /// FreedomPay's published code table was not retrievable for this SDK (see
        /// `docs/protocol.md §3`): the known codes are the ones seen in its documentation and in
        /// integrations, each with its [`ErrorClass`]; any other is [`ErrorCode::Unknown`] with
        /// its number.
        ///
        /// ```
        /// use freedompay_core::{ErrorClass, ErrorCode};
        ///
        /// assert_eq!(ErrorCode::from_code(340), ErrorCode::TransactionNotFound);
        /// assert_eq!(ErrorCode::from_code(4242), ErrorCode::Unknown(4242));
        /// assert_eq!(ErrorCode::PayoutDeclined10000.code(), 10000);
        /// assert_eq!(ErrorCode::CheckStatus.class(), ErrorClass::OutcomeUnknown);
        /// assert_eq!(ErrorCode::RefundAlreadyInitiated.class(), ErrorClass::Final);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
            /// A code this version of the SDK does not know. Its class is
            /// [`ErrorClass::OutcomeUnknown`]: nothing says it proves the money did not move.
            Unknown(u32),
        }

        impl ErrorCode {
            /// The known variant for a number, or `Unknown`.
            pub fn from_code(code: u32) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other),
                }
            }

            /// The number.
            pub fn code(self) -> u32 {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// What the code says about the request: refused for good, worth asking again, or
            /// of an unknown outcome. The [`Exchange`](crate::Exchange) retries a query only
            /// on a [`ErrorClass::Retryable`] code, and a money-moving call's error is an
            /// unknown outcome ([`Error::outcome_unknown`]) on an
            /// [`ErrorClass::OutcomeUnknown`] code.
            pub fn class(self) -> ErrorClass {
                match self {
                    $(ErrorCode::$variant => ErrorClass::$class,)*
                    ErrorCode::Unknown(_) => ErrorClass::OutcomeUnknown,
                }
            }
        }
    };
}

/// What an error code says about the request that got it; see [`ErrorCode::class`].
///
/// With the `serde` feature it is `"final"`, `"retryable"` or `"outcome_unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Refused for good: the gateway did not carry the request out, and the same request
    /// would be refused again (a configuration mistake, invalid input, a decline).
    Final,
    /// Refused for now: the same request may succeed later.
    Retryable,
    /// The reply does not say whether the request was carried out: for a money-moving call,
    /// check its status by order id before anything else.
    OutcomeUnknown,
}

error_codes! {
    101 => MerchantNotIdentified, Final, "101: the merchant was not identified (\"Empty merchant\": no or an unknown `pg_merchant_id`); sent unsigned, since the gateway cannot know the secret. Seed 002, `docs/protocol.md §3`.";
    9998 => InvalidSignature, Final, "9998: the request's signature is wrong (the wrong secret, or the payout secret where the payment secret belongs and back), or the merchant is unknown (gateway API). Nothing was carried out.";
    9997 => WrongShopId, Final, "9997: wrong shop (merchant) id.";
    9403 => Validation, Final, "9403: a request field failed validation.";
    340 => TransactionNotFound, Final, "340: transaction not found. Status queries answer it as a not-found [`Lookup`](crate::Lookup), not as an error.";
    11068 => NotFound, Final, "11068: \"not found\", reported by one integration only; unlike 340 it is kept an error.";
    4004 => RefundAlreadyInitiated, Final, "4004: a refund of this payment is already initiated; this refund request was refused (documented as sent unsigned).";
    75 => CashNotWithdrawn, Final, "75: cash by code was not withdrawn within the time limit; the amount is back on the merchant's balance.";
    5 => Declined, Final, "5: the transaction was declined.";
    10000 => PayoutDeclined10000, Final, "10000: payout refused (produced by the payout test card 5325 34** **** 1311).";
    10001 => PayoutDeclined10001, Final, "10001: payout refused (produced by the payout test card 4556 04** **** 5740).";
    8888 => PayoutDeclined8888, Final, "8888: payout refused (produced by the payout test card 5543 97** **** 6045).";
    1100 => WrongScriptOrSecret, Final, "1100: reported for a wrong script name or secret on card storage for payouts.";
    9999 => CheckStatus, OutcomeUnknown, "9999: the outcome must be checked with a status query (a payout in an unknown state).";
}

impl ErrorCode {
    /// Whether the code says the gateway did not identify the merchant or its signature, so
    /// it carried nothing out, however the reply came (signed or not): 101, 9998, 9997, 1100.
    /// Check the merchant id and the secret (the payout secret for payouts).
    pub fn is_configuration(self) -> bool {
        matches!(
            self,
            ErrorCode::MerchantNotIdentified
                | ErrorCode::InvalidSignature
                | ErrorCode::WrongShopId
                | ErrorCode::WrongScriptOrSecret
        )
    }

    /// Whether an **unsigned** reply with this code proves the request was not carried out:
    /// the configuration codes (the gateway signs nothing it could not attribute) and 4004,
    /// which the documentation shows unsigned. Any other unsigned error on a money-moving
    /// call is an unknown outcome.
    pub(crate) fn unsigned_proves_nothing_moved(self) -> bool {
        self.is_configuration() || self == ErrorCode::RefundAlreadyInitiated
    }
}

/// The number (`9999`), as the gateway writes it.
#[cfg(feature = "serde")]
impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.code())
    }
}

/// From the number; an unknown number is [`ErrorCode::Unknown`].
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ErrorCode::from_code(u32::deserialize(deserializer)?))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// A signed error reply of the gateway (`pg_status` = `error`): the request reached it and
/// was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    code: Option<ErrorCode>,
    description: Option<String>,
}

impl GatewayError {
    pub(crate) fn new(code: Option<ErrorCode>, description: Option<String>) -> Self {
        Self { code, description }
    }

    /// `pg_error_code`, when the reply had a numeric one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// `pg_error_description` as the gateway wrote it (authenticated by the signature).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// An error reply without a signature: the gateway could not identify the merchant (codes 101
/// or 9998) or answered some other error unsigned. Nothing in it is authenticated, so only the
/// numeric code is shown by `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedError {
    code: Option<ErrorCode>,
    description: Option<String>,
    http_status: u16,
}

impl UnsignedError {
    pub(crate) fn new(
        code: Option<ErrorCode>,
        description: Option<String>,
        http_status: u16,
    ) -> Self {
        Self {
            code,
            description,
            http_status,
        }
    }

    /// `pg_error_code`, when numeric (unauthenticated).
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// `pg_error_description` (unauthenticated; do not show it to customers as fact).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The HTTP status of the reply.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
}

/// Why a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResponse {
    reason: Cow<'static, str>,
    http_status: u16,
    field: Option<ReadError>,
}

impl MalformedResponse {
    pub(crate) fn new(reason: impl Into<Cow<'static, str>>, http_status: u16) -> Self {
        Self {
            reason: reason.into(),
            http_status,
            field: None,
        }
    }

    /// A verified reply whose field the operation could not read.
    pub(crate) fn field(error: ReadError, http_status: u16) -> Self {
        Self {
            reason: Cow::Owned(error.to_string()),
            http_status,
            field: Some(error),
        }
    }

    /// What was wrong, without quoting the body.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The HTTP status of the response.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    /// The field that was missing or unreadable, when the reply itself was a verified
    /// FreedomPay reply (it is also the error's [`source`](std::error::Error::source)).
    pub fn read_error(&self) -> Option<&ReadError> {
        self.field.as_ref()
    }
}

impl fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unreadable response (HTTP {}): {}",
            self.http_status, self.reason
        )
    }
}

impl std::error::Error for MalformedResponse {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.field
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What went wrong; see [`Error::kind`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value was refused before anything was sent.
    InvalidInput(InvalidInput),
    /// The transport failed; its [`SendState`](freedompay_transport::SendState) says whether
    /// the request may have left.
    Transport(TransportError),
    /// The server answered with a non-2xx status and no FreedomPay reply (a proxy's 502 HTML
    /// page, a 404).
    HttpStatus(u16),
    /// The response is not a FreedomPay reply that can be read (not XML, truncated, an HTML
    /// page, a required field missing or unreadable).
    Malformed(MalformedResponse),
    /// The response carries a `pg_sig` that does not match our secret: the wrong secret (the
    /// payout secret for payouts), the wrong script name, or an altered response. Nothing in
    /// it is trusted, so on a money-moving call the outcome is unknown.
    SignatureInvalid {
        /// The HTTP status of the response.
        http_status: u16,
    },
    /// An unsigned error reply. Unauthenticated: on a money-moving call it proves nothing
    /// moved only for the codes of [`ErrorCode::is_configuration`] and 4004.
    Unsigned(UnsignedError),
    /// A signed error reply: the gateway refused the request.
    Gateway(GatewayError),
    /// [`Exchange::next`](crate::Exchange::next) was called after the call was over (its
    /// result was handed out before). It keeps what that result said about the request.
    AlreadyDone {
        /// Whether the request may have reached the gateway.
        may_have_been_sent: bool,
        /// Whether the call moved money or may have (a money-moving call whose result was a
        /// success, or an unknown outcome).
        outcome_unknown: bool,
    },
}

/// An operation that failed, with what a payment system must know next: what happened
/// ([`Error::kind`]), whether the request may have reached the gateway
/// ([`Error::may_have_been_sent`]), and, for calls that move money, whether the outcome is
/// unknown ([`Error::outcome_unknown`]) and which order to reconcile ([`Error::order_id`]).
///
/// `Display` never prints a secret, a card number or a response body.
pub struct Error {
    kind: ErrorKind,
    operation: &'static str,
    // Boxed text: keeps `Error` small enough to return by value (clippy's result_large_err).
    order_id: Option<Box<str>>,
    moves_money: bool,
    attempts: u32,
    secret: Option<SecretKind>,
    /// How to find out after an unknown outcome, for calls that are not the form kind's.
    reconcile_hint: Option<&'static str>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: &'static str) -> Self {
        Self {
            kind,
            operation,
            order_id: None,
            moves_money: false,
            attempts: 0,
            secret: None,
            reconcile_hint: None,
        }
    }

    /// The advice of an unknown outcome, for a JSON operation.
    pub(crate) fn with_reconcile_hint(mut self, hint: &'static str) -> Self {
        self.reconcile_hint = Some(hint);
        self
    }

    /// Which secret signed the call (for the advice of configuration errors).
    pub(crate) fn with_secret(mut self, secret: SecretKind) -> Self {
        self.secret = Some(secret);
        self
    }

    pub(crate) fn with_context(
        mut self,
        order_id: Option<&str>,
        moves_money: bool,
        attempts: u32,
    ) -> Self {
        self.order_id = order_id.map(Box::from);
        self.moves_money = moves_money;
        self.attempts = attempts;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The error's kind, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The operation's name (`payout_to_card`, `payment_status`, ...).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The order id of the call, when it had one.
    pub fn order_id(&self) -> Option<&str> {
        self.order_id.as_deref()
    }

    /// How many times the request was handed to the transport (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the request may have reached the gateway.
    ///
    /// `false` only for refused input and for transport failures that certainly happened
    /// before the request left; every answer from a server (even an HTML error page) means it
    /// left.
    pub fn may_have_been_sent(&self) -> bool {
        match &self.kind {
            ErrorKind::InvalidInput(_) => false,
            ErrorKind::Transport(e) => e.may_have_been_sent(),
            ErrorKind::AlreadyDone {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            _ => true,
        }
    }

    /// Whether money may have moved without the SDK knowing: a money-moving call (payment
    /// init, payout, refund, clearing, recurring charge) that may have reached the gateway and
    /// got no answer that proves the money did not move. Such a call is never resent by the
    /// SDK; reconcile it with a status query by [`Error::order_id`] (the clients'
    /// `reconcile_payout` / `reconcile_payment`) before trying again.
    ///
    /// Proof that nothing moved is: refused input, a transport failure before the request
    /// left, a signed error reply whose code is not of the [`ErrorClass::OutcomeUnknown`]
    /// class (9999 and unknown codes are), or an unsigned one coded 101, 9998, 9997, 1100 or
    /// 4004. Everything else (an unsigned 9999 or other code, a 5xx page, an unreadable or
    /// wrongly signed reply, a timeout) leaves the outcome unknown.
    pub fn outcome_unknown(&self) -> bool {
        if !self.moves_money || !self.may_have_been_sent() {
            return false;
        }
        match &self.kind {
            ErrorKind::Gateway(e) => e
                .code()
                .is_some_and(|code| code.class() == ErrorClass::OutcomeUnknown),
            ErrorKind::Unsigned(e) => !e
                .code()
                .is_some_and(ErrorCode::unsigned_proves_nothing_moved),
            ErrorKind::AlreadyDone {
                outcome_unknown, ..
            } => *outcome_unknown,
            _ => true,
        }
    }

    /// Whether the error is a configuration mistake rather than a refusal of this request:
    /// the gateway's configuration codes ([`ErrorCode::is_configuration`]: wrong merchant id,
    /// wrong signature), signed or not, or a config setting refused before sending (a payout
    /// without a payout secret). Nothing was carried out; fix the configuration.
    pub fn is_configuration(&self) -> bool {
        match &self.kind {
            ErrorKind::InvalidInput(e) => e.field() == PAYOUT_SECRET_SETTING,
            _ => self.error_code().is_some_and(ErrorCode::is_configuration),
        }
    }

    /// The gateway's error code, from a signed or unsigned error reply.
    pub fn error_code(&self) -> Option<ErrorCode> {
        match &self.kind {
            ErrorKind::Gateway(e) => e.code(),
            ErrorKind::Unsigned(e) => e.code(),
            _ => None,
        }
    }

    /// The status query that tells what became of an unknown outcome, for the message.
    fn reconcile_advice(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(hint) = &self.reconcile_hint {
            return write!(f, "; do NOT resend: {hint}");
        }
        let payment = self.secret == Some(SecretKind::Payment);
        match (&self.order_id, payment) {
            (Some(order), false) => write!(
                f,
                "; do NOT resend: check order {order} with PayoutStatusByOrder (api/payment_status2), or the client's reconcile_payout(\"{order}\", <time of this attempt>), before trying again"
            ),
            (Some(order), true) => write!(
                f,
                "; do NOT resend: check order {order} with PaymentStatus::by_order_id (get_status3.php), or the client's reconcile_payment(\"{order}\", <time of this attempt>), before trying again"
            ),
            (None, false) => f.write_str(
                "; do NOT resend: check it with PayoutStatusByOrder (api/payment_status2) by its order id before trying again",
            ),
            (None, true) => f.write_str(
                "; do NOT resend: check the payment with PaymentStatus (get_status3.php), whose refunds and revocations are listed, before trying again",
            ),
        }
    }
}

/// The name of the config setting a payout without a payout secret is refused for.
pub(crate) const PAYOUT_SECRET_SETTING: &str = "payout_secret_key";

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::new(ErrorKind::InvalidInput(e), "input")
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidInput(e) => write!(f, "{e} (nothing was sent)"),
            ErrorKind::Transport(e) => write!(f, "transport: {e}"),
            ErrorKind::HttpStatus(status) => write!(f, "the server answered HTTP {status} without a FreedomPay reply"),
            ErrorKind::Malformed(m) => write!(f, "{m}"),
            ErrorKind::SignatureInvalid { .. } => f.write_str(
                "the response's signature does not match (wrong secret or script name, or an altered response); nothing in it is trusted",
            ),
            ErrorKind::Unsigned(e) => {
                f.write_str("unsigned error reply")?;
                if let Some(code) = e.code {
                    write!(f, " (pg_error_code {code})")?;
                }
                Ok(())
            }
            ErrorKind::AlreadyDone { .. } => f.write_str(
                "the call is already over; its result was handed out before",
            ),
            ErrorKind::Gateway(e) => {
                f.write_str("FreedomPay refused the request")?;
                if let Some(code) = e.code {
                    write!(f, " (pg_error_code {code})")?;
                }
                if let Some(d) = &e.description {
                    // Authenticated, but cap what a log line gets.
                    let short: String = d.chars().take(200).collect();
                    write!(f, ": {short}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.operation)?;
        if let Some(order) = &self.order_id {
            write!(f, " (order {order})")?;
        }
        write!(f, ": {}", self.kind)?;
        let secret = match self.secret {
            Some(SecretKind::Payout) => "the payout secret, payout_secret_key",
            Some(SecretKind::Payment) => "the payment secret, secret_key",
            None => "the payout secret for payouts",
        };
        if self.error_code().is_some_and(ErrorCode::is_configuration) {
            write!(
                f,
                "; a configuration error, nothing was carried out: check the merchant id and the secret ({secret})"
            )?;
        }
        if matches!(self.kind, ErrorKind::SignatureInvalid { .. }) {
            write!(f, "; the secret may be wrong ({secret})")?;
        }
        if self.outcome_unknown() {
            f.write_str("; the outcome is UNKNOWN: the request may have been carried out")?;
            self.reconcile_advice(f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .field("order_id", &self.order_id)
            .field("may_have_been_sent", &self.may_have_been_sent())
            .field("outcome_unknown", &self.outcome_unknown())
            .field("secret", &self.secret)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A summary for logs and stores (feature `serde`), with what a payment system acts on:
///
/// ```json
/// {"operation": "payout_to_card", "order_id": "payout-42", "kind": "transport",
///  "error_code": null, "may_have_been_sent": true, "outcome_unknown": true,
///  "attempts": 1, "message": "payout_to_card (order payout-42): transport: ..."}
/// ```
///
/// `kind` is one of `invalid_input`, `transport`, `http_status`, `malformed`,
/// `signature_invalid`, `unsigned`, `gateway`, `already_done`; `message` is the `Display`
/// text, which never holds a secret, a card number or a response body. There is no
/// `Deserialize`: an error is a fact about a call, not data to rebuild.
#[cfg(feature = "serde")]
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let kind = match &self.kind {
            ErrorKind::InvalidInput(_) => "invalid_input",
            ErrorKind::Transport(_) => "transport",
            ErrorKind::HttpStatus(_) => "http_status",
            ErrorKind::Malformed(_) => "malformed",
            ErrorKind::SignatureInvalid { .. } => "signature_invalid",
            ErrorKind::Unsigned(_) => "unsigned",
            ErrorKind::Gateway(_) => "gateway",
            ErrorKind::AlreadyDone { .. } => "already_done",
        };
        let mut s = serializer.serialize_struct("Error", 8)?;
        s.serialize_field("operation", self.operation)?;
        s.serialize_field("order_id", &self.order_id)?;
        s.serialize_field("kind", kind)?;
        s.serialize_field("error_code", &self.error_code())?;
        s.serialize_field("may_have_been_sent", &self.may_have_been_sent())?;
        s.serialize_field("outcome_unknown", &self.outcome_unknown())?;
        s.serialize_field("attempts", &self.attempts)?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::InvalidInput(e) => Some(e),
            ErrorKind::Transport(e) => Some(e),
            ErrorKind::Malformed(m) => m.field.as_ref().map(|e| e as _),
            _ => None,
        }
    }
}
