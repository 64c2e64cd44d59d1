//! Two-step payments and refunds: `cancel.php` (release an uncaptured hold), `do_capture.php`
//! (clear all or part of a hold), `revoke.php` (refund captured money, all or part).

use freedompay_sign::Fields;

use super::{Answer, Ctx, ok};
use crate::callbacks::{self, NewCallback};
use crate::config::SecretChoice;
use crate::error::{ApiError, INSUFFICIENT_BALANCE};
use crate::money::format_minor;
use crate::state::{CallbackKind, Method, Payment, PaymentStatus, Refund, State};
use crate::validate;

fn payment<'s>(ctx: &Ctx<'_>, state: &'s mut State) -> Result<&'s mut Payment, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    state
        .payments
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))
}

fn not_allowed(what: &str, payment: &Payment) -> ApiError {
    ApiError::validation(format!(
        "{what} is not allowed for this payment (status {}, captured {})",
        payment.status.status3(),
        u8::from(payment.captured)
    ))
}

/// `cancel.php`: only a successful, uncaptured two-step payment.
pub(crate) fn cancel(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let cancel_id = state.next_id();
    let p = payment(ctx, state)?;
    if p.status != PaymentStatus::Success || p.captured || p.auto_clearing {
        return Err(not_allowed("Cancel", p));
    }
    p.status = PaymentStatus::Revoked;
    p.auto_clear_at = None;
    p.cancel_id = Some(cancel_id);
    Ok(Answer::Xml(ok(&[(
        "pg_cancel_payment_id",
        cancel_id.to_string(),
    )])))
}

/// `do_capture.php`: `pg_clearing_amount` (default: all) must not exceed the amount.
pub(crate) fn capture(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let clearing = validate::optional_amount(ctx.fields(), "pg_clearing_amount")?;
    let now = ctx.now;
    let p = payment(ctx, state)?;
    if p.status != PaymentStatus::Success || p.captured {
        return Err(not_allowed("Clearing", p));
    }
    let clearing = clearing.unwrap_or(p.amount);
    if clearing > p.amount {
        return Err(ApiError::validation(
            "pg_clearing_amount: must not exceed the payment amount",
        ));
    }
    p.captured = true;
    p.clearing_amount = clearing;
    p.auto_clear_at = None;
    let id = p.id;
    let amount = p.amount;
    let callback = p.urls.capture.clone().map(|url| {
        let mut f = base_fields(p);
        f.push_static("pg_clearing_amount", format_minor(clearing))
            .push_static("pg_capture_date", ctx.app.clock.format(now));
        (url, f, p.urls.request_method.clone())
    });
    state.balance.add(clearing);
    if let Some((url, fields, method)) = callback {
        send(ctx, state, CallbackKind::Capture, id, url, fields, &method);
    }
    Ok(Answer::Xml(ok(&[
        ("pg_amount", format_minor(amount)),
        ("pg_clearing_amount", format_minor(clearing)),
    ])))
}

/// `revoke.php`: only captured money, `pg_refund_amount` (default: all that is left) not more
/// than what is left; the balance must cover it.
pub(crate) fn revoke(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let requested = validate::optional_amount(ctx.fields(), "pg_refund_amount")?;
    let refund_id = state.next_id();
    let reference = ctx.app.digits(12);
    let balance = state.balance.get();
    let now = ctx.now;
    let p = payment(ctx, state)?;
    if p.status != PaymentStatus::Success || !p.captured {
        return Err(not_allowed("Refund", p));
    }
    let left = p.clearing_amount - p.refunded();
    let amount = requested.unwrap_or(left);
    if amount > left || amount <= 0 {
        return Err(ApiError::validation(format!(
            "pg_refund_amount: at most {} can be refunded",
            format_minor(left)
        )));
    }
    if amount > balance {
        return Err(ApiError::new(
            INSUFFICIENT_BALANCE,
            "Insufficient funds on the merchant balance",
        ));
    }
    p.refunds.push(Refund {
        id: refund_id,
        amount,
        at: now,
        reference,
    });
    if p.refunded() == p.clearing_amount {
        p.status = PaymentStatus::Revoked;
    }
    let id = p.id;
    let callback = p.urls.refund.clone().map(|url| {
        let mut f = base_fields(p);
        f.push_static("pg_refund_amount", format_minor(amount))
            .push_static("pg_revoke_payment_id", refund_id.to_string())
            .push_static("pg_refund_date", ctx.app.clock.format(now));
        (url, f, p.urls.request_method.clone())
    });
    state.balance.add(-(amount));
    if let Some((url, fields, method)) = callback {
        send(ctx, state, CallbackKind::Refund, id, url, fields, &method);
    }
    Ok(Answer::Xml(ok(&[(
        "pg_revoke_payment_id",
        refund_id.to_string(),
    )])))
}

/// The common fields of refund and capture callbacks.
fn base_fields(p: &Payment) -> Fields {
    let mut f = Fields::new();
    if let Some(order) = &p.order_id {
        f.push_static("pg_order_id", order.as_str());
    }
    f.push_static("pg_payment_id", p.id.to_string())
        .push_static("pg_amount", format_minor(p.amount))
        .push_static("pg_currency", p.currency.as_str());
    for field in &p.extras {
        f.push_field(field.clone());
    }
    f
}

fn send(
    ctx: &mut Ctx<'_>,
    state: &mut State,
    kind: CallbackKind,
    id: i64,
    url: String,
    fields: Fields,
    method: &str,
) {
    let new = NewCallback {
        kind,
        subject_id: id,
        url,
        method: Method::from_field(method),
        secret: SecretChoice::Payment,
        fields,
        can_reject: false,
    };
    let callback = callbacks::register(ctx.app, state, new);
    ctx.callbacks.push(callback);
}
