//! Creating payments: `init_payment.php`, the browser's `payment.php`, `g2g/any_amount`, and
//! `make_recurring_payment.php`.

use freedompay_sign::Fields;

use super::{Answer, Ctx, ResultCallback, ok};
use crate::error::ApiError;
use crate::flow;
use crate::flow::payment::Funding;
use crate::money::{MAX_AMOUNT, MIN_AMOUNT, format_minor};
use crate::state::{Due, Payment, PaymentKind, PaymentStatus, State, Urls};
use crate::validate;

/// Reads the fields of a new payment (docs/protocol.md §1.1) and records it.
pub(crate) fn create(
    ctx: &Ctx<'_>,
    state: &mut State,
    kind: PaymentKind,
    amount: i64,
) -> Result<i64, ApiError> {
    let f = ctx.fields();
    let description = validate::description(f, true)?;
    let order_id = validate::order_id(f)?;
    let currency = validate::currency(f)?;
    let lifetime = validate::lifetime(f)?;
    let testing_mode = validate::flag(f, "pg_testing_mode", false)?;
    let auto_clearing = validate::flag(f, "pg_auto_clearing", true)?;
    let recurring_start = validate::flag(f, "pg_recurring_start", false)?;
    let recurring_lifetime_months = match validate::text(f, "pg_recurring_lifetime")? {
        None => 12,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=156).contains(m))
            .ok_or_else(|| ApiError::validation("pg_recurring_lifetime: months from 1 to 156"))?,
    };
    for flag in ["pg_3ds_challenge", "pg_postpone_payment", "pg_generate_qr"] {
        validate::flag(f, flag, false)?;
    }
    if let Some(t) = validate::text(f, "pg_timeout_after_payment")?
        && t.parse::<u32>().map_or(true, |n| n < 1)
    {
        return Err(ApiError::validation("pg_timeout_after_payment: at least 1"));
    }
    if let Some(lang) = validate::text(f, "pg_language")?
        && !["ru", "en", "kk", "kz", "kg", "uz"].contains(&lang)
    {
        return Err(ApiError::validation(
            "pg_language: one of ru, en, kk, kz, kg, uz",
        ));
    }
    let user_id = validate::user_id(f, false)?;
    for param in [
        "pg_param1",
        "pg_param2",
        "pg_param3",
        "pg_user_contact_email",
        "pg_user_email",
        "pg_user_ip",
    ] {
        validate::max_len(f, param, 255)?;
    }
    let user_phone = match validate::text(f, "pg_user_phone")? {
        None => None,
        Some(_) => Some(validate::phone(f, "pg_user_phone")?),
    };
    let urls = Urls {
        check: validate::url(f, "pg_check_url")?,
        result: validate::url(f, "pg_result_url")?,
        refund: validate::url(f, "pg_refund_url")?,
        capture: validate::url(f, "pg_capture_url")?,
        success: validate::url(f, "pg_success_url")?,
        failure: validate::url(f, "pg_failure_url")?,
        success_method: validate::one_of(
            f,
            "pg_success_url_method",
            &["GET", "POST", "AUTOPOST"],
            "GET",
        )?,
        failure_method: validate::one_of(
            f,
            "pg_failure_url_method",
            &["GET", "POST", "AUTOPOST"],
            "GET",
        )?,
        request_method: validate::one_of(f, "pg_request_method", &["GET", "POST", "XML"], "POST")?,
    };
    for other in ["pg_state_url", "pg_site_url"] {
        validate::url(f, other)?;
    }
    let payment_method = validate::max_len(f, "pg_payment_method", 50)?
        .unwrap_or("bankcard")
        .to_owned();
    let payment_system = validate::max_len(f, "pg_payment_system", 50)?.map(str::to_owned);
    let mut extras = Fields::new();
    for field in f {
        if !field.name().starts_with("pg_") {
            extras.push_field(field.clone());
        }
    }
    let id = state.next_id();
    let expires_at = ctx.now + lifetime * 1000;
    state.schedule(expires_at, Due::PaymentExpiry(id));
    state.insert_payment(Payment {
        id,
        kind,
        order_id,
        amount,
        currency,
        description,
        status: PaymentStatus::New,
        created_at: ctx.now,
        expires_at,
        paid_at: None,
        testing_mode,
        auto_clearing,
        captured: false,
        clearing_amount: 0,
        auto_clear_at: None,
        refunds: Vec::new(),
        cancel_id: None,
        card: None,
        failure: None,
        urls,
        user_id,
        user_phone,
        user_email: validate::text(f, "pg_user_contact_email")?
            .or(validate::text(f, "pg_user_email")?)
            .map(str::to_owned),
        payment_method,
        payment_system,
        recurring_start,
        recurring_lifetime_months,
        recurring_profile: None,
        can_reject: false,
        extras,
        mfs: None,
    });
    Ok(id)
}

