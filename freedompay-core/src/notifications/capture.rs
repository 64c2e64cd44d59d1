//! The capture (clearing) notification (`pg_capture_url`).

use super::{ReplyBody, ReplyStatus, VerifiedCallback};
use crate::{Amount, Config, Currency, PaymentId};

use super::NotificationError;
use super::reply::{DescriptionField, notification_common, sign};

/// FreedomPay tells the merchant that a held payment was cleared (`pg_capture_url`).
///
/// docs/protocol.md names the URL (§1.1) but not the notification's fields; the payment id is
/// required and the other fields read here (amounts, currency, order id, `pg_captured`) are
/// optional, taken from the payment family's names. Every field is in
/// [`callback`](Self::callback) too. Answer [`reply_ok`](Self::reply_ok) or
/// [`reply_error`](Self::reply_error); the text goes in `pg_description`.
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CaptureNotification {
    /// `pg_payment_id`: the cleared payment.
    pub payment_id: PaymentId,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_amount`.
    pub amount: Option<Amount>,
    /// `pg_clearing_amount`: the amount cleared.
    pub clearing_amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_captured`.
    pub captured: Option<bool>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(CaptureNotification, |_config| crate::SecretKind::Payment);

impl CaptureNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let f = callback.response();
        Ok(Self {
            payment_id: f.require("pg_payment_id")?,
            order_id: f.lenient("pg_order_id"),
            amount: f.lenient("pg_amount"),
            clearing_amount: f.lenient("pg_clearing_amount"),
            currency: f.lenient("pg_currency"),
            captured: f.lenient("pg_captured"),
            callback,
        })
    }

    /// `ok`: the clearing is recorded.
    pub fn reply_ok(&self, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Ok,
            DescriptionField::Description,
            None,
            config,
            Self::secret_kind(config),
        )
    }

    /// `error`: the merchant cannot record it now; FreedomPay calls again.
    pub fn reply_error(&self, reason: &str, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Error,
            DescriptionField::Description,
            Some(reason),
            config,
            Self::secret_kind(config),
        )
    }
}
