//! Payouts to a mobile phone balance: `init_payout.php`, then `mfs/payout`.
//!
//! The fields of `mfs/payout` are not published. By analogy with `mfs/pay`, the sandbox takes
//! `pg_payment_id`, `pg_abonent_phone` and `pg_payment_system_code` (an assumption), and pays
//! at once.

use super::{Answer, Ctx, ok};
use crate::cards::PayoutOutcome;
use crate::error::ApiError;
use crate::flow;
use crate::money::format_minor;
use crate::state::{Payout, PayoutKind, PayoutStatus, State};
use crate::validate;

const SYSTEMS: [&str; 5] = ["TELE2KZT", "ALTELKZT", "BEELINEKZT", "KCELLKZT", "ACTIVKZT"];

/// `init_payout.php`.
pub(crate) fn init_payout(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let amount = validate::amount(f, "pg_amount")?;
    let order_id =
        validate::order_id(f)?.ok_or_else(|| ApiError::validation("pg_order_id: required"))?;
    let description = validate::description(f, true)?;
    let limit = validate::datetime(f, "pg_order_time_limit")?.and_then(|t| ctx.app.clock.parse(t));
    let post_link = validate::url(f, "pg_post_link")?;
    flow::payout::ensure_balance(state, amount)?;
    let id = state.next_id();
    let reference = ctx.app.digits(12);
    state.insert_payout(Payout {
        id,
        kind: PayoutKind::Mobile,
        order_id: Some(order_id.clone()),
        amount,
        currency: validate::currency(f)?,
        description,
        post_link,
        back_link: None,
        order_time_limit: limit,
        user_id: None,
        status: PayoutStatus::Created,
        created_at: ctx.now,
        paid_at: None,
        card: None,
        reference,
        recipient: None,
        reserved: false,
    });
    Ok(Answer::Xml(ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_merchant", ctx.merchant().to_owned()),
        ("pg_order_id", order_id),
    ])))
}

/// `mfs/payout`.
pub(crate) fn payout(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let id = validate::id(f, "pg_payment_id")?;
    let phone = validate::phone(f, "pg_abonent_phone")?;
    let system = validate::required(f, "pg_payment_system_code")?;
    if !SYSTEMS.contains(&system) {
        return Err(ApiError::validation(format!(
            "pg_payment_system_code: one of {}",
            SYSTEMS.join(", ")
        )));
    }
    let p = state
        .payouts
        .get_mut(&id)
        .filter(|p| p.kind == PayoutKind::Mobile)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    if p.status != PayoutStatus::Created {
        return Err(ApiError::validation(
            "pg_payment_id: this payout was already continued",
        ));
    }
    if p.order_time_limit.is_some_and(|limit| ctx.now > limit) {
        return Err(ApiError::validation(
            "pg_order_time_limit: the time limit has passed",
        ));
    }
    p.recipient = Some(phone);
    let notify = flow::payout::start(ctx.app, state, id, PayoutOutcome::Success, None)?;
    ctx.callbacks.extend(notify);
    let p = &state.payouts[&id];
    Ok(Answer::Xml(ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_order_id", p.order_id.clone().unwrap_or_default()),
        ("pg_payment_amount", format_minor(p.amount)),
        ("pg_balance", format_minor(state.balance.get())),
    ])))
}
