//! Paying a payment: the check callback, the decision, the result callback (its `rejected`
//! honoured where allowed), and where the payer goes next. Used by the payment page, the
//! control API, `card/pay`, `card/direct`, recurring payments and mobile commerce.

use std::sync::Arc;

use freedompay_sign::{Fields, ScriptName};

use crate::app::App;
use crate::callbacks::{self, NewCallback};
use crate::cards;
use crate::config::SecretChoice;
use crate::money::format_minor;
use crate::state::{
    CallbackKind, CardData, Due, Method, Payment, PaymentKind, PaymentStatus, RecurringProfile,
    State,
};
use crate::wire::{PhpArray, encode_form, parse_urlencoded};

/// The failure code of a declined payment (seed 002).
pub(crate) const DECLINED: u32 = 5;
/// Five days: an uncaptured hold clears by itself after this long.
const HOLD_MS: i64 = 5 * 86_400_000;

/// What pays.
#[derive(Debug, Clone)]
pub(crate) enum Funding {
    /// A card (typed in a page, given to the control API, or saved).
    Card(CardData),
    /// A mobile phone balance (mobile commerce); `approved` when the operator confirmed.
    Phone { approved: bool },
}

/// Why a payment could not be attempted at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PayError {
    NotFound,
    NotPayable(&'static str),
    Amount(String),
}

/// Where the payer goes after paying.
#[derive(Debug, Clone)]
pub(crate) enum Next {
    /// A plain redirect.
    Redirect(String),
    /// An auto-submitting form (`*_url_method=POST`/`AUTOPOST`).
    Post {
        /// Where the form posts.
        url: String,
        /// The signed fields it carries.
        fields: Fields,
    },
    /// No URL: the sandbox shows its own result page.
    Stay,
}

/// The outcome of paying.
#[derive(Debug, Clone)]
pub(crate) struct Paid {
    pub(crate) status: PaymentStatus,
    pub(crate) failure: Option<(u32, String)>,
    pub(crate) next: Next,
}

/// A card as the sandbox keeps it, from a typed number (which must be valid).
pub(crate) fn card_data(
    app: &App,
    state: &mut State,
    pan: &str,
    exp: &str,
    holder: &str,
) -> CardData {
    let card_id = state.next_id();
    CardData {
        card_id,
        ..new_card(app, pan, exp, holder)
    }
}

/// A card's data like [`card_data`], without its id (0, to be given from the state's
/// sequence): made without the state locked.
pub(crate) fn new_card(app: &App, pan: &str, exp: &str, holder: &str) -> CardData {
    CardData {
        pan_masked: cards::mask(pan),
        brand: cards::brand(pan),
        exp: if exp.is_empty() {
            "12/30".into()
        } else {
            exp.to_owned()
        },
        holder: if holder.is_empty() {
            "CARD HOLDER".into()
        } else {
            holder.to_owned()
        },
        token: app.uuid(),
        card_id: 0,
        reference: app.digits(12),
        auth_code: app.digits(6),
        purchase_ok: cards::purchase_approved(pan),
        payout: cards::payout_outcome(pan),
    }
}

/// Pays payment `id` with `funding`; `amount` is the payer's choice on an any-amount page.
/// The first attempts of the check and result callbacks are awaited (the payer waits for
/// them); later retries happen in the background.
pub(crate) async fn pay(
    app: &Arc<App>,
    id: i64,
    funding: Funding,
    amount: Option<i64>,
) -> Result<Paid, PayError> {
    let now = app.clock.now_ms();
    // 1. Take the payment, decide what the card or phone says, send the check.
    let (approved, check) = {
        let mut state = app.state();
        let payment = state.payments.get_mut(&id).ok_or(PayError::NotFound)?;
        // Only a new payment: one that is `pending` is already being paid (by another page
        // submission, or through mobile commerce).
        if payment.status != PaymentStatus::New {
            return Err(PayError::NotPayable(
                "the payment is not waiting for the payer",
            ));
        }
        if !payment.payable(now) {
            return Err(PayError::NotPayable("the payment's lifetime has expired"));
        }
        if let PaymentKind::AnyAmount { from, to } = payment.kind {
            let chosen = amount.unwrap_or(payment.amount);
            if chosen < from || chosen > to {
                return Err(PayError::Amount(format!(
                    "the amount must be from {} to {}",
                    format_minor(from),
                    format_minor(to)
                )));
            }
            payment.amount = chosen;
        }
        payment.status = PaymentStatus::Pending;
        let approved = match &funding {
            Funding::Card(card) => card.purchase_ok,
            Funding::Phone { approved } => *approved,
        };
        let check = match (&payment.urls.check, approved) {
            (Some(url), true) => {
                let new = NewCallback {
                    kind: CallbackKind::Check,
                    subject_id: id,
                    url: url.clone(),
                    method: Method::from_field(&payment.urls.request_method),
                    secret: SecretChoice::Payment,
                    fields: check_fields(payment),
                    can_reject: true,
                };
                Some(callbacks::register(app, &mut state, new))
            }
            _ => None,
        };
        (approved, check)
    };
    let failure = if !approved {
        Some((DECLINED, "Transaction declined".to_owned()))
    } else if let Some(check) = check {
        match callbacks::attempt(app, check).await {
            Some(reply) if reply.status == "ok" => None,
            Some(reply) if reply.status == "rejected" => Some((
                DECLINED,
                reply
                    .description
                    .unwrap_or_else(|| "Rejected by the merchant".into()),
            )),
            _ => Some((
                DECLINED,
                "The merchant did not confirm the payment (check URL)".into(),
            )),
        }
    } else {
        None
    };

    // 2. Settle the payment, send the result.
    let result = {
        let mut state = app.state();
        settle(app, &mut state, id, &funding, failure)?
    };
    if let Some(result) = result {
        let reply = callbacks::attempt(app, result).await;
        if let Some(reply) = reply
            && reply.status == "rejected"
        {
            reject(app, id, reply.description);
        }
    }
    let state = app.state();
    let payment = state.payments.get(&id).ok_or(PayError::NotFound)?;
    Ok(Paid {
        status: payment.status,
        failure: payment.failure.clone(),
        next: next_step(app, payment),
    })
}

