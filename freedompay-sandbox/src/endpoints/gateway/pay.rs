//! Gateway payments (docs/protocol.md §11.1, §11.6): `g2g/payment` with card data, a wallet's
//! data (Apple Pay, Google Pay, Samsung Pay) or a stored card's token; `g2g/paymentAcs` after
//! 3-D Secure; `g2g/cancel`, `g2g/clearing`, `g2g/refund` with the Merchant API's two-step
//! rules; `g2g/status_v2`.

use freedompay_sign::Fields;

use super::super::{Answer, Ctx, RequestFields, ResultCallback, clearing, ok, payment::create};
use super::{push_order, read_card};
use crate::error::ApiError;
use crate::flow::gateway::{self as rules, DECLINED};
use crate::flow::payment::{Funding, PayError, settle};
use crate::money::format_minor;
use crate::state::{AcsSubject, CardData, Payment, PaymentKind, PaymentStatus, State};
use crate::validate;

/// The wallets of `pg_payment_method` (doc-776176: `apple_pay`, `google_pay`; `samsung_pay`
/// by their pattern [?]).
const WALLETS: [&str; 3] = ["apple_pay", "google_pay", "samsung_pay"];

/// `g2g/payment`: a card payment, a wallet payment (`pg_payment_method` a wallet, with
/// `pg_online_payment_cryptogram`) or a token payment (`pg_card_token`).
pub(crate) fn payment(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let amount = validate::amount(f, "pg_amount")?;
    let challenge = validate::flag(f, "pg_3ds_challenge", false)?;
    let (card, method, kind, three_ds) = if let Some(token) = validate::text(f, "pg_card_token")? {
        let user_id = validate::user_id(f, true)?.unwrap_or_default();
        let saved = state
            .cards
            .iter()
            .find(|c| {
                c.card.token == token
                    && c.user_id == user_id
                    && !c.for_payouts
                    && c.deleted_at.is_none()
            })
            .ok_or_else(|| ApiError::not_found("Card not found"))?;
        let mut card = saved.card.clone();
        card.reference = ctx.app.digits(12);
        card.auth_code = ctx.app.digits(6);
        let kind = PaymentKind::Token {
            card_token: token.to_owned(),
        };
        // A stored card was authenticated when it was stored: no 3-D Secure.
        (card, "card_token".to_owned(), kind, false)
    } else {
        let wallet = match validate::text(f, "pg_payment_method")? {
            None => None,
            Some(m) if WALLETS.contains(&m) => Some(m.to_owned()),
            Some(_) => {
                return Err(ApiError::validation(
                    "pg_payment_method: one of apple_pay, google_pay, samsung_pay",
                ));
            }
        };
        let eci = match &wallet {
            Some(_) => {
                validate::max_len(f, "pg_online_payment_cryptogram", 4096)?.ok_or_else(|| {
                    ApiError::validation("pg_online_payment_cryptogram: required")
                })?;
                match validate::text(f, "pg_eci_indicator")? {
                    Some(e) if e.len() == 2 && e.bytes().all(|b| b.is_ascii_digit()) => {
                        Some(e.to_owned())
                    }
                    Some(_) => return Err(ApiError::validation("pg_eci_indicator: two digits")),
                    None => None,
                }
            }
            None => None,
        };
        let (mut card, pan) = read_card(ctx, state, wallet.is_none())?;
        // ECI 07: the wallet did not authenticate the payer; the sandbox declines it.
        card.purchase_ok = rules::approved(&pan) && eci.as_deref() != Some("07");
        let three_ds = rules::needs_3ds(&pan, challenge);
        let method = wallet.unwrap_or_else(|| "bankcard".to_owned());
        (card, method, PaymentKind::Page, three_ds)
    };
    let id = create(ctx, state, kind, amount)?;
    let Some(p) = state.payments.get_mut(&id) else {
        return Err(ApiError::not_found("Transaction not found"));
    };
    p.payment_method = method;
    if three_ds {
        // Waiting for the payer's 3-D Secure: `pending`, never payable by the payment page.
        p.status = PaymentStatus::Pending;
        let order = p.order_id.clone();
        state.gateway.pending_cards.insert(id, card);
        let mut reply = ok(&[("pg_payment_id", id.to_string())]);
        push_order(&mut reply, order.as_ref());
        for field in rules::open_acs(ctx.app, state, AcsSubject::Payment(id)) {
            reply.push_field(field);
        }
        return Ok(Answer::Xml(reply));
    }
    let failure = (!card.purchase_ok).then(|| (DECLINED, "Transaction declined".to_owned()));
    finish(ctx, state, id, card, failure)
}

