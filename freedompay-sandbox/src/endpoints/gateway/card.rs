//! Stored cards of the Gateway API (docs/protocol.md §11.1): `g2g/cardstorage/add` (card data,
//! 3-D Secure when the issuer asks), `g2g/cardstorage/payment_acs`, `g2g/cardstorage/list`,
//! `g2g/cardstorage/remove`. A stored card pays by its token on `g2g/payment`.

use freedompay_sign::Fields;

use super::super::{Answer, Ctx, cardstorage, ok};
use super::{push_order, read_card};
use crate::callbacks::{NewCallback, register};
use crate::config::SecretChoice;
use crate::error::ApiError;
use crate::flow::card::card_added_fields;
use crate::flow::gateway::{self as rules, DECLINED};
use crate::state::{AcsSubject, CallbackKind, CardAdd, Method, SavedCard, State};
use crate::validate;

/// `g2g/cardstorage/add`: `pg_user_id`, `pg_order_id`?, the card, `pg_post_link`? (the
/// card-added callback, as the Merchant API's). Any valid card can be stored; whether it then
/// pays follows the test-card rule.
pub(crate) fn add(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let order_id = validate::order_id(f)?;
    let post_link = validate::url(f, "pg_post_link")?;
    let challenge = validate::flag(f, "pg_3ds_challenge", false)?;
    if validate::text(f, "pg_card_pan")?.is_none() && validate::text(f, "pg_card_token")?.is_some()
    {
        return Err(ApiError::validation(
            "pg_card_pan: required (the sandbox does not model enriching a card by pg_card_token)",
        ));
    }
    let (mut card, pan) = read_card(ctx, state, true)?;
    card.purchase_ok = rules::approved(&pan);
    let id = state.next_id();
    state.gateway.card_adds.insert(
        id,
        CardAdd {
            user_id,
            order_id: order_id.clone(),
            post_link,
            card,
            stored: None,
        },
    );
    if rules::needs_3ds(&pan, challenge) {
        let mut reply = ok(&[("pg_payment_id", id.to_string())]);
        push_order(&mut reply, order_id.as_ref());
        for field in rules::open_acs(ctx.app, state, AcsSubject::CardAdd(id)) {
            reply.push_field(field);
        }
        return Ok(Answer::Xml(reply));
    }
    Ok(Answer::Xml(store(ctx, state, id, true)))
}

/// `g2g/cardstorage/payment_acs`: `pg_payment_id`, `pg_md`, `pg_pares` after the ACS page.
pub(crate) fn payment_acs(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    let adding = state
        .gateway
        .card_adds
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    if let Some(stored) = adding.stored {
        // Already completed: the same answer again.
        return Ok(Answer::Xml(reply(ctx, state, id, stored)));
    }
    let authenticated = rules::check_pares(state, AcsSubject::CardAdd(id), ctx.fields())?;
    Ok(Answer::Xml(store(ctx, state, id, authenticated)))
}

/// Stores the card (or refuses it after a failed 3-D Secure) and answers.
fn store(ctx: &mut Ctx<'_>, state: &mut State, id: i64, authenticated: bool) -> Fields {
    let Some(adding) = state.gateway.card_adds.get_mut(&id) else {
        return ApiError::not_found("Transaction not found").into_fields();
    };
    adding.stored = Some(authenticated);
    let adding = adding.clone();
    if authenticated {
        state.cards.push(SavedCard {
            user_id: adding.user_id.clone(),
            for_payouts: false,
            card: adding.card.clone(),
            recurring_profile: None,
            created_at: ctx.now,
            deleted_at: None,
        });
        if let Some(url) = adding.post_link.clone() {
            let f = card_added_fields(
                id,
                adding.order_id.as_deref(),
                &adding.card,
                &adding.user_id,
                ctx.merchant(),
            );
            let callback = register(
                ctx.app,
                state,
                NewCallback {
                    kind: CallbackKind::CardAdded,
                    subject_id: id,
                    url,
                    method: Method::Post,
                    secret: SecretChoice::Payment,
                    fields: f,
                    can_reject: false,
                },
            );
            ctx.callbacks.push(callback);
        }
    }
    reply(ctx, state, id, authenticated)
}

fn reply(ctx: &Ctx<'_>, state: &State, id: i64, stored: bool) -> Fields {
    let Some(adding) = state.gateway.card_adds.get(&id) else {
        return ApiError::not_found("Transaction not found").into_fields();
    };
    if !stored {
        let mut e = ApiError::new(DECLINED, "3-D Secure authentication failed")
            .with("pg_payment_id", id.to_string());
        if let Some(order) = &adding.order_id {
            e = e.with("pg_order_id", order.as_str());
        }
        return e.into_fields();
    }
    let card = &adding.card;
    let mut r = ok(&[("pg_payment_id", id.to_string())]);
    push_order(&mut r, adding.order_id.as_ref());
    r.push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_user_id", adding.user_id.as_str())
        .push_static("pg_card_id", card.card_id.to_string())
        .push_static("pg_card_token", card.token.as_str())
        .push_static("pg_card_hash", card.pan_masked.as_str())
        .push_static("pg_card_status", "approved");
    r
}

/// `g2g/cardstorage/list`: the user's stored purchase cards, one `<card>` each (the Merchant
/// API's list, whose shape the Gateway's is taken to share [?]).
pub(crate) fn list(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    cardstorage::list(ctx, state)
}

/// `g2g/cardstorage/remove`: `pg_user_id`, `pg_card_token`; the reply `pg_status` `success` and
/// `deleted_at` (docs.freedompay.uz api-13679464).
pub(crate) fn remove(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let token = validate::required(f, "pg_card_token")?;
    let now = ctx.now;
    let saved = state
        .cards
        .iter_mut()
        .find(|c| {
            c.user_id == user_id
                && !c.for_payouts
                && c.deleted_at.is_none()
                && c.card.token == token
        })
        .ok_or_else(|| ApiError::not_found("Card not found"))?;
    saved.deleted_at = Some(now);
    let mut r = Fields::new();
    r.push_static("pg_status", "success")
        .push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_card_token", saved.card.token.as_str())
        .push_static("pg_card_hash", saved.card.pan_masked.as_str())
        .push_static("deleted_at", ctx.app.clock.format(now));
    Ok(Answer::Xml(r))
}
