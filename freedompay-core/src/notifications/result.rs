//! The result notification: the outcome of a payment (`pg_result_url`).

use core::fmt;

use super::{ReplyBody, ReplyStatus, VerifiedCallback};
use crate::payment::failure_code;
use crate::payment::{MaskedPan, PaymentMethod};
use crate::{Amount, Config, Currency, ErrorCode, PaymentId};

use super::reply::{DescriptionField, notification_common, sign};
use super::{NotificationError, RejectNotAllowed};

/// `pg_result`: whether the payment succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PaymentResult {
    /// `1`: paid.
    Success,
    /// `0`: failed.
    Failure,
    /// Another value (the documentation gives the range 0–2 without naming 2), as received.
    Unknown(String),
}

impl PaymentResult {
    fn from_wire(text: &str) -> Self {
        match text.trim() {
            "1" => PaymentResult::Success,
            "0" => PaymentResult::Failure,
            other => PaymentResult::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentResult::Success => "1",
            PaymentResult::Failure => "0",
            PaymentResult::Unknown(value) => value,
        }
    }
}

impl fmt::Display for PaymentResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// FreedomPay tells the merchant the outcome of a payment (`pg_result_url`; docs/protocol.md
/// §2.8–2.9, D-result).
///
/// Answer [`reply_ok`](Self::reply_ok) (also for a failed payment, once recorded),
/// [`reply_rejected`](Self::reply_rejected) (only when [`can_reject`](Self::can_reject):
/// `pg_can_reject=1`; otherwise the payment counts as completed and the reply is refused
/// with [`RejectNotAllowed`]) or [`reply_error`](Self::reply_error) (FreedomPay calls again
/// every 30 minutes for 2 hours). The text goes in `pg_description`.
///
/// FreedomPay repeats the notification until it gets an answer: store your decision by
/// [`payment_id`](Self::payment_id) and give the same answer every time (only the first
/// answer may reject). The replies are the same bytes for the same decision.
///
/// Values the gateway sends as the literal `undefined` (seen in live callbacks) read as
/// absent.
///
/// ```
/// use freedompay_core::Config;
/// use freedompay_core::notifications::ResultNotification;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
/// # let secret = freedompay_core::sign::SecretKey::new("TESTSECRET")?;
/// let url = "https://shop.kz/freedompay/result";
/// # let body = freedompay_core::notifications::testing::signed_form(url, &[("pg_order_id", "42"), ("pg_payment_id", "123456"), ("pg_amount", "1500"), ("pg_result", "1"), ("pg_can_reject", "0"), ("pg_salt", "s1")], &secret);
/// let result = ResultNotification::verify(url, "", &body, &config)?;
/// assert!(result.is_success());
/// assert!(result.reply_rejected("Out of stock", &config).is_err());
/// let reply = result.reply_ok(&config);
/// assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResultNotification {
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_result`.
    pub result: PaymentResult,
    /// `pg_amount`: the payment's amount.
    pub amount: Amount,
    /// `pg_can_reject`: whether a `rejected` reply is allowed (`false` when absent).
    pub can_reject: bool,
    /// `pg_order_id`: the merchant's order.
    pub order_id: Option<String>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_net_amount`: what the merchant receives.
    pub net_amount: Option<Amount>,
    /// `pg_ps_amount`: the amount in the payment system's currency.
    pub ps_amount: Option<Amount>,
    /// `pg_ps_full_amount`: the same with the payer's commission.
    pub ps_full_amount: Option<Amount>,
    /// `pg_ps_currency`: the payment system's currency.
    pub ps_currency: Option<Currency>,
    /// `pg_description`: the payment's description.
    pub description: Option<String>,
    /// `pg_payment_date` (`YYYY-MM-DD HH:MM:SS`), as received.
    pub payment_date: Option<String>,
    /// `pg_testing_mode`: a test payment.
    pub testing_mode: Option<bool>,
    /// `pg_captured`: whether the money was cleared (`false`: held, two-step payment).
    pub captured: Option<bool>,
    /// `pg_payment_method`.
    pub payment_method: Option<PaymentMethod>,
    /// `pg_payment_system`.
    pub payment_system: Option<String>,
    /// `pg_user_phone`.
    pub user_phone: Option<String>,
    /// `pg_user_contact_email`.
    pub user_contact_email: Option<String>,
    /// `pg_need_phone_notification`.
    pub need_phone_notification: Option<bool>,
    /// `pg_need_email_notification`.
    pub need_email_notification: Option<bool>,
    /// `pg_card_pan`: the masked card number.
    pub card_pan: Option<MaskedPan>,
    /// `pg_card_exp` (`MM/YY`), as received.
    pub card_exp: Option<String>,
    /// `pg_card_owner`: the card holder's name.
    pub card_owner: Option<String>,
    /// `pg_card_brand` (`VI`, `CA`, ...).
    pub card_brand: Option<String>,
    /// `pg_card_id` (legacy saved-card id).
    pub card_id: Option<String>,
    /// `pg_card_token`: the saved card's token.
    pub card_token: Option<String>,
    /// `pg_recurring_profile_id`: the recurring profile created by this payment
    /// (`recurring_start`), for [`RecurringPayment`](crate::payment::RecurringPayment).
    pub recurring_profile_id: Option<String>,
    /// `pg_discount_percent`, as received.
    pub discount_percent: Option<String>,
    /// `pg_discount_amount`.
    pub discount_amount: Option<Amount>,
    /// `pg_failure_code`: why a failed payment failed.
    pub failure_code: Option<ErrorCode>,
    /// `pg_failure_description`.
    pub failure_description: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(ResultNotification, |_config| crate::SecretKind::Payment);

