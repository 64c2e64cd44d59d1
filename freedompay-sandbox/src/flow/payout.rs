//! Moving a payout through its states: the balance taken or given back, the notification to
//! `pg_post_link` when it ends; the recipient's card typed in a `reg2nonreg` payout page.

use freedompay_sign::Fields;

use crate::app::App;
use crate::callbacks::{self, NewCallback};
use crate::cards::{self, PayoutOutcome, payout_error_description};
use crate::config::SecretChoice;
use crate::error::{ApiError, INSUFFICIENT_BALANCE};
use crate::flow::payment::card_data;
use crate::money::format_minor;
use crate::state::{
    Balance, CallbackKind, CardData, Due, Method, Payout, PayoutKind, PayoutStatus, State,
};

/// Refuses a payout the balance cannot cover.
pub(crate) fn ensure_balance(state: &State, amount: i64) -> Result<(), ApiError> {
    ensure_balance_of(&state.balance, amount)
}

/// Starts a payout according to `outcome` (the card's, for card payouts): paid at once,
/// refused at once, or `process` until `process_delay` has passed. Returns the notification to
/// send, if the payout ended.
pub(crate) fn start(
    app: &App,
    state: &mut State,
    id: i64,
    outcome: PayoutOutcome,
    card: Option<CardData>,
) -> Result<Option<usize>, ApiError> {
    // One lookup of the payout for all that follows (a missing one counts as 0).
    let mut payout = state.payouts.get_mut(&id);
    let amount = payout.as_ref().map_or(0, |p| p.amount);
    if !matches!(outcome, PayoutOutcome::Error(_)) {
        ensure_balance_of(&state.balance, amount)?;
    }
    let Some(payout) = payout.take() else {
        return Ok(None);
    };
    if card.is_some() {
        payout.card = card;
    }
    let decided = decide(app, &state.balance, payout, outcome, app.clock.now_ms());
    Ok(follow_up(app, state, id, decided))
}

/// Records a new payout decided by [`decide`], then does what [`start`] does after deciding
/// one: its finish scheduled, its notification registered (returned).
pub(crate) fn record_new(
    app: &App,
    state: &mut State,
    payout: Box<Payout>,
    decided: Decided,
) -> Option<usize> {
    let id = payout.id;
    state.insert_payout(payout);
    follow_up(app, state, id, decided)
}

/// What [`decide`] did to a payout, for what follows once the payout is in the state.
pub(crate) struct Decided {
    /// The payout ended: its notification to register.
    ended: Option<Ended>,
    /// The payout went to `process`: when it finishes.
    due: Option<i64>,
}

/// The change of [`start`] to the payout itself and to the balance, by `outcome`, decided at
/// `now` (sandbox ms: when it is paid or refused, or from when its process delay counts). For
/// a new payout not yet in the state (then recorded by [`record_new`], without a lookup), the
/// caller has checked the balance for it, as [`ensure_balance`] does, with the state locked.
pub(crate) fn decide(
    app: &App,
    balance: &Balance,
    payout: &mut Payout,
    outcome: PayoutOutcome,
    now: i64,
) -> Decided {
    let amount = payout.amount;
    match outcome {
        PayoutOutcome::Success => {
            payout.reserved = true;
            let ended = settle(payout, None, now);
            balance.add(-(amount));
            Decided { ended, due: None }
        }
        PayoutOutcome::Error(code) => Decided {
            ended: settle(payout, Some(code), now),
            due: None,
        },
        PayoutOutcome::ProcessThenSuccess | PayoutOutcome::ProcessThenError(_) => {
            payout.reserved = true;
            let delay =
                i64::try_from(app.config.payout_process_delay.as_millis()).unwrap_or(i64::MAX);
            let due = now.saturating_add(delay);
            payout.status = PayoutStatus::Process { due, then: outcome };
            balance.add(-(amount));
            Decided {
                ended: None,
                due: Some(due),
            }
        }
    }
}

/// What follows [`decide`] once payout `id` is in the state: its finish scheduled (in
/// `process`), or its notification registered (ended).
fn follow_up(app: &App, state: &mut State, id: i64, decided: Decided) -> Option<usize> {
    if let Some(due) = decided.due {
        state.schedule(due, Due::PayoutFinish(id));
    }
    notify(app, state, id, decided.ended)
}

/// [`ensure_balance`] with the balance alone (while a payout is borrowed from the state).
fn ensure_balance_of(balance: &Balance, amount: i64) -> Result<(), ApiError> {
    if balance.get() < amount {
        Err(ApiError::new(
            INSUFFICIENT_BALANCE,
            "Insufficient funds on the merchant balance",
        ))
    } else {
        Ok(())
    }
}

/// Ends a payout: success (`error` = `None`) or the error code (money reserved for it comes
/// back). Returns the notification to send, if there is a post link.
pub(crate) fn finish(app: &App, state: &mut State, id: i64, error: Option<u32>) -> Option<usize> {
    let payout = state.payouts.get_mut(&id)?;
    let ended = settle(payout, error, app.clock.now_ms());
    notify(app, state, id, ended)
}

/// What [`settle`] did to a payout that had not ended: the money to give back, and its post
/// link.
struct Ended {
    refund: i64,
    post_link: Option<String>,
}