/// `g2g/paymentAcs`: `pg_payment_id`, `pg_md`, `pg_pares` after the ACS page.
pub(crate) fn payment_acs(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    let p = state
        .payments
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    if !state.gateway.pending_cards.contains_key(&id) {
        // Already completed: the same answer again, nothing done twice.
        return Ok(Answer::Xml(reply_for(ctx, p)));
    }
    let authenticated = rules::check_pares(state, AcsSubject::Payment(id), ctx.fields())?;
    let Some(card) = state.gateway.pending_cards.remove(&id) else {
        return Err(ApiError::not_found("Transaction not found"));
    };
    let failure = if !authenticated {
        Some((DECLINED, "3-D Secure authentication failed".to_owned()))
    } else if !card.purchase_ok {
        Some((DECLINED, "Transaction declined".to_owned()))
    } else {
        None
    };
    finish(ctx, state, id, card, failure)
}

/// Settles a payment (status, balance, hold, result callback) and answers.
fn finish(
    ctx: &mut Ctx<'_>,
    state: &mut State,
    id: i64,
    card: CardData,
    failure: Option<(u32, String)>,
) -> Result<Answer, ApiError> {
    let callback =
        settle(ctx.app, state, id, &Funding::Card(card), failure).map_err(|e| match e {
            PayError::NotFound => ApiError::not_found("Transaction not found"),
            PayError::NotPayable(why) => ApiError::validation(why),
            PayError::Amount(why) => ApiError::validation(why),
        })?;
    if let Some(callback) = callback {
        ctx.results.push(ResultCallback {
            callback,
            payment: id,
        });
    }
    let p = state
        .payments
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    Ok(Answer::Xml(reply_for(ctx, p)))
}

/// The reply about a settled payment: `ok` with the authorization's fields, or an error with
/// the payment's id and failure.
fn reply_for(ctx: &Ctx<'_>, p: &Payment) -> Fields {
    match p.status {
        PaymentStatus::Success | PaymentStatus::Revoked if p.failure.is_none() => {
            let mut r = ok(&[("pg_payment_id", p.id.to_string())]);
            push_order(&mut r, p.order_id.as_ref());
            r.push_static("pg_payment_status", p.status.status3());
            if let Some(card) = &p.card {
                r.push_static("pg_auth_code", card.auth_code.as_str())
                    .push_static("pg_reference", card.reference.as_str())
                    .push(
                        "pg_datetime",
                        ctx.app.clock.format(p.paid_at.unwrap_or(p.created_at)),
                    )
                    .push_static("pg_card_id", card.card_id.to_string())
                    .push_static("pg_card_token", card.token.as_str())
                    .push_static("pg_card_hash", card.pan_masked.as_str());
            }
            r
        }
        _ => {
            let (code, description) = p
                .failure
                .clone()
                .unwrap_or((DECLINED, format!("The payment is {}", p.status.status3())));
            let mut e =
                ApiError::new(code, description.clone()).with("pg_payment_id", p.id.to_string());
            if let Some(order) = &p.order_id {
                e = e.with("pg_order_id", order.as_str());
            }
            e.with("pg_payment_status", p.status.status3())
                .with("pg_failure_code", code.to_string())
                .with("pg_failure_description", description)
                .into_fields()
        }
    }
}

