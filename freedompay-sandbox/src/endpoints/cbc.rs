//! Cash by code (ATM): `api/cbc/check` creates it, `api/cbc/exec` sends the codes (the money
//! leaves the balance), `api/cbc/status` polls. The withdrawal is `process` until the control
//! API marks it withdrawn (`POST /_sandbox/payouts/{id}/complete`); 24 hours of sandbox time
//! after `exec` without a withdrawal, it fails with error 75 and the money comes back.

use freedompay_sign::Fields;

use super::{Answer, Ctx, ok};
use crate::cards::PayoutOutcome;
use crate::error::ApiError;
use crate::flow;
use crate::state::{Due, Payout, PayoutKind, PayoutStatus, State};
use crate::validate;

/// 24 hours, in milliseconds.
const WITHDRAW_WINDOW: i64 = 24 * 3_600_000;

/// `api/cbc/check`.
pub(crate) fn check(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let phone = validate::phone(f, "pg_phone")?;
    let amount = validate::amount(f, "pg_amount")?;
    let order_id =
        validate::order_id(f)?.ok_or_else(|| ApiError::validation("pg_order_id: required"))?;
    let post_link = validate::url(f, "pg_post_link")?;
    flow::payout::ensure_balance(state, amount)?;
    let id = state.next_id();
    let reference = ctx.app.digits(12);
    state.insert_payout(Payout {
        id,
        kind: PayoutKind::Cash,
        order_id: Some(order_id.clone()),
        amount,
        currency: "KZT".into(),
        description: String::new(),
        post_link,
        back_link: None,
        order_time_limit: None,
        user_id: None,
        status: PayoutStatus::Created,
        created_at: ctx.now,
        paid_at: None,
        card: None,
        reference,
        recipient: Some(phone),
        reserved: false,
    });
    let mut r = Fields::new();
    r.push_static("pg_payment_id", id.to_string())
        .push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_order_id", order_id)
        .push_static("pg_status", "ok");
    Ok(Answer::Xml(r))
}

/// The cash-by-code payout of `pg_payment_id`.
fn cash<'s>(ctx: &Ctx<'_>, state: &'s State) -> Result<&'s Payout, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    state
        .payouts
        .get(&id)
        .map(|p| &**p)
        .filter(|p| p.kind == PayoutKind::Cash)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))
}

/// `api/cbc/exec`.
pub(crate) fn exec(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let payout = cash(ctx, state)?;
    let id = payout.id;
    if payout.status != PayoutStatus::Created {
        return Err(ApiError::validation("pg_payment_id: already executed"));
    }
    let amount = payout.amount;
    flow::payout::ensure_balance(state, amount)?;
    if let Some(p) = state.payouts.get_mut(&id) {
        let due = ctx.now + WITHDRAW_WINDOW;
        p.reserved = true;
        p.status = PayoutStatus::Process {
            due,
            then: PayoutOutcome::ProcessThenError(75),
        };
        state.schedule(due, Due::PayoutFinish(id));
    }
    state.balance.add(-(amount));
    let mut r = Fields::new();
    r.push_static("pg_payment_id", id.to_string())
        .push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_status", "ok");
    Ok(Answer::Xml(r))
}

/// `api/cbc/status`: `success`, `process`, or an error 75.
pub(crate) fn status(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let p = cash(ctx, state)?;
    let id = p.id;
    let mut r = ok(&[]);
    r.remove("pg_status");
    r.push_static("pg_payment_id", id.to_string())
        .push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_order_id", p.order_id.clone().unwrap_or_default());
    match &p.status {
        PayoutStatus::Success => {
            r.push_static("pg_status", "success");
        }
        PayoutStatus::Created | PayoutStatus::Process { .. } => {
            r.push_static("pg_status", "process");
        }
        PayoutStatus::Error(code, description) => {
            r.push_static("pg_status", "error")
                .push_static("pg_error_code", code.to_string())
                .push_static("pg_error_description", description.as_str());
        }
    }
    Ok(Answer::Xml(r))
}
