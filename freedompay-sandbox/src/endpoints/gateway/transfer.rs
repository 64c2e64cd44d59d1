//! P2P transfers of the Gateway API (docs/protocol.md §11.5): `g2g/p2p/transfer`,
//! `g2g/p2p/transfer_acs`, `g2g/p2p/status`.
//!
//! Money, as the sandbox keeps it: the sender's card is debited `pg_amount` plus
//! `pg_commission_amount`, the recipient's card credited the amount in `pg_currency_to`; the
//! merchant balance keeps the commission of a card-to-card transfer, gains the whole debit of
//! a debit only (recipient "no card" token) and pays the credit of a payout only (sender "no
//! card" token, refused with 9100 when the balance cannot cover it). `GET /_sandbox/gateway`
//! shows what each card was debited or credited.

use freedompay_sign::Fields;

use super::super::{Answer, Ctx, ok};
use super::{push_order, read_card};
use crate::cards::{self, PayoutOutcome};
use crate::error::{ApiError, INSUFFICIENT_BALANCE};
use crate::flow::gateway::{self as rules, DECLINED, NO_CARD_TOKEN};
use crate::flow::payment::card_data;
use crate::money::{format_minor, parse_minor};
use crate::state::{AcsSubject, CardData, SavedCard, State, Transfer, TransferStatus};
use crate::validate;

/// The sandbox's fixed rates, in KZT per unit (docs: KZT, USD, EUR; the gateway's own rate is
/// not published, the sandbox's is made up).
fn rate(currency: &str) -> Option<i64> {
    match currency {
        "KZT" => Some(1),
        "USD" => Some(500),
        "EUR" => Some(550),
        _ => None,
    }
}

fn saved_card(state: &State, token: &str) -> Option<CardData> {
    state
        .cards
        .iter()
        .find(|c| c.card.token == token && c.deleted_at.is_none())
        .map(|c| c.card.clone())
}

/// `g2g/p2p/transfer`.
pub(crate) fn transfer(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let order_id = validate::order_id(f)?;
    let amount = validate::amount(f, "pg_amount")?;
    let amount_to = validate::optional_amount(f, "pg_amount_to")?;
    let currency_from = validate::one_of(f, "pg_currency_from", &["KZT", "USD", "EUR"], "KZT")?;
    let currency_to = validate::one_of(f, "pg_currency_to", &["KZT", "USD", "EUR"], "KZT")?;
    let commission = match validate::text(f, "pg_commission_amount")? {
        None => 0,
        Some(t) => parse_minor(t)
            .ok_or_else(|| ApiError::validation("pg_commission_amount: a non-negative amount"))?,
    };
    validate::description(f, false)?;
    let user_id = validate::user_id(f, false)?;
    let save = (
        validate::flag(f, "pg_save_sender_card", false)?,
        validate::flag(f, "pg_save_recipient_card", false)?,
    );
    if (save.0 || save.1) && user_id.is_none() {
        return Err(ApiError::validation(
            "pg_user_id: required when a card is to be saved",
        ));
    }
    let challenge = validate::flag(f, "pg_3ds_challenge", false)?;
    let mut three_ds = false;
    let sender = match validate::text(f, "pg_card_token")? {
        Some(NO_CARD_TOKEN) => None,
        Some(token) => Some(
            saved_card(state, token)
                .ok_or_else(|| ApiError::not_found("pg_card_token: card not found"))?,
        ),
        None => {
            let (mut card, pan) = read_card(ctx, state, true)?;
            card.purchase_ok = rules::approved(&pan);
            three_ds = rules::needs_3ds(&pan, challenge);
            Some(card)
        }
    };
    let recipient_name = validate::max_len(f, "pg_card_recipient_name", 100)?;
    let recipient = match validate::text(f, "pg_card_recipient_token")? {
        Some(NO_CARD_TOKEN) => None,
        Some(token) => Some(
            saved_card(state, token)
                .ok_or_else(|| ApiError::not_found("pg_card_recipient_token: card not found"))?,
        ),
        None => {
            let pan = validate::pan(f, "pg_card_recipient")?;
            Some(card_data(
                ctx.app,
                state,
                pan,
                "",
                recipient_name.unwrap_or(""),
            ))
        }
    };
    match (&sender, &recipient) {
        (None, None) => {
            return Err(ApiError::validation(
                "pg_card_token: the sender and the recipient cannot both be \"no card\"",
            ));
        }
        (None, Some(_))
            if recipient_name.is_none() && validate::text(f, "pg_card_name")?.is_none() =>
        {
            return Err(ApiError::validation(
                "pg_card_recipient_name: required for a payout only transfer",
            ));
        }
        _ => {}
    }
    let amount_to = match amount_to {
        Some(a) => a,
        None => {
            let (from, to) = (rate(&currency_from), rate(&currency_to));
            match (from, to) {
                (Some(from), Some(to)) => amount * from / to,
                _ => return Err(ApiError::validation("pg_currency_to: no rate")),
            }
        }
    };
    let id = state.next_id();
    state.gateway.transfers.insert(
        id,
        Transfer {
            id,
            order_id: order_id.clone(),
            amount,
            amount_to,
            commission,
            currency_from,
            currency_to,
            sender,
            recipient,
            status: TransferStatus::Pending,
            failure: None,
            created_at: ctx.now,
            done_at: None,
            save,
            user_id,
        },
    );
    if three_ds {
        let mut reply = ok(&[("pg_payment_id", id.to_string())]);
        push_order(&mut reply, order_id.as_ref());
        for field in rules::open_acs(ctx.app, state, AcsSubject::Transfer(id)) {
            reply.push_field(field);
        }
        return Ok(Answer::Xml(reply));
    }
    Ok(Answer::Xml(complete(ctx, state, id, true)))
}