/// Runs a Merchant API two-step operation with `renames` applied to the request's fields
/// (the Gateway's `pg_amount` is the Merchant API's `pg_clearing_amount`/`pg_refund_amount`).
fn as_merchant(
    ctx: &mut Ctx<'_>,
    state: &mut State,
    renames: &[(&str, &str)],
    op: fn(&mut Ctx<'_>, &mut State) -> Result<Answer, ApiError>,
) -> Result<Answer, ApiError> {
    let mut fields = Fields::new();
    for field in ctx.fields() {
        match renames.iter().find(|(from, _)| *from == field.name()) {
            Some((_, to)) => {
                if let Some(v) = field.text()
                    && ctx.fields().get(to).is_none()
                {
                    fields.push(*to, v);
                }
            }
            None => {
                fields.push_field(field.clone());
            }
        }
    }
    let request = RequestFields::tree(&fields);
    let mut inner = Ctx::new(ctx.app, &request, ctx.now);
    let answer = op(&mut inner, state);
    ctx.callbacks.append(&mut inner.callbacks);
    ctx.results.append(&mut inner.results);
    let id = validate::text(ctx.fields(), "pg_payment_id")?
        .unwrap_or("")
        .to_owned();
    match answer? {
        Answer::Xml(mut reply) => {
            reply.push_static("pg_payment_id", id);
            Ok(Answer::Xml(reply))
        }
        other => Ok(other),
    }
}

/// `g2g/cancel`: releases an uncaptured hold (as `cancel.php`).
pub(crate) fn cancel(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    as_merchant(ctx, state, &[], clearing::cancel)
}

/// `g2g/clearing`: `pg_amount` (default: all) of a hold (as `do_capture.php`).
pub(crate) fn clearing(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    as_merchant(
        ctx,
        state,
        &[("pg_amount", "pg_clearing_amount")],
        clearing::capture,
    )
}

/// `g2g/refund`: `pg_amount` (default: all that is left) of captured money (as `revoke.php`);
/// the reply names the refund `pg_refund_payment_id` as well as `pg_revoke_payment_id`, with
/// its `pg_refund_amount`.
pub(crate) fn refund(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let answer = as_merchant(
        ctx,
        state,
        &[("pg_amount", "pg_refund_amount")],
        clearing::revoke,
    )?;
    Ok(match answer {
        Answer::Xml(mut reply) => {
            if let Some(id) = reply.text("pg_revoke_payment_id").map(str::to_owned) {
                let amount = id.parse::<i64>().ok().and_then(|refund_id| {
                    state
                        .payments
                        .values()
                        .flat_map(|p| &p.refunds)
                        .find(|r| r.id == refund_id)
                        .map(|r| r.amount)
                });
                reply.push_static("pg_refund_payment_id", id);
                if let Some(amount) = amount {
                    reply.push_static("pg_refund_amount", format_minor(amount));
                }
            }
            Answer::Xml(reply)
        }
        other => other,
    })
}

/// `g2g/status_v2`: by `pg_payment_id` (any payment) or `pg_order_id` (the latest payment with
/// it); an unknown payment is `pg_payment_id` 0.
pub(crate) fn status_v2(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let by_id = match validate::text(f, "pg_payment_id")? {
        Some(_) => Some(validate::id(f, "pg_payment_id")?),
        None => None,
    };
    let order = validate::order_id(f)?;
    if by_id.is_none() && order.is_none() {
        return Err(ApiError::validation(
            "pg_payment_id: required (or pg_order_id)",
        ));
    }
    let found = match (by_id, &order) {
        (Some(id), _) => state
            .payments
            .get(&id)
            .filter(|p| order.is_none() || p.order_id == order),
        (None, Some(order)) => state
            .last_payment_with_order(order)
            .and_then(|id| state.payments.get(&id)),
        (None, None) => None,
    };
    let Some(p) = found else {
        let mut r = ok(&[("pg_payment_id", "0".to_owned())]);
        push_order(&mut r, order.as_ref());
        return Ok(Answer::Xml(r));
    };
    let clock = &ctx.app.clock;
    let mut r = ok(&[("pg_payment_id", p.id.to_string())]);
    push_order(&mut r, p.order_id.as_ref());
    r.push_static("pg_currency", p.currency.as_str())
        .push_static("pg_payment_status", p.status.status3())
        .push_static("pg_amount", format_minor(p.amount))
        .push_static("pg_clearing_amount", format_minor(p.clearing_amount))
        .push_static("pg_refund_amount", format_minor(-p.refunded()))
        .push_static("pg_user_email", p.user_email.clone().unwrap_or_default());
    let card = p.card.as_ref();
    r.push_static("pg_card_name", card.map_or("", |c| c.holder.as_str()))
        .push(
            "pg_card_id",
            card.map(|c| c.card_id.to_string()).unwrap_or_default(),
        )
        .push_static("pg_card_token", card.map_or("", |c| c.token.as_str()))
        .push_static("pg_card_pan", card.map_or("", |c| c.pan_masked.as_str()))
        .push_static("pg_card_exp", card.map_or("", |c| c.exp.as_str()))
        .push_static("pg_card_brand", card.map_or("", |c| c.brand))
        .push_static("pg_reference", card.map_or("", |c| c.reference.as_str()))
        .push_static("pg_user_phone", p.user_phone.clone().unwrap_or_default())
        .push(
            "pg_payment_date",
            clock.format(p.paid_at.unwrap_or(p.created_at)),
        )
        .push_static("pg_captured", if p.captured { "1" } else { "0" });
    let mut refunds = Fields::new();
    for refund in &p.refunds {
        let mut item = Fields::new();
        item.push_static("pg_payment_id", refund.id.to_string())
            .push_static("pg_payment_status", "success")
            .push_static("pg_amount", format_minor(-refund.amount))
            .push_static("pg_payment_date", clock.format(refund.at))
            .push_static("pg_reference", refund.reference.as_str());
        refunds.push_map("pg_refund_payment", item);
    }
    push_list(&mut r, "pg_refund_payments", refunds);
    let mut revoked = Fields::new();
    if let Some(cancel_id) = p.cancel_id {
        let mut item = Fields::new();
        item.push_static("pg_payment_id", cancel_id.to_string())
            .push_static("pg_payment_status", "success")
            .push_static("pg_amount", format_minor(-p.amount));
        revoked.push_map("pg_revoked_payment", item);
    }
    push_list(&mut r, "pg_revoked_payments", revoked);
    if let Some((code, description)) = &p.failure
        && p.status != PaymentStatus::Success
    {
        r.push_static("pg_failure_code", code.to_string())
            .push_static("pg_failure_description", description.as_str());
    }
    Ok(Answer::Xml(r))
}

/// A list element: its items, or an empty element when there are none (an empty nested map
/// has no XML form of its own).
fn push_list(reply: &mut Fields, name: &str, items: Fields) {
    if items.is_empty() {
        reply.push(name, "");
    } else {
        reply.push_map(name, items);
    }
}
