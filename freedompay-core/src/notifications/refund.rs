//! The refund notification (`pg_refund_url`).

use super::{ReplyBody, ReplyStatus, VerifiedCallback};
use crate::{Amount, Config, Currency, PaymentId};

use super::NotificationError;
use super::reply::{DescriptionField, notification_common, sign};

/// FreedomPay tells the merchant that a payment was refunded (`pg_refund_url`).
///
/// docs/protocol.md names the URL (§1.1) but not the notification's fields; the fields read here
/// are those of the legacy PayBox SDK's refund example (`pg_refund_date`, `pg_refund_type`,
/// `pg_refund_system`, `pg_refund_id`, amounts), all optional but the payment id. Every
/// field is in [`callback`](Self::callback) too. Answer [`reply_ok`](Self::reply_ok) or
/// [`reply_error`](Self::reply_error) (a refund cannot be rejected); the text goes in
/// `pg_description`.
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RefundNotification {
    /// `pg_payment_id`: the refunded payment.
    pub payment_id: PaymentId,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_amount`.
    pub amount: Option<Amount>,
    /// `pg_refund_amount`, when sent (integrations read it; the example has none).
    pub refund_amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_net_amount`.
    pub net_amount: Option<Amount>,
    /// `pg_ps_full_amount`.
    pub ps_full_amount: Option<Amount>,
    /// `pg_ps_currency`.
    pub ps_currency: Option<Currency>,
    /// `pg_payment_system`.
    pub payment_system: Option<String>,
    /// `pg_refund_id`: the refund's id.
    pub refund_id: Option<String>,
    /// `pg_refund_date`, as received.
    pub refund_date: Option<String>,
    /// `pg_refund_type`, as received.
    pub refund_type: Option<String>,
    /// `pg_refund_system`, as received.
    pub refund_system: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(RefundNotification, |_config| crate::SecretKind::Payment);

impl RefundNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let f = callback.response();
        Ok(Self {
            payment_id: f.require("pg_payment_id")?,
            order_id: f.lenient("pg_order_id"),
            amount: f.lenient("pg_amount"),
            refund_amount: f.lenient("pg_refund_amount"),
            currency: f.lenient("pg_currency"),
            net_amount: f.lenient("pg_net_amount"),
            ps_full_amount: f.lenient("pg_ps_full_amount"),
            ps_currency: f.lenient("pg_ps_currency"),
            payment_system: f.lenient("pg_payment_system"),
            refund_id: f.lenient("pg_refund_id"),
            refund_date: f.lenient("pg_refund_date"),
            refund_type: f.lenient("pg_refund_type"),
            refund_system: f.lenient("pg_refund_system"),
            callback,
        })
    }

    /// `ok`: the refund is recorded.
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
