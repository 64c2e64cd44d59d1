//! Legacy endpoints that clients in the field still call (docs/protocol.md §1.2, §1.5):
//!
//! * `get_status.php`, the PayBox/Platron status query kept by the official Android SDK and
//!   other libraries: a payment (or payout) by `pg_payment_id`, answered in the shape of
//!   `get_status2.php`: `pg_payment_id`, `pg_transaction_status`, `pg_can_reject`,
//!   `pg_testing_mode`, `pg_captured`, `pg_card_pan`, `pg_create_date` (the fields those
//!   clients read), and the failure code and description of a failed one;
//! * `v1/merchant/{id}/cardstorage/add`, the first version of `cardstorage/add2`: the same
//!   card-add page, signed with its own script name `add`.

use freedompay_sign::Fields;

use super::{Answer, Ctx, cardstorage};
use crate::error::ApiError;
use crate::state::{PaymentStatus, PayoutStatus, State};
use crate::validate;

/// `get_status.php`: the payment (or payout: ids are one sequence) with `pg_payment_id`, or,
/// without one, the most recent with `pg_order_id`. Not found is an error 340 with
/// `pg_payment_id` 0, as `get_status2.php` answers it.
pub(crate) fn get_status(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let not_found = || ApiError::not_found("Transaction not found").with("pg_payment_id", "0");
    let id = match validate::text(f, "pg_payment_id")? {
        Some(_) => validate::id(f, "pg_payment_id")?,
        None => {
            let order = validate::text(f, "pg_order_id")?
                .ok_or_else(|| ApiError::validation("pg_payment_id: required"))?;
            let payment = state
                .last_payment_with_order(order)
                .and_then(|id| state.payments.get(&id).map(|p| (p.created_at, id)));
            let payout = state
                .last_payout_with_order(order)
                .and_then(|id| state.payouts.get(&id).map(|p| (p.created_at, id)));
            payment.max(payout).ok_or_else(not_found)?.1
        }
    };
    let clock = &ctx.app.clock;
    let mut r = Fields::new();
    r.push_static("pg_status", "ok");
    if let Some(p) = state.payments.get(&id) {
        r.push_static("pg_payment_id", p.id.to_string())
            .push_static("pg_transaction_status", p.status.status2())
            .push_static("pg_can_reject", if p.can_reject { "1" } else { "0" })
            .push_static("pg_testing_mode", if p.testing_mode { "1" } else { "0" })
            .push_static("pg_captured", if p.captured { "1" } else { "0" });
        if let Some(card) = &p.card {
            r.push_static("pg_card_pan", card.pan_masked.as_str());
        }
        r.push_static("pg_create_date", clock.format(p.created_at));
        if let Some((code, description)) = &p.failure
            && p.status != PaymentStatus::Success
        {
            r.push_static("pg_failure_code", code.to_string())
                .push_static("pg_failure_description", description.as_str());
        }
    } else if let Some(q) = state.payouts.get(&id) {
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
    } else {
        return Err(not_found());
    }
    Ok(Answer::Xml(r))
}

/// `cardstorage/add`: the card-add page of `cardstorage/add2`.
pub(crate) fn cardstorage_add(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    cardstorage::add2(ctx, state)
}
