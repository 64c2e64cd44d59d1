//! Payouts (docs/protocol.md §1.6): money from the merchant's balance to a card, an IBAN, a
//! phone or cash at an ATM, with their statuses, the balance and the notification.
//!
//! Payouts are signed with the **payout secret** (`Config::builder().payout_secret_key(..)`),
//! except card tokenization for payouts (see [`AddPayoutCard`]) and the deprecated
//! `get_status2.php` (see [`PayoutStatusByOrderLegacy`]). A payout is never resent after a
//! failure that may have reached the gateway: the error says the outcome is unknown and
//! carries the order id; reconcile with [`PayoutStatusByOrder`] (or a client's
//! `reconcile_payout`), a minute or more after the last attempt: only then does "not found"
//! prove the payout never arrived ([`NotFound::is_conclusive`](crate::NotFound::is_conclusive)).
//!
//! Without a payout secret in the [`Config`](crate::Config) (`payout_secret_key`, or
//! `payout_secret_same_as_payment()` for shops with one key), payout calls are refused before
//! anything is sent.
//!
//! | Operation | Endpoint | Moves money |
//! |---|---|---|
//! | [`PayoutPage`] | `/api/reg2nonreg` (the recipient types their card) | yes |
//! | [`PayoutToSavedCard`] | `/api/reg2reg` (a card saved with [`AddPayoutCard`]) | yes |
//! | [`PayoutToCard`] | `/g2g/p2p2nonreg` (a card number you hold) | yes |
//! | [`PayoutToIban`] | `/api/to_iban` (a bank account) | yes |
//! | [`Balance`] | `/api/balance_status` | no |
//! | [`PayoutStatus`] | `/api/payment_status` (by payment id) | no |
//! | [`PayoutStatusByOrder`] | `/api/payment_status2` (by order id) | no |
//! | [`PayoutStatusByOrderLegacy`] | `/get_status2.php` (deprecated) | no |
//! | [`CashByCodeCheck`], [`CashByCodeExec`] | `/api/cbc/check`, `/api/cbc/exec` | yes |
//! | [`CashByCodeStatus`] | `/api/cbc/status` (at most once per 3 hours) | no |
//! | [`MobilePayoutInit`], [`MobilePayout`] | `/init_payout.php`, `/mfs/payout` | yes |
//! | [`AddPayoutCard`] | `/v1/merchant/{id}/cardstoragepayout/add` | no |
//!
//! FreedomPay reports a payout's outcome to its `pg_post_link`: read it with
//! [`PayoutNotification`] and answer with its
//! `reply`. A card saved for payouts is reported to its `pg_post_link` too:
//! [`PayoutCardAdded`]. Both live in
//! [`notifications`](crate::notifications), with every other callback.

use core::time::Duration;

use crate::{Error, ErrorCode, NotFound, NotFoundEvidence, PaymentId, ReadError, Response};

mod add_card;
mod balance;
mod bank;
mod card;
mod cash_check;
mod cash_exec;
mod cash_status;
mod iban;
mod mobile_init;
mod mobile_payout;
mod page;
mod saved_card;
mod status;
mod status_by_order;
mod status_legacy;
mod text;

pub use add_card::{AddPayoutCard, AddPayoutCardResult};
pub use balance::{Balance, BalanceInfo};
pub use bank::{BankRecipient, Bik, Iban, Iin, Kbe, Knp};
pub use card::{PayoutToCard, PayoutToCardResult};
pub use cash_check::{CashByCodeCheck, CashByCodeCreated};
pub use cash_exec::{CashByCodeExec, CashByCodeExecuted};
pub use cash_status::{CashByCodeState, CashByCodeStatus, CashOutcome};
pub use iban::{PayoutToIban, PayoutToIbanResult};
pub use mobile_init::{MobilePayoutInit, MobilePayoutInitResult};
pub use mobile_payout::{MobileOperator, MobilePayout, MobilePayoutResult};
pub use page::{PayoutPage, PayoutPageResult};
pub use saved_card::{PayoutCard, PayoutToSavedCard, PayoutToSavedCardResult};
pub use status::{PayoutStatus, PayoutStatusInfo};
pub use status_by_order::{PayoutState, PayoutStatusByOrder, PayoutStatusByOrderInfo};
pub use status_legacy::{PayoutStatusByOrderLegacy, PayoutTransaction, TransactionStatus};
// The notifications' old paths, kept for existing code; they live in `crate::notifications`.
#[doc(hidden)]
pub use crate::notifications::{
    NotificationError, NotificationStatus, PayoutCardAdded, PayoutNotification,
};

