//! A card-add page (`cardstorage/add2`, the legacy `cardstorage/add`, `cardstoragepayout/add`)
//! submitted: the card saved, the card-added callback to `pg_post_link`, and where the holder
//! goes next.

use freedompay_sign::Fields;

use crate::app::App;
use crate::callbacks::{NewCallback, register};
use crate::cards;
use crate::config::SecretChoice;
use crate::flow::payment::card_data;
use crate::state::{CallbackKind, CardData, Method, SavedCard};

/// A card saved through its page.
#[derive(Debug, Clone)]
pub(crate) struct CardAdded {
    /// The card-added callback to send, when the page had a `pg_post_link`.
    pub(crate) callback: Option<usize>,
    /// Where the holder goes next (`pg_back_link`).
    pub(crate) back_link: Option<String>,
    /// The saved card's token.
    pub(crate) token: String,
}

/// Why a card-add page refused a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardAddError {
    /// The number fails Luhn or has not 13 to 20 digits.
    InvalidCard,
    /// No card-add page has this id.
    PageNotFound,
    /// The page already saved a card.
    AlreadyUsed,
}

impl std::fmt::Display for CardAddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CardAddError::InvalidCard => "the card number is not valid",
            CardAddError::PageNotFound => "card-add page not found",
            CardAddError::AlreadyUsed => "this card-add page was already used",
        })
    }
}

/// Saves the card typed in card-add page `id` (or given to the control API).
pub(crate) fn add_card(
    app: &App,
    id: i64,
    pan: &str,
    exp: &str,
    holder: &str,
) -> Result<CardAdded, CardAddError> {
    if !cards::valid_pan(pan) {
        return Err(CardAddError::InvalidCard);
    }
    let now = app.clock.now_ms();
    let mut state = app.state();
    let session = state
        .card_sessions
        .get(&id)
        .cloned()
        .ok_or(CardAddError::PageNotFound)?;
    if session.done.is_some() {
        return Err(CardAddError::AlreadyUsed);
    }
    let card = card_data(app, &mut state, pan, exp, holder);
    let token = card.token.clone();
    state.cards.push(SavedCard {
        user_id: session.user_id.clone(),
        for_payouts: session.for_payouts,
        card: card.clone(),
        recurring_profile: None,
        created_at: now,
        deleted_at: None,
    });
    if let Some(s) = state.card_sessions.get_mut(&id) {
        s.done = Some(token.clone());
    }
    let callback = session.post_link.clone().map(|url| {
        let f = card_added_fields(
            id,
            session.order_id.as_deref(),
            &card,
            &session.user_id,
            &app.config.merchant_id,
        );
        let secret = if session.for_payouts {
            app.config.cardstoragepayout_secret
        } else {
            SecretChoice::Payment
        };
        register(
            app,
            &mut state,
            NewCallback {
                kind: CallbackKind::CardAdded,
                subject_id: id,
                url,
                method: Method::Post,
                secret,
                fields: f,
                can_reject: false,
            },
        )
    });
    Ok(CardAdded {
        callback,
        back_link: session.back_link,
        token,
    })
}

/// The fields of the card-added callback (`pg_type` `approve`) for a card saved by the card
/// page or by the Gateway API's `cardstorage/add`.
pub(crate) fn card_added_fields(
    id: i64,
    order_id: Option<&str>,
    card: &CardData,
    user_id: &str,
    merchant_id: &str,
) -> Fields {
    let (month, year) = card.exp.split_once('/').unwrap_or(("12", "30"));
    let mut f = Fields::new();
    f.push_static("pg_type", "approve")
        .push_static("pg_payment_id", id.to_string());
    if let Some(order) = order_id {
        f.push_static("pg_order_id", order);
    }
    f.push_static("pg_card_3ds", "0")
        .push_static("pg_card_hash", card.pan_masked.as_str())
        .push_static("pg_card_id", card.card_id.to_string())
        .push_static("pg_card_token", card.token.as_str())
        .push_static("pg_user_id", user_id)
        .push_static("pg_status", "success")
        .push_static("pg_card_month", month)
        .push_static("pg_card_year", year)
        .push_static("pg_merchant_id", merchant_id);
    f
}
