//! Saved cards: `cardstorage/add2` (purchases) and `cardstoragepayout/add` (payouts) open a
//! card-add page; `cardstorage/list` and `cardstorage/remove`.

use freedompay_sign::Fields;

use super::{Answer, Ctx, ok};
use crate::error::ApiError;
use crate::state::{CardSession, State};
use crate::validate;

fn open_page(ctx: &mut Ctx<'_>, state: &mut State, for_payouts: bool) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let post_link = validate::url(f, "pg_post_link")?;
    let back_link = validate::url(f, "pg_back_link")?;
    let order_id = validate::order_id(f)?;
    let id = state.next_id();
    state.card_sessions.insert(
        id,
        CardSession {
            user_id,
            order_id: order_id.clone(),
            post_link,
            back_link,
            for_payouts,
            done: None,
        },
    );
    let mut reply = ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_merchant_id", ctx.merchant().to_owned()),
    ]);
    if let Some(order) = order_id {
        reply.push_static("pg_order_id", order);
    }
    reply.push_static("pg_redirect_url", ctx.app.url(&format!("/card/add/{id}")));
    Ok(Answer::Xml(reply))
}

/// `cardstorage/add2`.
pub(crate) fn add2(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    open_page(ctx, state, false)
}

/// `cardstoragepayout/add`.
pub(crate) fn payout_add(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    open_page(ctx, state, true)
}

/// `cardstorage/list`: the user's saved purchase cards, one `<card>` each.
pub(crate) fn list(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let user_id = validate::user_id(ctx.fields(), true)?.unwrap_or_default();
    let mut reply = ok(&[]);
    for saved in state
        .cards
        .iter()
        .filter(|c| c.user_id == user_id && !c.for_payouts && c.deleted_at.is_none())
    {
        let mut card = Fields::new();
        card.push_static("pg_status", "approved")
            .push_static("pg_merchant_id", ctx.merchant())
            .push_static("pg_card_id", saved.card.card_id.to_string())
            .push_static("pg_card_token", saved.card.token.as_str())
            .push_static("pg_card_hash", saved.card.pan_masked.as_str());
        if let Some(profile) = saved.recurring_profile {
            card.push_static("pg_recurring_profile_id", profile.to_string());
        }
        card.push_static("created_at", ctx.app.clock.format(saved.created_at));
        reply.push_map("card", card);
    }
    Ok(Answer::Xml(reply))
}

/// `cardstorage/remove`: by `pg_card_token` (or the legacy `pg_card_id`).
pub(crate) fn remove(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let token = validate::text(f, "pg_card_token")?;
    let card_id = validate::text(f, "pg_card_id")?;
    if token.is_none() && card_id.is_none() {
        return Err(ApiError::validation("pg_card_token: required"));
    }
    let now = ctx.now;
    let saved = state
        .cards
        .iter_mut()
        .find(|c| {
            c.user_id == user_id
                && !c.for_payouts
                && c.deleted_at.is_none()
                && (token == Some(c.card.token.as_str())
                    || card_id == Some(c.card.card_id.to_string().as_str()))
        })
        .ok_or_else(|| ApiError::not_found("Card not found"))?;
    saved.deleted_at = Some(now);
    let mut card = Fields::new();
    card.push_static("pg_status", "deleted")
        .push_static("pg_merchant_id", ctx.app.config.merchant_id.as_str())
        .push_static("pg_card_token", saved.card.token.as_str())
        .push_static("pg_card_hash", saved.card.pan_masked.as_str())
        .push_static("deleted_at", ctx.app.clock.format(now));
    let mut reply = ok(&[]);
    reply.push_map("card", card);
    Ok(Answer::Xml(reply))
}