/// Settles a payment that the payer has paid (or failed to pay): status, card, balance,
/// recurring profile; registers the result callback and returns its id (the caller sends it).
pub(crate) fn settle(
    app: &App,
    state: &mut State,
    id: i64,
    funding: &Funding,
    failure: Option<(u32, String)>,
) -> Result<Option<usize>, PayError> {
    let now = app.clock.now_ms();
    let payment = state.payments.get(&id).ok_or(PayError::NotFound)?;
    let profile = match funding {
        Funding::Card(card) if failure.is_none() && payment.recurring_start => Some((
            card.clone(),
            payment.recurring_lifetime_months,
            payment.user_id.clone(),
        )),
        _ => None,
    };
    let profile_id = profile.map(|(card, months, user_id)| {
        let profile_id = state.next_id();
        state.profiles.insert(
            profile_id,
            RecurringProfile {
                card,
                expires_at: now + months * 30 * 86_400_000,
                user_id,
            },
        );
        profile_id
    });
    let payment = state.payments.get_mut(&id).ok_or(PayError::NotFound)?;
    payment.paid_at = Some(now);
    if let Funding::Card(card) = funding {
        payment.card = Some(card.clone());
    }
    let mut credit = 0;
    let mut hold_until = None;
    match failure {
        None => {
            payment.status = PaymentStatus::Success;
            payment.recurring_profile = profile_id;
            payment.can_reject = !payment.auto_clearing;
            if payment.auto_clearing {
                payment.captured = true;
                payment.clearing_amount = payment.amount;
                credit = payment.amount;
            } else {
                payment.auto_clear_at = Some(now + HOLD_MS);
                hold_until = Some(now + HOLD_MS);
            }
        }
        Some(f) => {
            payment.status = PaymentStatus::Failed;
            payment.failure = Some(f);
            payment.can_reject = false;
        }
    }
    let result = payment.urls.result.clone().map(|url| NewCallback {
        kind: CallbackKind::Result,
        subject_id: id,
        url,
        method: Method::from_field(&payment.urls.request_method),
        secret: SecretChoice::Payment,
        fields: result_fields(app, payment),
        can_reject: payment.can_reject,
    });
    state.balance.add(credit);
    if let Some(at) = hold_until {
        state.schedule(at, Due::HoldClear(id));
    }
    Ok(result.map(|new| callbacks::register(app, state, new)))
}

/// A `rejected` result reply: honoured only when the callback allowed it (`pg_can_reject=1`,
/// which the sandbox sets for two-step payments): the hold is released.
fn reject(app: &App, id: i64, description: Option<String>) {
    let mut state = app.state();
    let Some(payment) = state.payments.get_mut(&id) else {
        return;
    };
    if payment.can_reject && payment.status == PaymentStatus::Success && !payment.captured {
        payment.status = PaymentStatus::Revoked;
        payment.auto_clear_at = None;
        payment.failure = Some((
            DECLINED,
            description.unwrap_or_else(|| "Rejected by the merchant".into()),
        ));
    }
}