impl ResultNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let f = callback.response();
        let result = PaymentResult::from_wire(f.required("pg_result")?);
        Ok(Self {
            payment_id: f.require("pg_payment_id")?,
            result,
            amount: f.require("pg_amount")?,
            can_reject: f.lenient::<bool>("pg_can_reject").unwrap_or(false),
            order_id: f.lenient("pg_order_id"),
            currency: f.lenient("pg_currency"),
            net_amount: f.lenient("pg_net_amount"),
            ps_amount: f.lenient("pg_ps_amount"),
            ps_full_amount: f.lenient("pg_ps_full_amount"),
            ps_currency: f.lenient("pg_ps_currency"),
            description: f.lenient("pg_description"),
            payment_date: f.lenient("pg_payment_date"),
            testing_mode: f.lenient("pg_testing_mode"),
            captured: f.lenient("pg_captured"),
            payment_method: f.lenient("pg_payment_method"),
            payment_system: f.lenient("pg_payment_system"),
            user_phone: f.lenient("pg_user_phone"),
            user_contact_email: f.lenient("pg_user_contact_email"),
            need_phone_notification: f.lenient("pg_need_phone_notification"),
            need_email_notification: f.lenient("pg_need_email_notification"),
            card_pan: f.lenient("pg_card_pan"),
            card_exp: f.lenient("pg_card_exp"),
            card_owner: f.lenient("pg_card_owner"),
            card_brand: f.lenient("pg_card_brand"),
            card_id: f.lenient("pg_card_id"),
            card_token: f.lenient("pg_card_token"),
            recurring_profile_id: f.lenient("pg_recurring_profile_id"),
            discount_percent: f.lenient("pg_discount_percent"),
            discount_amount: f.lenient("pg_discount_amount"),
            failure_code: failure_code(&f),
            failure_description: f.lenient("pg_failure_description"),
            callback,
        })
    }

    /// Whether the payment succeeded (`pg_result=1`).
    pub fn is_success(&self) -> bool {
        self.result == PaymentResult::Success
    }

    /// Whether a `rejected` reply is allowed (`pg_can_reject=1`).
    pub fn can_reject(&self) -> bool {
        self.can_reject
    }

    /// `ok`: the outcome is recorded.
    pub fn reply_ok(&self, config: &Config) -> ReplyBody {
        self.reply(ReplyStatus::Ok, None, config)
    }

    /// `ok` with a `pg_description` (`Order paid`).
    pub fn reply_ok_with(&self, description: &str, config: &Config) -> ReplyBody {
        self.reply(ReplyStatus::Ok, Some(description), config)
    }

    /// `rejected`: the merchant refuses the payment, which is then reverted and the payer
    /// sent to the failure URL with `reason`. Refused unless the notification allows it.
    pub fn reply_rejected(
        &self,
        reason: &str,
        config: &Config,
    ) -> Result<ReplyBody, RejectNotAllowed> {
        if !self.can_reject {
            return Err(RejectNotAllowed);
        }
        Ok(self.reply(ReplyStatus::Rejected, Some(reason), config))
    }

    /// `error`: the merchant cannot record the outcome now; FreedomPay calls again.
    pub fn reply_error(&self, reason: &str, config: &Config) -> ReplyBody {
        self.reply(ReplyStatus::Error, Some(reason), config)
    }

    fn reply(&self, status: ReplyStatus, text: Option<&str>, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            status,
            DescriptionField::Description,
            text,
            config,
            Self::secret_kind(config),
        )
    }
}
