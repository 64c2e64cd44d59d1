//! Cards as the sandbox keeps them: masked, never the full number.

use serde::{Deserialize, Serialize};

use crate::cards::PayoutOutcome;

/// A card used for a payment or a payout, as reported back (masked).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CardData {
    /// `5483-18XX-XXXX-0293`.
    pub(crate) pan_masked: String,
    #[serde(with = "crate::store::brand_row")]
    pub(crate) brand: crate::store::BrandCode,
    /// `MM/YY`.
    pub(crate) exp: String,
    pub(crate) holder: String,
    pub(crate) token: String,
    pub(crate) card_id: i64,
    pub(crate) reference: String,
    pub(crate) auth_code: String,
    /// Whether a purchase with it is approved.
    pub(crate) purchase_ok: bool,
    /// What a payout to it does.
    pub(crate) payout: PayoutOutcome,
}

/// A card saved by `cardstorage/add2` (purchases) or `cardstoragepayout/add` (payouts).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SavedCard {
    pub(crate) user_id: String,
    pub(crate) for_payouts: bool,
    pub(crate) card: CardData,
    pub(crate) recurring_profile: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) deleted_at: Option<i64>,
}

/// A card-add page waiting for the card holder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CardSession {
    pub(crate) user_id: String,
    pub(crate) order_id: Option<String>,
    pub(crate) post_link: Option<String>,
    pub(crate) back_link: Option<String>,
    pub(crate) for_payouts: bool,
    /// The saved card's token once the page was submitted.
    pub(crate) done: Option<String>,
}

/// A recurring profile created by a payment with `pg_recurring_start=1`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecurringProfile {
    pub(crate) card: CardData,
    pub(crate) expires_at: i64,
    pub(crate) user_id: Option<String>,
}
