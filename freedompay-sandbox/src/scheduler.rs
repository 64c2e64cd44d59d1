//! Time-based transitions and callback retries, on sandbox time: a background loop that
//! looks every tick (and at once when woken), and the control API's `advance`. What is due is
//! found through the state's index of due instants (`State::schedule`), not by looking at
//! every payment and payout under the lock.

use std::sync::Arc;

use tokio::sync::watch;

use crate::app::App;
use crate::callbacks;
use crate::cards::PayoutOutcome;
use crate::flow;
use crate::state::{Delivery, Due, PaymentStatus, PayoutStatus};

/// Runs until `stop` changes.
pub(crate) async fn run(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(app.config.tick) => {}
            _ = app.wake.notified() => {}
            _ = stop.changed() => return,
        }
        callbacks::spawn_all(&app, due_work(&app));
    }
}

/// Moves sandbox time forward, applies what became due, and waits for the first attempts of
/// the callbacks that this sent. Returns how many callbacks were attempted.
pub(crate) async fn advance(app: &Arc<App>, ms: i64) -> usize {
    app.clock.advance_ms(ms);
    let due = due_work(app);
    let count = due.len();
    let mut tasks = tokio::task::JoinSet::new();
    for id in due {
        let app = Arc::clone(app);
        tasks.spawn(async move { callbacks::attempt(&app, id).await });
    }
    while tasks.join_next().await.is_some() {}
    count
}

/// Applies every transition due at the current sandbox time; the callbacks to attempt now.
/// The transitions come from the state's index of due instants, so this costs what is due,
/// not the number of payments and payouts.
pub(crate) fn due_work(app: &App) -> Vec<usize> {
    let now = app.clock.now_ms();
    let mut state = app.state();
    let mut payouts = Vec::new();
    let mut retries = Vec::new();
    let mut credit = 0;
    for due in state.take_due(now) {
        match due {
            Due::PaymentExpiry(id) => {
                if let Some(payment) = state.payments.get_mut(&id) {
                    let waiting = payment.status == PaymentStatus::New
                        || (payment.status == PaymentStatus::Pending && payment.mfs.is_some());
                    if waiting && now >= payment.expires_at {
                        payment.status = PaymentStatus::Incomplete;
                    }
                }
            }
            Due::HoldClear(id) => {
                if let Some(payment) = state.payments.get_mut(&id)
                    && payment.status == PaymentStatus::Success
                    && !payment.captured
                    && payment.auto_clear_at.is_some_and(|at| at <= now)
                {
                    payment.captured = true;
                    payment.clearing_amount = payment.amount;
                    payment.auto_clear_at = None;
                    credit += payment.amount;
                }
            }
            Due::PayoutFinish(id) => payouts.push(id),
            Due::CallbackRetry(id) => retries.push(id),
        }
    }
    state.balance += credit;
    // Payouts in id order, after the payments, as a full pass would meet them.
    payouts.sort_unstable();
    payouts.dedup();
    let mut due: Vec<usize> = payouts
        .into_iter()
        .filter_map(|id| {
            let error = match state.payouts.get(&id)?.status {
                PayoutStatus::Process { due, then } if due <= now => match then {
                    PayoutOutcome::ProcessThenError(code) | PayoutOutcome::Error(code) => {
                        Some(code)
                    }
                    PayoutOutcome::ProcessThenSuccess | PayoutOutcome::Success => None,
                },
                _ => return None,
            };
            flow::payout::finish(app, &mut state, id, error)
        })
        .collect();
    // Callback retries in id order, each marked in flight (once, if still waiting).
    retries.sort_unstable();
    retries.dedup();
    for id in retries {
        if let Some(record) = state.callback_mut(id)
            && record.state == Delivery::Pending
            && record.next_at.is_some_and(|at| at <= now)
        {
            record.state = Delivery::InFlight;
            due.push(id);
        }
    }
    due
}
