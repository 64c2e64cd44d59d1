//! What the sandbox remembers of the Gateway API (`/g2g/…`, docs/protocol.md §11): 3-D Secure
//! sessions of its ACS page, card payments waiting for 3-D Secure, card storage waiting for
//! 3-D Secure, and P2P transfers with the card ledger they move. Gateway payments themselves
//! are ordinary [`Payment`](super::Payment)s, so the Merchant API's status, clearing and
//! refund endpoints see them too.

use std::collections::BTreeMap;

use super::CardData;

/// What a 3-D Secure session authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcsSubject {
    /// A card or wallet payment (`g2g/payment`, continued by `g2g/paymentAcs`).
    Payment(i64),
    /// Storing a card (`g2g/cardstorage/add`, continued by `g2g/cardstorage/payment_acs`).
    CardAdd(i64),
    /// A transfer (`g2g/p2p/transfer`, continued by `g2g/p2p/transfer_acs`).
    Transfer(i64),
}

/// One 3-D Secure challenge of the sandbox's ACS page, keyed by its `MD`.
#[derive(Debug, Clone)]
pub(crate) struct AcsSession {
    pub(crate) subject: AcsSubject,
    /// The `PaReq` handed to the merchant (`pg_3d_pareq`).
    pub(crate) pareq: String,
    /// The `PaRes` the page posted back, once the payer typed a code, and whether the code
    /// was the right one.
    pub(crate) answer: Option<(String, bool)>,
}

/// A card being stored by `g2g/cardstorage/add`.
#[derive(Debug, Clone)]
pub(crate) struct CardAdd {
    pub(crate) user_id: String,
    pub(crate) order_id: Option<String>,
    pub(crate) post_link: Option<String>,
    pub(crate) card: CardData,
    /// `None` while waiting for 3-D Secure; `Some(true)` stored, `Some(false)` refused.
    pub(crate) stored: Option<bool>,
}

/// Where a transfer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransferStatus {
    /// Waiting for the sender's 3-D Secure.
    Pending,
    /// Done: the money moved.
    Success,
    /// Declined (nothing moved, or the debit was refunded).
    Failed,
}

impl TransferStatus {
    /// `pg_payment_status` of `g2g/p2p/status`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TransferStatus::Pending => "pending",
            TransferStatus::Success => "success",
            TransferStatus::Failed => "error",
        }
    }
}

/// A P2P transfer (`g2g/p2p/transfer`).
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub(crate) id: i64,
    pub(crate) order_id: Option<String>,
    /// Debited from the sender, minor units of `currency_from` (commission not included).
    pub(crate) amount: i64,
    /// Credited to the recipient, minor units of `currency_to`.
    pub(crate) amount_to: i64,
    pub(crate) commission: i64,
    pub(crate) currency_from: String,
    pub(crate) currency_to: String,
    /// `None`: the "no card" token (a payout only).
    pub(crate) sender: Option<CardData>,
    /// `None`: the "no card" token (a debit only).
    pub(crate) recipient: Option<CardData>,
    pub(crate) status: TransferStatus,
    pub(crate) failure: Option<(u32, String)>,
    pub(crate) created_at: i64,
    pub(crate) done_at: Option<i64>,
    /// Save the sender's and the recipient's card for this user once done.
    pub(crate) save: (bool, bool),
    pub(crate) user_id: Option<String>,
}

/// The Gateway API's part of the state.
#[derive(Debug, Default)]
pub(crate) struct GatewayState {
    /// 3-D Secure sessions by `MD`.
    pub(crate) acs: BTreeMap<String, AcsSession>,
    /// Card and wallet payments waiting for 3-D Secure: the card that will pay.
    pub(crate) pending_cards: BTreeMap<i64, CardData>,
    /// Cards being stored, by transaction id.
    pub(crate) card_adds: BTreeMap<i64, CardAdd>,
    /// Transfers by id.
    pub(crate) transfers: BTreeMap<i64, Transfer>,
    /// What transfers moved on each card (masked number → minor units; debits negative).
    pub(crate) card_ledger: BTreeMap<String, i64>,
}