/// The success or failure URL with the signed redirect fields.
fn next_step(app: &App, payment: &Payment) -> Next {
    let success = payment.status == PaymentStatus::Success;
    let (url, method) = if success {
        (&payment.urls.success, &payment.urls.success_method)
    } else {
        (&payment.urls.failure, &payment.urls.failure_method)
    };
    let Some(url) = url else { return Next::Stay };
    let Ok(script) = ScriptName::from_url(url) else {
        return Next::Redirect(url.clone());
    };
    let get = !matches!(method.as_str(), "POST" | "AUTOPOST");
    let mut fields = if get {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        PhpArray::from_pairs(parse_urlencoded(
            query.split('#').next().unwrap_or("").as_bytes(),
        ))
        .into_fields()
    } else {
        Fields::new()
    };
    if let Some(order) = &payment.order_id {
        fields.push_static("pg_order_id", order.as_str());
    }
    fields.push_static("pg_payment_id", payment.id.to_string());
    fields.push_static("pg_salt", app.salt());
    if let Ok(sig) = freedompay_sign::sign(&script, &fields, app.config.payment_secret()) {
        fields.push_static("pg_sig", sig.as_str());
    }
    if get {
        let base = url.split(['?', '#']).next().unwrap_or(url);
        Next::Redirect(format!("{base}?{}", encode_form(&fields)))
    } else {
        Next::Post {
            url: url.clone(),
            fields,
        }
    }
}

/// The fields of the check callback.
fn check_fields(payment: &Payment) -> Fields {
    let mut f = Fields::new();
    if let Some(order) = &payment.order_id {
        f.push_static("pg_order_id", order.as_str());
    }
    let amount = format_minor(payment.amount);
    f.push_static("pg_payment_id", payment.id.to_string())
        .push_static("pg_amount", amount.as_str())
        .push_static("pg_currency", payment.currency.as_str())
        .push_static("pg_ps_amount", amount.as_str())
        .push_static("pg_ps_full_amount", amount.as_str())
        .push_static("pg_ps_currency", payment.currency.as_str())
        .push_static("pg_payment_method", payment.payment_method.as_str())
        .push(
            "pg_testing_mode",
            if payment.testing_mode { "1" } else { "0" },
        )
        .push_static("pg_can_reject", "1");
    if let Some(phone) = &payment.user_phone {
        f.push_static("pg_user_phone", phone.as_str());
    }
    for field in &payment.extras {
        f.push_field(field.clone());
    }
    f
}

/// The fields of the result callback.
pub(crate) fn result_fields(app: &App, payment: &Payment) -> Fields {
    let mut f = Fields::new();
    if let Some(order) = &payment.order_id {
        f.push_static("pg_order_id", order.as_str());
    }
    let amount = format_minor(payment.amount);
    let ok = payment.status == PaymentStatus::Success;
    f.push_static("pg_payment_id", payment.id.to_string())
        .push_static("pg_amount", amount.as_str())
        .push_static("pg_currency", payment.currency.as_str())
        .push_static("pg_net_amount", amount.as_str())
        .push_static("pg_ps_amount", amount.as_str())
        .push_static("pg_ps_full_amount", amount.as_str())
        .push_static("pg_ps_currency", payment.currency.as_str())
        .push_static("pg_description", payment.description.as_str())
        .push_static("pg_result", if ok { "1" } else { "0" })
        .push(
            "pg_payment_date",
            app.clock
                .format(payment.paid_at.unwrap_or(payment.created_at)),
        )
        .push_static("pg_can_reject", if payment.can_reject { "1" } else { "0" })
        .push(
            "pg_testing_mode",
            if payment.testing_mode { "1" } else { "0" },
        )
        .push_static("pg_captured", if payment.captured { "1" } else { "0" })
        .push_static("pg_payment_method", payment.payment_method.as_str());
    if let Some(system) = &payment.payment_system {
        f.push_static("pg_payment_system", system.as_str());
    }
    if let Some(phone) = &payment.user_phone {
        f.push_static("pg_user_phone", phone.as_str());
    }
    if let Some(email) = &payment.user_email {
        f.push_static("pg_user_contact_email", email.as_str());
    }
    f.push_static("pg_need_phone_notification", "0")
        .push_static("pg_need_email_notification", "0");
    if let Some(card) = &payment.card {
        f.push_static("pg_card_id", card.card_id.to_string())
            .push_static("pg_card_token", card.token.as_str())
            .push_static("pg_card_pan", card.pan_masked.as_str())
            .push_static("pg_card_exp", card.exp.as_str())
            .push_static("pg_card_owner", card.holder.as_str())
            .push_static("pg_card_brand", card.brand)
            .push_static("pg_auth_code", card.auth_code.as_str())
            .push_static("pg_reference", card.reference.as_str());
    }
    if let Some(profile) = payment.recurring_profile {
        f.push_static("pg_recurring_profile_id", profile.to_string());
    }
    if let Some((code, description)) = &payment.failure {
        f.push_static("pg_failure_code", code.to_string())
            .push_static("pg_failure_description", description.as_str());
    }
    for field in &payment.extras {
        f.push_field(field.clone());
    }
    f
}

/// Sends a result callback in the background, honouring a `rejected` first reply like
/// [`pay`] does (for payments paid through the API: `card/direct`, recurring, mobile).
pub(crate) fn spawn_result(app: &Arc<App>, callback: usize, payment_id: i64) {
    let app = Arc::clone(app);
    tokio::spawn(async move {
        if let Some(reply) = callbacks::attempt(&app, callback).await
            && reply.status == "rejected"
        {
            reject(&app, payment_id, reply.description);
        }
    });
}