/// `g2g/p2p/transfer_acs`: `pg_payment_id`, `pg_md`, `pg_pares` after the ACS page.
pub(crate) fn transfer_acs(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    let t = state
        .gateway
        .transfers
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    if t.status != TransferStatus::Pending {
        return Ok(Answer::Xml(reply(t)));
    }
    let authenticated = rules::check_pares(state, AcsSubject::Transfer(id), ctx.fields())?;
    Ok(Answer::Xml(complete(ctx, state, id, authenticated)))
}

/// Moves the money (or declines) and answers.
fn complete(ctx: &Ctx<'_>, state: &mut State, id: i64, authenticated: bool) -> Fields {
    let Some(t) = state.gateway.transfers.get(&id).cloned() else {
        return ApiError::not_found("Transaction not found").into_fields();
    };
    let payout_failure = t.recipient.as_ref().and_then(|r| match r.payout {
        PayoutOutcome::Error(code) | PayoutOutcome::ProcessThenError(code) => {
            Some((code, cards::payout_error_description(code).to_owned()))
        }
        PayoutOutcome::Success | PayoutOutcome::ProcessThenSuccess => None,
    });
    let failure = if !authenticated {
        Some((DECLINED, "3-D Secure authentication failed".to_owned()))
    } else if t.sender.as_ref().is_some_and(|s| !s.purchase_ok) {
        Some((DECLINED, "Transaction declined".to_owned()))
    } else if payout_failure.is_some() {
        // The sender's debit is refunded at once (freedompay.kz/docs-en/gateway-api/transfer).
        payout_failure
    } else if t.sender.is_none() && state.balance.get() < t.amount_to {
        Some((
            INSUFFICIENT_BALANCE,
            "Insufficient funds on the merchant balance".to_owned(),
        ))
    } else {
        None
    };
    if failure.is_none() {
        let debit = t.amount + t.commission;
        state.balance.add(match (&t.sender, &t.recipient) {
            (Some(_), Some(_)) => t.commission,
            (Some(_), None) => debit,
            (None, _) => -t.amount_to,
        });
        if let Some(s) = &t.sender {
            *state
                .gateway
                .card_ledger
                .entry(s.pan_masked.clone())
                .or_default() -= debit;
        }
        if let Some(r) = &t.recipient {
            *state
                .gateway
                .card_ledger
                .entry(r.pan_masked.clone())
                .or_default() += t.amount_to;
        }
        if let Some(user_id) = &t.user_id {
            for (wanted, card) in [(t.save.0, &t.sender), (t.save.1, &t.recipient)] {
                if let (true, Some(card)) = (wanted, card) {
                    state.cards.push(SavedCard {
                        user_id: user_id.clone(),
                        for_payouts: false,
                        card: card.clone(),
                        recurring_profile: None,
                        created_at: ctx.now,
                        deleted_at: None,
                    });
                }
            }
        }
    }
    let Some(stored) = state.gateway.transfers.get_mut(&id) else {
        return ApiError::not_found("Transaction not found").into_fields();
    };
    stored.status = if failure.is_none() {
        TransferStatus::Success
    } else {
        TransferStatus::Failed
    };
    stored.failure = failure;
    stored.done_at = Some(ctx.now);
    reply(stored)
}

