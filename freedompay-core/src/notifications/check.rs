//! The check request: FreedomPay asks whether a payment may go ahead (`pg_check_url`).

use super::{ReplyBody, ReplyStatus, VerifiedCallback};
use crate::{Amount, Config, Currency, PaymentId};

use super::NotificationError;
use super::reply::{DescriptionField, notification_common, sign};

/// FreedomPay asks the merchant, before the payer pays, whether the payment may go ahead
/// (`pg_check_url`; docs/protocol.md §2.9, D-check). Answer [`reply_ok`](Self::reply_ok),
/// [`reply_rejected`](Self::reply_rejected) (always allowed here: the payer is sent to the
/// failure URL) or [`reply_error`](Self::reply_error); the text goes in
/// `pg_error_description`.
///
/// ```
/// use freedompay_core::Config;
/// use freedompay_core::notifications::CheckNotification;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
/// # let secret = freedompay_core::sign::SecretKey::new("TESTSECRET")?;
/// let url = "https://shop.kz/freedompay/check";
/// # let body = freedompay_core::notifications::testing::signed_form(url, &[("pg_order_id", "42"), ("pg_payment_id", "123456"), ("pg_amount", "1500"), ("pg_salt", "s1")], &secret);
/// let check = CheckNotification::verify(url, "", &body, &config)?;
/// let reply = if check.amount.minor_units() == 150_000 {
///     check.reply_ok(&config)
/// } else {
///     check.reply_rejected("The order's amount changed", &config)
/// };
/// assert!(reply.body().contains("<pg_status>ok</pg_status>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CheckNotification {
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_amount`: the amount to be paid.
    pub amount: Amount,
    /// `pg_order_id`: the merchant's order.
    pub order_id: Option<String>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_ps_amount`: the amount in the payment system's currency.
    pub ps_amount: Option<Amount>,
    /// `pg_ps_full_amount`: the same with the payer's commission.
    pub ps_full_amount: Option<Amount>,
    /// `pg_ps_currency`: the payment system's currency.
    pub ps_currency: Option<Currency>,
    /// `pg_payment_system`, when sent.
    pub payment_system: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(CheckNotification, |_config| crate::SecretKind::Payment);

impl CheckNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let fields = callback.response();
        Ok(Self {
            payment_id: fields.require("pg_payment_id")?,
            amount: fields.require("pg_amount")?,
            order_id: fields.lenient("pg_order_id"),
            currency: fields.lenient("pg_currency"),
            ps_amount: fields.lenient("pg_ps_amount"),
            ps_full_amount: fields.lenient("pg_ps_full_amount"),
            ps_currency: fields.lenient("pg_ps_currency"),
            payment_system: fields.lenient("pg_payment_system"),
            callback,
        })
    }

    /// `ok`: the payment may go ahead.
    pub fn reply_ok(&self, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Ok,
            DescriptionField::ErrorDescription,
            None,
            config,
            Self::secret_kind(config),
        )
    }

    /// `rejected`: the payment must not go ahead; `reason` (in `pg_error_description`) may
    /// be shown to the payer.
    pub fn reply_rejected(&self, reason: &str, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Rejected,
            DescriptionField::ErrorDescription,
            Some(reason),
            config,
            Self::secret_kind(config),
        )
    }

    /// `error`: the merchant cannot answer now.
    pub fn reply_error(&self, reason: &str, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Error,
            DescriptionField::ErrorDescription,
            Some(reason),
            config,
            Self::secret_kind(config),
        )
    }
}
