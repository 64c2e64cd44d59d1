//! Payments (purchases) and their lifecycle.

use serde::{Deserialize, Serialize};

use freedompay_sign::Fields;

use super::CardData;

/// What created a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PaymentKind {
    /// `init_payment.php` / `payment.php`: the payment page.
    Page,
    /// `g2g/any_amount`: the payer chooses the amount within the interval.
    AnyAmount {
        /// Lowest amount, minor units.
        from: i64,
        /// Highest amount, minor units.
        to: i64,
    },
    /// `card/init`: a payment with a saved card (token).
    Token {
        /// The saved card's token.
        card_token: String,
    },
    /// `make_recurring_payment.php`.
    Recurring,
}

/// Where a payment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PaymentStatus {
    /// Created, waiting for the payer.
    New,
    /// The payer acted; waiting for a confirmation (mobile commerce approval, check URL).
    Pending,
    /// Paid (authorised; `captured` says whether the money was debited).
    Success,
    /// Declined or rejected.
    Failed,
    /// Cancelled hold, rejected two-step payment, or fully refunded.
    Revoked,
    /// The lifetime ran out before the payer paid.
    Incomplete,
}

impl PaymentStatus {
    /// `pg_payment_status` of `get_status3.php`.
    pub(crate) fn status3(self) -> &'static str {
        match self {
            PaymentStatus::New => "new",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Success => "success",
            PaymentStatus::Failed => "error",
            PaymentStatus::Revoked => "revoked",
            PaymentStatus::Incomplete => "incomplete",
        }
    }

    /// `pg_transaction_status` of `get_status2.php`.
    pub(crate) fn status2(self) -> &'static str {
        match self {
            PaymentStatus::New => "partial",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Success => "ok",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Revoked => "revoked",
            PaymentStatus::Incomplete => "incomplete",
        }
    }
}

/// The merchant's URLs and methods for one payment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Urls {
    pub(crate) check: Option<String>,
    pub(crate) result: Option<String>,
    pub(crate) refund: Option<String>,
    pub(crate) capture: Option<String>,
    pub(crate) success: Option<String>,
    pub(crate) failure: Option<String>,
    pub(crate) success_method: String,
    pub(crate) failure_method: String,
    /// `GET`, `POST` or `XML`, for check/result/refund/capture.
    pub(crate) request_method: String,
}

/// A refund (`revoke.php`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Refund {
    pub(crate) id: i64,
    pub(crate) amount: i64,
    pub(crate) at: i64,
    pub(crate) reference: String,
}

/// The payer that `mfs/pay` was given (the operator is the payment's `payment_system`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MobilePayer {
    /// The payer's phone, which the approval code was sent to.
    pub(crate) phone: String,
}

/// A payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Payment {
    pub(crate) id: i64,
    pub(crate) kind: PaymentKind,
    pub(crate) order_id: Option<String>,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) description: String,
    pub(crate) status: PaymentStatus,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) paid_at: Option<i64>,
    pub(crate) testing_mode: bool,
    /// `false` for two-step payments (`pg_auto_clearing=0`).
    pub(crate) auto_clearing: bool,
    pub(crate) captured: bool,
    pub(crate) clearing_amount: i64,
    /// When an uncaptured hold clears by itself (5 days after payment).
    pub(crate) auto_clear_at: Option<i64>,
    pub(crate) refunds: Vec<Refund>,
    pub(crate) cancel_id: Option<i64>,
    pub(crate) card: Option<CardData>,
    pub(crate) failure: Option<(u32, String)>,
    pub(crate) urls: Urls,
    pub(crate) user_id: Option<String>,
    pub(crate) user_phone: Option<String>,
    pub(crate) user_email: Option<String>,
    pub(crate) payment_method: String,
    pub(crate) payment_system: Option<String>,
    pub(crate) recurring_start: bool,
    pub(crate) recurring_lifetime_months: i64,
    pub(crate) recurring_profile: Option<i64>,
    /// Whether the result callback allowed `rejected` (`pg_can_reject`).
    pub(crate) can_reject: bool,
    /// The merchant's own parameters (names not starting with `pg_`), echoed in callbacks.
    #[serde(with = "crate::store::fields_row")]
    pub(crate) extras: Fields,
    /// Mobile commerce: what `mfs/pay` was given.
    pub(crate) mfs: Option<MobilePayer>,
}

impl Payment {
    /// Total refunded, minor units.
    pub(crate) fn refunded(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount).sum()
    }

    /// Whether the payer may still pay.
    pub(crate) fn payable(&self, now: i64) -> bool {
        matches!(self.status, PaymentStatus::New | PaymentStatus::Pending) && now < self.expires_at
    }
}
