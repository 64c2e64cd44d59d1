//! Payouts (PROTOCOL.md §1.6): money from the merchant's balance to a card, an IBAN, a
//! phone or cash at an ATM, with their statuses and the balance.
//!
//! Payouts are signed with the **payout secret** (`Config::builder().payout_secret_key(..)`),
//! except card tokenization for payouts (see [`AddPayoutCard`]). A payout is never resent
//! after a failure that may have reached the gateway: the error says the outcome is unknown
//! and carries the order id; reconcile with [`PayoutStatusByOrder`].

mod balance;
mod card;

pub use balance::{Balance, BalanceInfo};
pub use card::{PayoutToCard, PayoutToCardResult};

/// Calls the macro `$m` with every payout operation, as `method_name => Type` pairs: the one
/// list the client crates generate their methods from, so that both flavours offer the same
/// methods.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_payout_operation {
    ($m:ident) => {
        $m! {
            balance => $crate::payout::Balance,
            payout_to_card => $crate::payout::PayoutToCard,
        }
    };
}
