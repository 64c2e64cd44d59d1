//! Transport failures, with the one fact a payment system needs: did the request leave?

use core::fmt;
use std::error::Error as StdError;

/// Whether a failed request may have reached the gateway.
///
/// A transport must answer honestly: `NotSent` only when the request certainly did not leave
/// (the connection was never established, the request could not be built). Everything after
/// the first byte was written, including a timeout while waiting for the answer, is
/// `MaybeSent`. A payout that is `MaybeSent` is never resent by the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendState {
    /// The request certainly did not reach the gateway; sending it again is safe.
    NotSent,
    /// The request may have reached the gateway; its effect is unknown.
    MaybeSent,
}

/// What kind of failure a transport met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS, refused, unreachable).
    Connect,
    /// The request's timeout passed.
    Timeout,
    /// Reading or writing failed after the connection was established.
    Io,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The request could not be sent as it is (a bad URL, a header the stack refuses).
    InvalidRequest,
    /// The server answered with something that is not HTTP, or the stack refused the answer
    /// (for example a redirect when redirects are off).
    Protocol,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "I/O error",
            TransportErrorKind::Tls => "TLS error",
            TransportErrorKind::InvalidRequest => "invalid request",
            TransportErrorKind::Protocol => "HTTP protocol error",
            TransportErrorKind::Other => "transport error",
        }
    }
}

/// A request that did not produce an HTTP response.
///
/// `Display` shows the kind and whether the request may have been sent, never the source's
/// text (an HTTP stack's message can quote the URL with its query, or a body); the source is
/// available through [`std::error::Error::source`] for whoever wants it.
///
/// ```
/// use freedompay_transport::{SendState, TransportError, TransportErrorKind};
///
/// let error = TransportError::new(TransportErrorKind::Timeout, SendState::MaybeSent);
/// assert!(error.may_have_been_sent());
/// assert_eq!(error.to_string(), "timed out (the request may have reached the server)");
/// ```
pub struct TransportError {
    kind: TransportErrorKind,
    send_state: SendState,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl TransportError {
    /// An error of this kind and send state.
    pub fn new(kind: TransportErrorKind, send_state: SendState) -> Self {
        Self {
            kind,
            send_state,
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// A connection that could not be established: [`SendState::NotSent`].
    pub fn connect(source: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self::new(TransportErrorKind::Connect, SendState::NotSent).with_source(source)
    }

    /// A timeout after the request may have left: [`SendState::MaybeSent`].
    pub fn timeout() -> Self {
        Self::new(TransportErrorKind::Timeout, SendState::MaybeSent)
    }

    /// The kind.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the gateway.
    pub fn send_state(&self) -> SendState {
        self.send_state
    }

    /// Shorthand for `send_state() == SendState::MaybeSent`.
    pub fn may_have_been_sent(&self) -> bool {
        self.send_state == SendState::MaybeSent
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        match self.send_state {
            SendState::NotSent => f.write_str(" (the request was not sent)"),
            SendState::MaybeSent => f.write_str(" (the request may have reached the server)"),
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("send_state", &self.send_state)
            .field("has_source", &self.source.is_some())
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
