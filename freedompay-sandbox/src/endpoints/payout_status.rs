//! Payout queries: `api/balance_status`, `api/payment_status` (by id), `api/payment_status2`
//! (by order id, optionally id).

use super::{Answer, Ctx, ok};
use crate::error::ApiError;
use crate::money::format_minor;
use crate::reply::Reply;
use crate::state::{PayoutStatus, State};
use crate::validate::{self, Picked};

/// `api/balance_status`: read without the state lock; no field is read but those of every
/// request (merchant, salt, signature).
pub(crate) fn balance(ctx: &mut Ctx<'_>, _fields: &Picked<'_>) -> Result<Answer, ApiError> {
    // Room for the values and the signing's.
    let mut r = Reply::new(96);
    r.money("pg_balance", ctx.app.balance.get())
        .text("pg_status", "ok");
    Ok(Answer::Reply(r))
}

/// `api/payment_status`: a payout by `pg_payment_id`.
pub(crate) fn payment_status(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    let p = state
        .payouts
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    let clock = &ctx.app.clock;
    let mut r = ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_merchant_id", ctx.merchant().to_owned()),
    ]);
    if let Some(order) = &p.order_id {
        r.push_static("pg_order_id", order.as_str());
    }
    r.push_static("pg_transaction_status", p.status2())
        .push_static("pg_payment_status", p.simple_status())
        .push_static("pg_amount", format_minor(p.amount))
        .push_static("pg_currency", p.currency.as_str())
        .push_static("pg_create_date", clock.format(p.created_at));
    if let Some(paid) = p.paid_at {
        r.push_static("pg_payment_date", clock.format(paid));
    }
    if let Some(card) = &p.card {
        r.push_static("pg_card_hash", card.pan_masked.as_str());
    }
    if let PayoutStatus::Error(code, description) = &p.status {
        r.push_static("pg_failure_code", code.to_string())
            .push_static("pg_failure_description", description.as_str());
    }
    Ok(Answer::Xml(r))
}

/// `api/payment_status2`: `pg_payment_status` ∈ success / error / process; not found is an
/// error 340 with `pg_payment_id` 0.
pub(crate) fn payment_status2(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let order = validate::required(f, "pg_order_id")?;
    let id = match validate::text(f, "pg_payment_id")? {
        Some(_) => Some(validate::id(f, "pg_payment_id")?),
        None => None,
    };
    let found = match id {
        Some(id) => state
            .payouts
            .get(&id)
            .filter(|p| p.order_id.as_deref() == Some(order)),
        None => state
            .last_payout_with_order(order)
            .and_then(|id| state.payouts.get(&id)),
    };
    let Some(p) = found else {
        return Err(ApiError::not_found("Transaction not found")
            .with("pg_payment_id", "0")
            .with("pg_merchant_id", ctx.merchant())
            .with("pg_order_id", order));
    };
    Ok(Answer::Xml(ok(&[
        ("pg_payment_id", p.id.to_string()),
        ("pg_merchant_id", ctx.merchant().to_owned()),
        ("pg_payment_status", p.simple_status().to_owned()),
        ("pg_order_id", order.to_owned()),
    ])))
}
