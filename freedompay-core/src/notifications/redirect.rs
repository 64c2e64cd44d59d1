//! The payer coming back to the success or failure URL.

use super::VerifiedCallback;
use crate::{ErrorCode, PaymentId, Status};

use super::NotificationError;
use super::reply::notification_common;

/// The payer's browser arriving at the success or failure URL with signed fields
/// (`pg_order_id`, `pg_payment_id`, `pg_salt`, `pg_sig`; docs/protocol.md §1.1), by GET or POST
/// as set with `success_url_method` / `failure_url_method`. No reply is expected: show your
/// page.
///
/// Which one it is, you know from the URL. A redirect is a hint for the page shown, not the
/// payment's outcome: that is the [`ResultNotification`](super::ResultNotification) (or a
/// [`PaymentStatus`](crate::payment::PaymentStatus) query). A failure redirect from a frame
/// may come unsigned (`pg_status`, `pg_error_code`, `pg_error_description` only): it is then
/// refused as [`CallbackError::Unsigned`](super::CallbackError::Unsigned).
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RedirectNotification {
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_payment_id`.
    pub payment_id: Option<PaymentId>,
    /// `pg_status`, when sent.
    pub status: Option<Status>,
    /// `pg_error_code`, when sent.
    pub error_code: Option<ErrorCode>,
    /// `pg_error_description`, when sent.
    pub error_description: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(RedirectNotification, |_config| crate::SecretKind::Payment);

impl RedirectNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let f = callback.response();
        Ok(Self {
            order_id: f.lenient("pg_order_id"),
            payment_id: f.lenient("pg_payment_id"),
            status: f.lenient("pg_status"),
            error_code: f.lenient::<u32>("pg_error_code").map(ErrorCode::from_code),
            error_description: f.lenient("pg_error_description"),
            callback,
        })
    }
}