/// The change of [`finish`] to the payout itself, at `now`: its status and payment date, its
/// reservation released on an error. `None` when it had already ended.
fn settle(payout: &mut Payout, error: Option<u32>, now: i64) -> Option<Ended> {
    if payout.is_final() {
        return None;
    }
    let mut refund = 0;
    payout.paid_at = Some(now);
    match error {
        None => payout.status = PayoutStatus::Success,
        Some(code) => {
            payout.status = PayoutStatus::Error(code, payout_error_description(code).into());
            if payout.reserved {
                payout.reserved = false;
                refund = payout.amount;
            }
        }
    }
    Some(Ended {
        refund,
        post_link: payout.post_link.clone(),
    })
}

/// The rest of [`finish`] once the payout is settled: the money given back, and the
/// notification registered when there is a post link.
fn notify(app: &App, state: &mut State, id: i64, ended: Option<Ended>) -> Option<usize> {
    let Ended { refund, post_link } = ended?;
    state.balance.add(refund);
    let url = post_link?;
    let fields = notify_fields(app, state, id);
    Some(callbacks::register(
        app,
        state,
        NewCallback {
            kind: CallbackKind::PayoutNotify,
            subject_id: id,
            url,
            method: Method::Post,
            secret: SecretChoice::Payout,
            fields,
            can_reject: false,
        },
    ))
}

/// The payout notification (seed 003), without salt and signature.
fn notify_fields(app: &App, state: &State, id: i64) -> Fields {
    let mut f = Fields::new();
    let Some(p) = state.payouts.get(&id) else {
        return f;
    };
    f.push_static("pg_payment_id", p.id.to_string());
    if let Some(order) = &p.order_id {
        f.push_static("pg_order_id", order.as_str());
    }
    if let Some(card) = &p.card {
        f.push_static("pg_card_hash", card.pan_masked.as_str());
        if p.kind == PayoutKind::Reg2Reg {
            f.push_static("pg_card_id", card.card_id.to_string())
                .push_static("pg_card_token", card.token.as_str());
        }
    }
    let ok = p.status == PayoutStatus::Success;
    f.push_static("pg_status", if ok { "ok" } else { "error" })
        .push_static("pg_balance", format_minor(state.balance.get()))
        .push_static("pg_payment_amount", format_minor(p.amount))
        .push_static("pg_to_pay", format_minor(p.amount))
        .push_static("pg_merchant_id", app.config.merchant_id.as_str())
        .push(
            "pg_payment_date",
            app.clock.format(p.paid_at.unwrap_or(p.created_at)),
        );
    if let PayoutStatus::Error(code, description) = &p.status {
        f.push_static("pg_error_code", code.to_string())
            .push_static("pg_error_description", description.as_str());
    }
    f
}

/// A `reg2nonreg` payout paid through its page.
#[derive(Debug, Clone)]
pub(crate) struct PagePaid {
    /// The notification to send, when the payout ended at once and has a post link.
    pub(crate) notify: Option<usize>,
    /// The payout as it now is.
    pub(crate) payout: Payout,
}

/// Why a payout page refused a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PayoutPageError {
    /// No payout has this id.
    NotFound,
    /// Not a `reg2nonreg` payout, or no longer waiting for a card.
    NotWaiting,
    /// `pg_order_time_limit` has passed.
    TimeLimitPassed,
    /// The number fails Luhn or has not 13 to 20 digits.
    InvalidCard,
    /// The payout could not start (the balance cannot cover it): the gateway's description.
    Refused(String),
}

impl std::fmt::Display for PayoutPageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PayoutPageError::NotFound => "payout not found",
            PayoutPageError::NotWaiting => "this payout is not waiting for a card",
            PayoutPageError::TimeLimitPassed => {
                "the payout's time limit (pg_order_time_limit) has passed"
            }
            PayoutPageError::InvalidCard => "the card number is not valid",
            PayoutPageError::Refused(description) => description,
        })
    }
}

/// Pays a `reg2nonreg` payout to the card the recipient typed (the payout page and the control
/// API).
pub(crate) fn pay_page(app: &App, id: i64, pan: &str) -> Result<PagePaid, PayoutPageError> {
    let now = app.clock.now_ms();
    let mut state = app.state();
    let payout = state.payouts.get(&id).ok_or(PayoutPageError::NotFound)?;
    if payout.kind != PayoutKind::Reg2NonReg || payout.status != PayoutStatus::Created {
        return Err(PayoutPageError::NotWaiting);
    }
    if payout.order_time_limit.is_some_and(|limit| now > limit) {
        return Err(PayoutPageError::TimeLimitPassed);
    }
    if !cards::valid_pan(pan) {
        return Err(PayoutPageError::InvalidCard);
    }
    let card = card_data(app, &mut state, pan, "", "");
    let outcome = card.payout;
    let notify = start(app, &mut state, id, outcome, Some(card))
        .map_err(|e| PayoutPageError::Refused(e.description))?;
    let payout = state
        .payouts
        .get(&id)
        .map(|p| Payout::clone(p))
        .ok_or(PayoutPageError::NotFound)?;
    Ok(PagePaid { notify, payout })
}