/// The reply of the payment-creating endpoints.
fn created(ctx: &Ctx<'_>, id: i64, qr: bool) -> Answer {
    let url = ctx.app.url(&format!("/pay/{id}"));
    let mut fields = ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_redirect_url", url.clone()),
        ("pg_redirect_url_type", "need data".into()),
    ]);
    if qr {
        // A URL too long for a QR code cannot occur (the sandbox writes it): no field then.
        if let Some(qr) = crate::qr::base64_png(&url) {
            fields.push_static("pg_redirect_qr", qr);
        }
    }
    Answer::Xml(fields)
}

/// `init_payment.php`.
pub(crate) fn init_payment(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let amount = validate::amount(ctx.fields(), "pg_amount")?;
    let id = create(ctx, state, PaymentKind::Page, amount)?;
    let qr = validate::flag(ctx.fields(), "pg_generate_qr", false)?;
    Ok(created(ctx, id, qr))
}

/// `payment.php`: the same fields, opened by the payer's browser, which is sent on to the
/// payment page.
pub(crate) fn payment_php(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let amount = validate::amount(ctx.fields(), "pg_amount")?;
    let id = create(ctx, state, PaymentKind::Page, amount)?;
    Ok(Answer::Redirect(ctx.app.url(&format!("/pay/{id}"))))
}

/// `g2g/any_amount`: the payer picks the amount within `pg_amount_interval_from/to`
/// (0.01 … 99 999 999 when absent); `pg_amount`, when given, is the suggested amount.
pub(crate) fn any_amount(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let from = validate::optional_amount(f, "pg_amount_interval_from")?.unwrap_or(MIN_AMOUNT);
    let to = validate::optional_amount(f, "pg_amount_interval_to")?.unwrap_or(MAX_AMOUNT);
    if from > to {
        return Err(ApiError::validation(
            "pg_amount_interval_from: must not exceed pg_amount_interval_to",
        ));
    }
    let amount = validate::optional_amount(f, "pg_amount")?.unwrap_or(from);
    if amount < from || amount > to {
        return Err(ApiError::validation(format!(
            "pg_amount: must be within {} and {}",
            format_minor(from),
            format_minor(to)
        )));
    }
    let id = create(ctx, state, PaymentKind::AnyAmount { from, to }, amount)?;
    Ok(created(ctx, id, true))
}

/// `make_recurring_payment.php`: a new payment charged at once to the card of a recurring
/// profile.
pub(crate) fn recurring(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let profile_id = validate::id(ctx.fields(), "pg_recurring_profile")?;
    let amount = validate::amount(ctx.fields(), "pg_amount")?;
    let profile = state
        .profiles
        .get(&profile_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Recurring profile not found"))?;
    if profile.expires_at <= ctx.now {
        return Err(ApiError::validation(
            "pg_recurring_profile: the profile has expired",
        ));
    }
    let id = create(ctx, state, PaymentKind::Recurring, amount)?;
    if let Some(payment) = state.payments.get_mut(&id) {
        // A recurring charge does not start another profile.
        payment.recurring_start = false;
        if payment.user_id.is_none() {
            payment.user_id = profile.user_id.clone();
        }
    }
    let mut card = profile.card.clone();
    card.reference = ctx.app.digits(12);
    card.auth_code = ctx.app.digits(6);
    let failure =
        (!card.purchase_ok).then(|| (flow::payment::DECLINED, "Transaction declined".to_owned()));
    let result = flow::payment::settle(ctx.app, state, id, &Funding::Card(card), failure.clone())
        .map_err(|_| ApiError::not_found("Transaction not found"))?;
    if let Some(callback) = result {
        ctx.results.push(ResultCallback {
            callback,
            payment: id,
        });
    }
    let payment = &state.payments[&id];
    let mut fields = ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_currency", payment.currency.clone()),
        ("pg_amount", format_minor(payment.amount)),
        ("pg_recurring_profile", profile_id.to_string()),
        (
            "pg_recurring_profile_expiry_date",
            ctx.app.clock.format(profile.expires_at),
        ),
    ]);
    if let Some((code, description)) = failure {
        fields.set("pg_status", "error");
        fields
            .push_static("pg_error_code", code.to_string())
            .push_static("pg_error_description", description);
    }
    Ok(Answer::Xml(fields))
}