/// Whether an error is the gateway's "transaction not found" (code 340) to a call that is not
/// a status query (a cash-by-code exec of an unknown payment id, say).
///
/// Status queries never answer "not found" as an error: they answer
/// [`Lookup::NotFound`](crate::Lookup::NotFound), whether the gateway said it with
/// `pg_payment_id` = 0 or with an error coded 340, signed or not, and that answer says whether
/// it proves the request never arrived ([`NotFound::is_conclusive`](crate::NotFound::is_conclusive):
/// only a minute or more after the last attempt). So this is never a reason to resend a payout.
/// 11068, reported as "not found" by one integration only, is not counted.
///
/// ```
/// use std::time::Duration;
/// use freedompay_core::{Config, Exchange, Lookup, Step, payout::PayoutStatusByOrderLegacy};
/// use freedompay_core::{OrderId, transport::HttpResponse};
/// use freedompay_sign::Salt;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
/// // Asked 5 s after the payout's last attempt.
/// let query = PayoutStatusByOrderLegacy::new(OrderId::new("00102")?).since_last_attempt(Duration::from_secs(5));
/// let mut exchange = Exchange::new(&config, query, Salt::new("s4lt")?);
/// let Step::Send(_request) = exchange.next() else { unreachable!() };
/// // The gateway's unsigned "not found" reply (seed 002).
/// exchange.handle(Ok(HttpResponse::new(200, b"<response><pg_status>error</pg_status>\
///     <pg_error_code>340</pg_error_code><pg_error_description>Transaction not found\
///     </pg_error_description></response>".to_vec())));
/// let Step::Done(Ok(Lookup::NotFound(not_found))) = exchange.next() else { unreachable!() };
/// // 5 s after the attempt, "not found" proves nothing: do not resend.
/// assert!(!not_found.is_conclusive());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_not_found(error: &Error) -> bool {
    error.error_code() == Some(ErrorCode::TransactionNotFound)
}

/// `pg_payment_id` of a status reply: not found when it is `0` (the gateway's "not found"),
/// an error when it is missing or unreadable.
fn found_payment_id(
    reply: &Response<'_>,
    since_last_attempt: Option<Duration>,
) -> Result<Result<PaymentId, NotFound>, ReadError> {
    const FIELD: &str = "pg_payment_id";
    match reply.text(FIELD).map(str::trim) {
        Some("0") => Ok(Err(NotFound::new(
            NotFoundEvidence::PaymentIdZero,
            since_last_attempt,
        ))),
        _ => reply.require(FIELD).map(Ok),
    }
}

/// Calls the macro `$m` with every payout operation, as `method_name => Type => Output`
/// triples: the one list the client crates generate their methods from, so that both
/// flavours offer the same methods with named result types. (`Output` must be the
/// operation's `Operation::Output`: the generated methods do not compile otherwise.)
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_payout_operation {
    ($m:ident) => {
        $m! {
            balance => $crate::payout::Balance => $crate::payout::BalanceInfo,
            payout_page => $crate::payout::PayoutPage => $crate::payout::PayoutPageResult,
            payout_to_saved_card => $crate::payout::PayoutToSavedCard => $crate::payout::PayoutToSavedCardResult,
            payout_to_card => $crate::payout::PayoutToCard => $crate::payout::PayoutToCardResult,
            payout_to_iban => $crate::payout::PayoutToIban => $crate::payout::PayoutToIbanResult,
            payout_status => $crate::payout::PayoutStatus => $crate::Lookup<$crate::payout::PayoutStatusInfo>,
            payout_status_by_order => $crate::payout::PayoutStatusByOrder => $crate::Lookup<$crate::payout::PayoutStatusByOrderInfo>,
            payout_status_by_order_legacy => $crate::payout::PayoutStatusByOrderLegacy => $crate::Lookup<$crate::payout::PayoutTransaction>,
            cash_by_code_check => $crate::payout::CashByCodeCheck => $crate::payout::CashByCodeCreated,
            cash_by_code_exec => $crate::payout::CashByCodeExec => $crate::payout::CashByCodeExecuted,
            cash_by_code_status => $crate::payout::CashByCodeStatus => $crate::Lookup<$crate::payout::CashByCodeState>,
            mobile_payout_init => $crate::payout::MobilePayoutInit => $crate::payout::MobilePayoutInitResult,
            mobile_payout => $crate::payout::MobilePayout => $crate::payout::MobilePayoutResult,
            add_payout_card => $crate::payout::AddPayoutCard => $crate::payout::AddPayoutCardResult,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, GatewayError};

    #[test]
    fn not_found_codes_are_recognised() {
        let not_found = Error::new(
            ErrorKind::Gateway(GatewayError::new(
                Some(ErrorCode::TransactionNotFound),
                None,
            )),
            "payout_status",
        );
        assert!(is_not_found(&not_found));
        let integration_only = Error::new(
            ErrorKind::Gateway(GatewayError::new(Some(ErrorCode::NotFound), None)),
            "payout_status",
        );
        assert!(!is_not_found(&integration_only));
        let other = Error::new(
            ErrorKind::Gateway(GatewayError::new(
                Some(ErrorCode::MerchantNotIdentified),
                None,
            )),
            "payout_status",
        );
        assert!(!is_not_found(&other));
    }
}