fn reply(t: &Transfer) -> Fields {
    match &t.failure {
        None => {
            let mut r = ok(&[("pg_payment_id", t.id.to_string())]);
            push_order(&mut r, t.order_id.as_ref());
            r.push_static("pg_payment_status", t.status.name())
                .push_static("pg_amount", format_minor(t.amount))
                .push_static("pg_amount_to", format_minor(t.amount_to))
                .push_static("pg_currency_from", t.currency_from.as_str())
                .push_static("pg_currency_to", t.currency_to.as_str());
            for (name, card) in [
                ("pg_card_token", &t.sender),
                ("pg_card_recipient_token", &t.recipient),
            ] {
                if let Some(card) = card
                    && t.save != (false, false)
                {
                    r.push(name, card.token.as_str());
                }
            }
            r
        }
        Some((code, description)) => {
            let mut e =
                ApiError::new(*code, description.clone()).with("pg_payment_id", t.id.to_string());
            if let Some(order) = &t.order_id {
                e = e.with("pg_order_id", order.as_str());
            }
            e.with("pg_payment_status", t.status.name())
                .with("pg_failure_code", code.to_string())
                .with("pg_failure_description", description.as_str())
                .into_fields()
        }
    }
}

/// `g2g/p2p/status`: by `pg_payment_id` (or `pg_order_id`); an unknown transfer is
/// `pg_payment_id` 0.
pub(crate) fn status(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let by_id = match validate::text(f, "pg_payment_id")? {
        Some(_) => Some(validate::id(f, "pg_payment_id")?),
        None => None,
    };
    let order = validate::order_id(f)?;
    if by_id.is_none() && order.is_none() {
        return Err(ApiError::validation("pg_payment_id: required"));
    }
    let found = state
        .gateway
        .transfers
        .values()
        .rev()
        .find(|t| match by_id {
            Some(id) => t.id == id,
            None => t.order_id == order,
        });
    let Some(t) = found else {
        return Ok(Answer::Xml(ok(&[("pg_payment_id", "0".to_owned())])));
    };
    let mut r = ok(&[("pg_payment_id", t.id.to_string())]);
    push_order(&mut r, t.order_id.as_ref());
    r.push_static("pg_payment_status", t.status.name())
        .push_static("pg_amount", format_minor(t.amount))
        .push_static("pg_amount_to", format_minor(t.amount_to))
        .push_static("pg_commission_amount", format_minor(t.commission))
        .push_static("pg_currency", t.currency_from.as_str())
        .push_static("pg_currency_to", t.currency_to.as_str())
        .push_static("pg_create_date", ctx.app.clock.format(t.created_at));
    if let Some((code, description)) = &t.failure {
        r.push_static("pg_failure_code", code.to_string())
            .push_static("pg_failure_description", description.as_str());
    }
    Ok(Answer::Xml(r))
}
