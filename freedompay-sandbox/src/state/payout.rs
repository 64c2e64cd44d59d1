//! Payouts (money from the merchant balance to a card, an account, a phone or an ATM).

use serde::{Deserialize, Serialize};

use super::CardData;
use crate::cards::PayoutOutcome;

/// Which endpoint created a payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PayoutKind {
    /// `/api/reg2nonreg`: the recipient types the card number in the payout page.
    Reg2NonReg,
    /// `/api/reg2reg`: to a card saved with `cardstoragepayout/add`.
    Reg2Reg,
    /// `/g2g/p2p2nonreg`: the card number is in the request.
    P2p,
    /// `/api/to_iban`: to a bank account.
    ToIban,
    /// `/init_payout.php` + `/mfs/payout`: to a mobile phone balance.
    Mobile,
    /// `/api/cbc/*`: cash by code at an ATM.
    Cash,
}

impl PayoutKind {
    /// A name for the control API.
    pub(crate) fn name(self) -> &'static str {
        match self {
            PayoutKind::Reg2NonReg => "reg2nonreg",
            PayoutKind::Reg2Reg => "reg2reg",
            PayoutKind::P2p => "p2p2nonreg",
            PayoutKind::ToIban => "to_iban",
            PayoutKind::Mobile => "mobile",
            PayoutKind::Cash => "cbc",
        }
    }
}

/// Where a payout is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PayoutStatus {
    /// Created; waiting for the recipient's page, the `mfs/payout` step or `cbc/exec`.
    Created,
    /// Money reserved; finishes at `due` (sandbox ms) with `then`, or, for cash by code,
    /// when the recipient withdraws (control API) or fails with 75 after 24 hours.
    Process { due: i64, then: PayoutOutcome },
    /// Paid.
    Success,
    /// Refused (money, if reserved, returned).
    Error(u32, String),
}

/// A payout.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Payout {
    pub(crate) id: i64,
    pub(crate) kind: PayoutKind,
    pub(crate) order_id: Option<String>,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) description: String,
    pub(crate) post_link: Option<String>,
    pub(crate) back_link: Option<String>,
    pub(crate) order_time_limit: Option<i64>,
    pub(crate) user_id: Option<String>,
    pub(crate) status: PayoutStatus,
    pub(crate) created_at: i64,
    pub(crate) paid_at: Option<i64>,
    pub(crate) card: Option<CardData>,
    pub(crate) reference: String,
    /// Phone (mobile, cash) or IBAN, as given.
    pub(crate) recipient: Option<String>,
    /// Whether the amount is currently taken from the balance.
    pub(crate) reserved: bool,
}

impl Payout {
    /// `pg_payment_status` of `payment_status2`: `success`, `error` or `process`.
    pub(crate) fn simple_status(&self) -> &'static str {
        match self.status {
            PayoutStatus::Success => "success",
            PayoutStatus::Error(..) => "error",
            PayoutStatus::Created | PayoutStatus::Process { .. } => "process",
        }
    }

    /// `pg_transaction_status` in the style of `get_status2.php`.
    pub(crate) fn status2(&self) -> &'static str {
        match self.status {
            PayoutStatus::Created => "partial",
            PayoutStatus::Process { .. } => "pending",
            PayoutStatus::Success => "ok",
            PayoutStatus::Error(..) => "failed",
        }
    }

    /// Whether the payout has reached a final state.
    pub(crate) fn is_final(&self) -> bool {
        matches!(self.status, PayoutStatus::Success | PayoutStatus::Error(..))
    }
}
