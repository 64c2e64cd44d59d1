//! The Gateway API (`/g2g/…`, docs/protocol.md §11): host-to-host calls for merchants that
//! handle card data themselves (PCI DSS) and for transfers between cards.
//!
//! The same `pg_*` fields, MD5 signature and XML replies as the Merchant API. Calls that
//! carry card data (a PAN, a CVC, an expiry date, a wallet's cryptogram) need the merchant to
//! be PCI DSS certified. Every call that moves money is never resent after a failure that
//! may have reached the gateway: the error says the outcome is unknown; find out with the
//! status query named on the operation.
//!
//! This part (Payout, Transfer, Token):
//!
//! | Operation | Endpoint | Moves money |
//! |---|---|---|
//! | [`CardTransfer`] | `/g2g/p2p/transfer` | yes |
//! | [`CompleteCardTransfer`] | `/g2g/p2p/transfer_acs` (after 3-D Secure) | yes |
//! | [`CardTransferStatus`] | `/g2g/p2p/status` | no |
//! | [`TokenPayment`] | `/g2g/payment` with `pg_card_token` | yes |
//! | [`WalletPayment`] | `/g2g/payment` with a wallet's payment data | yes |
//! | [`StatusV2`] | `/g2g/status_v2` (card id, brand, expiry, refunds) | no |
//!
//! The Gateway navigation's Payout › Card, IBAN, Balance and Status, and Token › Token Payout,
//! are the operations of [`payout`](crate::payout) (`PayoutToCard`, `PayoutToIban`,
//! `Balance`, `PayoutStatus`, `PayoutToSavedCard`): the Gateway pages document the same
//! endpoints (docs/protocol.md §11).

use core::time::Duration;

use crate::{InvalidInput, Lookup, NotFound, NotFoundEvidence, PaymentId, ReadError, Response};

mod payout;
mod token;
mod transfer;

pub use payout::{ReportedExpiry, StatusV2, StatusV2Info};
pub use token::{TokenPayment, TokenPaymentResult, Wallet, WalletPayment, WalletPaymentData};
pub use transfer::{
    AcsChallenge, CardTransfer, CardTransferResult, CardTransferStatus, CardTransferStatusInfo,
    CompleteCardTransfer, TransferRecipient, TransferSender,
};

/// A status reply as a [`Lookup`]: `pg_payment_id` 0 is the gateway's "not found"; any other
/// value is read by `found`.
fn lookup<T>(
    reply: &Response<'_>,
    since_last_attempt: Option<Duration>,
    found: impl FnOnce(PaymentId) -> Result<T, ReadError>,
) -> Result<Lookup<T>, ReadError> {
    if reply.text("pg_payment_id").map(str::trim) == Some("0") {
        return Ok(Lookup::NotFound(NotFound::new(
            NotFoundEvidence::PaymentIdZero,
            since_last_attempt,
        )));
    }
    found(reply.require("pg_payment_id")?).map(Lookup::Found)
}

/// A card holder's name: 1 to 255 characters.
pub(crate) fn holder_name(field: &'static str, name: &str) -> Result<(), InvalidInput> {
    if name.trim().is_empty() || name.chars().count() > 255 {
        return Err(InvalidInput::new(field, "must be 1 to 255 characters"));
    }
    Ok(())
}

/// A card token: 1 to 255 visible ASCII characters.
pub(crate) fn card_token(field: &'static str, token: &str) -> Result<(), InvalidInput> {
    if token.is_empty() || token.len() > 255 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            field,
            "a card token is 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// Calls the macro `$m` with every Gateway operation, as `method_name => Type => Output`
/// triples (see `for_each_payout_operation!`).
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_gateway_operation {
    ($m:ident) => {
        $m! {
            // Transfer (P2P, card to card)
            card_transfer => $crate::gateway::CardTransfer => $crate::gateway::CardTransferResult,
            complete_card_transfer => $crate::gateway::CompleteCardTransfer => $crate::gateway::CardTransferResult,
            card_transfer_status => $crate::gateway::CardTransferStatus => $crate::Lookup<$crate::gateway::CardTransferStatusInfo>,
            // Token (saved cards and wallets)
            token_payment => $crate::gateway::TokenPayment => $crate::gateway::TokenPaymentResult,
            wallet_payment => $crate::gateway::WalletPayment => $crate::gateway::TokenPaymentResult,
            // Payout and status
            status_v2 => $crate::gateway::StatusV2 => $crate::Lookup<$crate::gateway::StatusV2Info>,
        }
    };
}
