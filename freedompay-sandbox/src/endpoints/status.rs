//! `get_status3.php` (a payment by id, or the last one with an order id) and the deprecated
//! `get_status2.php` (by order id, payments and payouts).

use freedompay_sign::Fields;

use super::{Answer, Ctx};
use crate::error::ApiError;
use crate::money::format_minor;
use crate::state::{PaymentStatus, PayoutStatus, State};
use crate::validate;

/// `get_status3.php`.
pub(crate) fn get_status3(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let id = match validate::text(f, "pg_payment_id")? {
        Some(_) => validate::id(f, "pg_payment_id")?,
        None => {
            let order = validate::text(f, "pg_order_id")?
                .ok_or_else(|| ApiError::validation("pg_payment_id: required"))?;
            state
                .last_payment_with_order(order)
                .ok_or_else(|| ApiError::not_found("Transaction not found"))?
        }
    };
    let p = state
        .payments
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    let clock = &ctx.app.clock;
    let mut r = Fields::new();
    r.push_static("pg_status", "ok")
        .push_static("pg_payment_id", p.id.to_string());
    if let Some(order) = &p.order_id {
        r.push_static("pg_order_id", order.as_str());
    }
    r.push_static("pg_currency", p.currency.as_str())
        .push_static("pg_amount", format_minor(p.amount))
        .push_static("pg_can_reject", if p.can_reject { "1" } else { "0" })
        .push_static("pg_payment_method", p.payment_method.as_str())
        .push_static("pg_payment_status", p.status.status3())
        .push_static("pg_clearing_amount", format_minor(p.clearing_amount))
        .push_static("pg_testing_mode", if p.testing_mode { "1" } else { "0" });
    if let Some(email) = &p.user_email {
        r.push_static("pg_user_email", email.as_str());
    }
    if let Some(phone) = &p.user_phone {
        r.push_static("pg_user_phone", phone.as_str());
    }
    if let Some(card) = &p.card {
        r.push_static("pg_card_name", card.holder.as_str())
            .push_static("pg_card_pan", card.pan_masked.as_str())
            .push_static("pg_card_token", card.token.as_str())
            .push_static("pg_reference", card.reference.as_str())
            .push_static("pg_auth_code", card.auth_code.as_str());
    }
    if let Some(paid) = p.paid_at {
        r.push_static("pg_payment_date", clock.format(paid));
    }
    if !p.refunds.is_empty() {
        let mut list = Fields::new();
        for refund in &p.refunds {
            let mut item = Fields::new();
            item.push_static("pg_payment_id", refund.id.to_string())
                .push_static("pg_payment_status", "success")
                .push_static("pg_amount", format_minor(-refund.amount))
                .push_static("pg_payment_date", clock.format(refund.at))
                .push_static("pg_reference", refund.reference.as_str());
            list.push_map("pg_refund_payment", item);
        }
        r.push_map("pg_refund_payments", list);
        r.push_static("pg_refund_amount", format_minor(-p.refunded()));
    }
    r.push_static("pg_captured", if p.captured { "1" } else { "0" })
        .push_static("pg_create_date", clock.format(p.created_at));
    if let Some((code, description)) = &p.failure
        && p.status != PaymentStatus::Success
    {
        r.push_static("pg_failure_code", code.to_string())
            .push_static("pg_failure_description", description.as_str());
    }
    Ok(Answer::Xml(r))
}

/// `get_status2.php`: the most recent payment or payout with the order id; not found is an
/// error 340 with `pg_payment_id` 0.
pub(crate) fn get_status2(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let order = validate::required(ctx.fields(), "pg_order_id")?;
    let clock = &ctx.app.clock;
    let payment = state
        .last_payment_with_order(order)
        .and_then(|id| state.payments.get(&id));
    let payout = state
        .last_payout_with_order(order)
        .and_then(|id| state.payouts.get(&id));
    let mut r = Fields::new();
    r.push_static("pg_status", "ok");
    match (payment, payout) {
        (Some(p), q) if q.is_none_or(|q| (p.created_at, p.id) > (q.created_at, q.id)) => {
            r.push_static("pg_payment_id", p.id.to_string())
                .push_static("pg_transaction_status", p.status.status2())
                .push_static("pg_can_reject", if p.can_reject { "1" } else { "0" })
                .push_static("pg_testing_mode", if p.testing_mode { "1" } else { "0" })
                .push_static("pg_captured", if p.captured { "1" } else { "0" })
                .push_static("pg_create_date", clock.format(p.created_at));
            if let Some((code, description)) = &p.failure
                && p.status != PaymentStatus::Success
            {
                r.push_static("pg_failure_code", code.to_string())
                    .push_static("pg_failure_description", description.as_str());
            }
        }
        (_, Some(q)) => {
            r.push_static("pg_payment_id", q.id.to_string())
                .push_static("pg_transaction_status", q.status2())
                .push_static("pg_can_reject", "0")
                .push_static("pg_testing_mode", "1")
                .push(
                    "pg_captured",
                    if q.status == PayoutStatus::Success {
                        "1"
                    } else {
                        "0"
                    },
                )
                .push_static("pg_create_date", clock.format(q.created_at));
            if let PayoutStatus::Error(code, description) = &q.status {
                r.push_static("pg_failure_code", code.to_string())
                    .push_static("pg_failure_description", description.as_str());
            }
        }
        _ => {
            return Err(ApiError::not_found("Transaction not found").with("pg_payment_id", "0"));
        }
    }
    Ok(Answer::Xml(r))
}
