//! Why a notification was not accepted, and why a reply was refused.

use core::fmt;

use crate::ReadError;

use super::CallbackError;

/// Why a notification from FreedomPay was not accepted: the one error of every typed
/// notification (payments and payouts).
///
/// [`NotificationError::Callback`]: the request is not an authentic FreedomPay callback
/// (bad or missing signature, another URL than the one FreedomPay signs for, unreadable
/// body); nothing in it can be trusted: answer with an HTTP error status.
/// [`NotificationError::Field`]: it is authentic, but a field this kind of notification
/// needs (`pg_salt` included) is missing or unreadable: keep
/// [`field`](NotificationError::field) in your logs and look into it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationError {
    /// The callback failed verification (never a [`CallbackError::Salt`]: that is a
    /// [`NotificationError::Field`]).
    Callback(CallbackError),
    /// The callback is authentic, but a required field is missing or unreadable.
    Field(ReadError),
}

impl NotificationError {
    /// Whether the signature was valid (the error is about the content, not the sender).
    pub fn is_authentic(&self) -> bool {
        matches!(self, NotificationError::Field(_))
    }

    /// The name of the missing or unreadable field, for [`NotificationError::Field`].
    pub fn field(&self) -> Option<&str> {
        match self {
            NotificationError::Field(e) => Some(e.field()),
            NotificationError::Callback(_) => None,
        }
    }
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotificationError::Callback(e) => write!(f, "rejected callback: {e}"),
            NotificationError::Field(e) => {
                if e.is_missing() {
                    write!(f, "the callback is authentic but has no {}", e.field())
                } else {
                    write!(
                        f,
                        "the callback is authentic but its {} is not of the expected form",
                        e.field()
                    )
                }
            }
        }
    }
}

impl std::error::Error for NotificationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NotificationError::Callback(e) => Some(e),
            NotificationError::Field(e) => Some(e),
        }
    }
}

impl From<CallbackError> for NotificationError {
    fn from(e: CallbackError) -> Self {
        match e {
            CallbackError::Salt(e) => NotificationError::Field(e),
            e => NotificationError::Callback(e),
        }
    }
}

impl From<ReadError> for NotificationError {
    fn from(e: ReadError) -> Self {
        NotificationError::Field(e)
    }
}

/// A `rejected` reply to a result notification that does not allow it (`pg_can_reject` is
/// not `1`): the payment counts as completed whatever the reply says (docs/protocol.md §2.9).
/// Refund it with [`RefundPayment`](crate::payment::RefundPayment) instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RejectNotAllowed;

impl fmt::Display for RejectNotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "this payment cannot be rejected (pg_can_reject is not 1): it counts as completed; refund it instead",
        )
    }
}

impl std::error::Error for RejectNotAllowed {}
