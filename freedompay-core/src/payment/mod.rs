//! Pay-ins (docs/protocol.md §1.1–1.5, 1.7): taking money from payers, managing payments, and
//! the callbacks FreedomPay sends about them.
//!
//! Signed with the **payment secret**. The table of contents:
//!
//! | Operation | Path | Moves money |
//! |---|---|---|
//! | [`InitPayment`] | `/init_payment.php` | yes |
//! | [`AnyAmountPayment`] | `/g2g/any_amount` | yes |
//! | [`PaymentRedirect`] (no server call) | `/payment.php` | – |
//! | [`PaymentStatus`] | `/get_status3.php` | no |
//! | [`CancelPayment`] | `/cancel.php` | yes |
//! | [`CapturePayment`] | `/do_capture.php` | yes |
//! | [`RefundPayment`] | `/revoke.php` | yes |
//! | [`RecurringPayment`] | `/make_recurring_payment.php` | yes |
//! | [`AddCard`] | `/v1/merchant/{id}/cardstorage/add2` | no |
//! | [`ListCards`] | `/v1/merchant/{id}/cardstorage/list` | no |
//! | [`RemoveCard`] | `/v1/merchant/{id}/cardstorage/remove` | no |
//! | [`InitCardPayment`] | `/v1/merchant/{id}/card/init` | yes |
//! | [`CardPayLink`] (no server call) | `/v1/merchant/{id}/card/pay` | – |
//! | [`DirectCardPayment`] | `/v1/merchant/{id}/card/direct` | yes |
//! | [`MobilePayment`] | `/mfs/pay` | yes |
//! | [`ApproveMobilePayment`] | `/mfs/approve` | yes |
//!
//! A call that moves money is never resent after a failure that may have reached the
//! gateway; reconcile with [`PaymentStatus`]. The status by order id of the deprecated
//! `get_status2.php` lives in [`payout`](crate::payout). Callbacks are in [`notifications`](crate::notifications).

/// `insta::assert_snapshot!` storing in `src/payment/snapshots/` from nested modules too.
#[cfg(test)]
macro_rules! assert_payment_snapshot {
    ($($arg:tt)*) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/src/payment/snapshots") },
            { insta::assert_snapshot!($($arg)*) }
        )
    };
}

mod any_amount;
mod cancel;
mod capture;
mod card_pan;
mod cards;
mod checks;
mod custom;
mod init;
mod mobile;
mod options;
mod page;
mod receipt;
mod recurring;
mod redirect;
mod refund;
mod status;
// For the result notification, in `crate::notifications`.
pub(crate) use status::failure_code;
pub(crate) use status::related as status_related;

/// The payment callbacks' old path; they live in [`crate::notifications`].
#[doc(hidden)]
pub mod notifications {
    pub use crate::notifications::{
        CaptureNotification, CardAddedNotification, CheckNotification, NotificationError,
        PaymentResult, RedirectNotification, RefundNotification, RejectNotAllowed,
        ResultNotification,
    };
}
mod token;

pub use any_amount::AnyAmountPayment;
pub use cancel::{CancelPayment, CancelPaymentResult};
pub use capture::{CapturePayment, CapturePaymentResult};
pub use card_pan::MaskedPan;
pub use cards::{AddCard, AddCardResult, CardRef, ListCards, RemoveCard, RemovedCard, SavedCard};
pub use init::{InitPayment, InitPaymentResult};
pub use mobile::{ApproveMobilePayment, MobileOperator, MobilePayment, MobilePaymentResult};
pub use options::{Language, PaymentMethod, RedirectMethod, RequestMethod};
pub use receipt::{ReceiptPosition, TaxType};
pub use recurring::{RecurringPayment, RecurringPaymentResult, RecurringProfileId};
pub use redirect::PaymentRedirect;
pub use refund::{RefundPayment, RefundPaymentResult};
pub use status::{PaymentState, PaymentStatus, PaymentStatusInfo, RelatedPayment};
pub use token::{
    CardPayLink, DirectCardPayment, DirectCardPaymentResult, InitCardPayment, InitCardPaymentResult,
};

/// Calls the macro `$m` with every payment operation, as `method_name => Type => Output`
/// triples: the one list the client crates generate their methods from (`Output` is the
/// operation's `Operation::Output`, named in the methods' signatures).
///
/// [`PaymentRedirect`] and [`CardPayLink`] are not listed: they make no server call.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_payment_operation {
    ($m:ident) => {
        $m! {
            init_payment => $crate::payment::InitPayment => $crate::payment::InitPaymentResult,
            any_amount_payment => $crate::payment::AnyAmountPayment => $crate::payment::InitPaymentResult,
            payment_status => $crate::payment::PaymentStatus => $crate::Lookup<$crate::payment::PaymentStatusInfo>,
            cancel_payment => $crate::payment::CancelPayment => $crate::payment::CancelPaymentResult,
            capture_payment => $crate::payment::CapturePayment => $crate::payment::CapturePaymentResult,
            refund_payment => $crate::payment::RefundPayment => $crate::payment::RefundPaymentResult,
            recurring_payment => $crate::payment::RecurringPayment => $crate::payment::RecurringPaymentResult,
            add_card => $crate::payment::AddCard => $crate::payment::AddCardResult,
            list_cards => $crate::payment::ListCards => Vec<$crate::payment::SavedCard>,
            remove_card => $crate::payment::RemoveCard => $crate::payment::RemovedCard,
            init_card_payment => $crate::payment::InitCardPayment => $crate::payment::InitCardPaymentResult,
            direct_card_payment => $crate::payment::DirectCardPayment => $crate::payment::DirectCardPaymentResult,
            mobile_payment => $crate::payment::MobilePayment => $crate::payment::MobilePaymentResult,
            approve_mobile_payment => $crate::payment::ApproveMobilePayment => $crate::payment::MobilePaymentResult,
        }
    };
}
