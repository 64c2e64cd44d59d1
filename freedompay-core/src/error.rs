//! The SDK's errors: what went wrong, and whether money may have moved.

use core::fmt;
use std::borrow::Cow;

use freedompay_transport::TransportError;

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
    ($($code:literal => $variant:ident, $doc:literal;)*) => {
        /// A `pg_error_code` of the gateway.
        ///
        /// FreedomPay publishes no complete table (PROTOCOL.md §3): the known codes are the
        /// ones seen in its documentation and in integrations; any other is
        /// [`ErrorCode::Unknown`] with its number.
        ///
        /// ```
        /// use freedompay_core::ErrorCode;
        ///
        /// assert_eq!(ErrorCode::from_code(340), ErrorCode::TransactionNotFound);
        /// assert_eq!(ErrorCode::from_code(4242), ErrorCode::Unknown(4242));
        /// assert_eq!(ErrorCode::PayoutDeclined10000.code(), 10000);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
            /// A code this version of the SDK does not know.
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
        }
    };
}

error_codes! {
    101 => EmptyMerchant, "101: the merchant was not identified (\"Empty merchant\").";
    9998 => InvalidSignature, "9998: the request's signature is wrong, or the merchant is unknown (gateway API).";
    9997 => WrongShopId, "9997: wrong shop (merchant) id.";
    9403 => Validation, "9403: a request field failed validation.";
    340 => TransactionNotFound, "340: transaction not found.";
    11068 => NotFound, "11068: not found (reported by integrations; treated like 340).";
    75 => CashNotWithdrawn, "75: cash by code was not withdrawn within the time limit.";
    5 => Declined, "5: the transaction was declined.";
    10000 => PayoutDeclined10000, "10000: payout refused (produced by the payout test card 5325 34** **** 1311).";
    10001 => PayoutDeclined10001, "10001: payout refused (produced by the payout test card 4556 04** **** 5740).";
    8888 => PayoutDeclined8888, "8888: payout refused (produced by the payout test card 5543 97** **** 6045).";
    1100 => WrongScriptOrSecret, "1100: reported for a wrong script name or secret on card storage for payouts.";
    9999 => CheckStatus, "9999: the outcome must be checked with a status query (a payout in an unknown state).";
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
}

impl MalformedResponse {
    pub(crate) fn new(reason: impl Into<Cow<'static, str>>, http_status: u16) -> Self {
        Self {
            reason: reason.into(),
            http_status,
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
    /// The response carries a `pg_sig` that does not match: the wrong secret, the wrong
    /// script name, or an altered response. Nothing in it is trusted.
    SignatureInvalid {
        /// The HTTP status of the response.
        http_status: u16,
    },
    /// An unsigned error reply.
    Unsigned(UnsignedError),
    /// A signed error reply: the gateway refused the request.
    Gateway(GatewayError),
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
    order_id: Option<String>,
    moves_money: bool,
    attempts: u32,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: &'static str) -> Self {
        Self {
            kind,
            operation,
            order_id: None,
            moves_money: false,
            attempts: 0,
        }
    }

    pub(crate) fn with_context(
        mut self,
        order_id: Option<&str>,
        moves_money: bool,
        attempts: u32,
    ) -> Self {
        self.order_id = order_id.map(str::to_owned);
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
            _ => true,
        }
    }

    /// Whether money may have moved without the SDK knowing: a money-moving call (payment
    /// init, payout, refund, clearing, recurring charge) that may have reached the gateway and
    /// got no trustworthy answer. Such a call is never resent by the SDK; reconcile it with a
    /// status query by [`Error::order_id`] before trying again.
    pub fn outcome_unknown(&self) -> bool {
        if !self.moves_money || !self.may_have_been_sent() {
            return false;
        }
        match &self.kind {
            ErrorKind::Gateway(e) => e.code() == Some(ErrorCode::CheckStatus),
            ErrorKind::Unsigned(_) => false,
            _ => true,
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
}

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
            ErrorKind::Malformed(m) => write!(f, "unreadable response (HTTP {}): {}", m.http_status, m.reason),
            ErrorKind::SignatureInvalid { .. } => f.write_str(
                "the response's signature does not match (wrong secret or script name, or an altered response); nothing in it is trusted",
            ),
            ErrorKind::Unsigned(e) => {
                f.write_str("unsigned error reply")?;
                if let Some(code) = e.code {
                    write!(f, " (pg_error_code {code})")?;
                }
                if e.code == Some(ErrorCode::EmptyMerchant) || e.code == Some(ErrorCode::InvalidSignature) {
                    f.write_str(": check the merchant id, the secret and the script name")?;
                }
                Ok(())
            }
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
        if self.outcome_unknown() {
            f.write_str("; the outcome is UNKNOWN: the request may have reached FreedomPay, so it was not resent")?;
            match &self.order_id {
                Some(order) => write!(
                    f,
                    "; check order {order} with a status query before trying again"
                ),
                None => f.write_str("; check it with a status query before trying again"),
            }?;
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
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::InvalidInput(e) => Some(e),
            ErrorKind::Transport(e) => Some(e),
            _ => None,
        }
    }
}
