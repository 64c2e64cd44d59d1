//! Time-based transitions and callback retries, on sandbox time: a background loop that sleeps
//! until the next due instant (and wakes at once when something earlier is scheduled or the
//! clock is advanced), and the control API's `advance`. What is due is found through the
//! state's index of due instants (`State::schedule`), not by looking at every payment and
//! payout under the lock; an idle sandbox with nothing due does not wake at all.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::callbacks;
use crate::cards::PayoutOutcome;
use crate::flow;
use crate::state::{Delivery, Due, PaymentStatus, PayoutStatus};
use crate::time::ClockMode;

/// Runs until `stop` changes.
pub(crate) async fn run(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    loop {
        let sleep = until_next_due(&app);
        tokio::select! {
            _ = tokio::time::sleep(sleep.unwrap_or_default()), if sleep.is_some() => {}
            _ = app.wake.notified() => {}
            _ = stop.changed() => return,
        }
        callbacks::spawn_all(&app, due_work(&app));
    }
}

/// How long to sleep before the next due instant: `None` when nothing is due, or when sandbox
/// time stands still (a fixed clock moves only by `advance`, which does its own work). The
/// wake-up is rounded up to the tick, so that work due close together is done in one pass.
fn until_next_due(app: &App) -> Option<Duration> {
    if matches!(app.config.clock, ClockMode::Fixed(_)) {
        // Only work scheduled for now or earlier (a retry with no interval) can be due.
        let next = app.state().next_due()?;
        return (next <= app.clock.now_ms()).then_some(Duration::ZERO);
    }
    let next = app.state().next_due()?;
    let wait = u64::try_from(next.saturating_sub(app.clock.now_ms())).unwrap_or(0);
    let tick = u64::try_from(app.config.tick.as_millis())
        .unwrap_or(1)
        .max(1);
    Some(Duration::from_millis(wait.div_ceil(tick) * tick))
}

/// Moves sandbox time forward, applies what became due, and waits for the first attempts of
/// the callbacks that this sent. Returns how many callbacks were attempted.
pub(crate) async fn advance(app: &Arc<App>, ms: i64) -> usize {
    app.clock.advance_ms(ms);
    let due = due_work(app);
    // The scheduler's sleep was measured on the old time (told after this advance's own work,
    // which is then done and counted here).
    app.wake.notify_one();
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
    state.balance.add(credit);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;

    fn app(clock: ClockMode) -> App {
        let config = SandboxConfig::new("1", freedompay_sign::SecretKey::new("k").unwrap())
            .clock(clock)
            .tick(Duration::from_millis(50));
        App::new(config, "http://127.0.0.1:1".into())
    }

    #[test]
    fn an_idle_sandbox_sleeps_until_the_next_due_instant_and_not_at_all_without_one() {
        let real = app(ClockMode::Real);
        assert_eq!(until_next_due(&real), None, "nothing due: no wake-up");
        let now = real.clock.now_ms();
        real.state().schedule(now + 10_000, Due::PayoutFinish(1));
        let sleep = until_next_due(&real).unwrap();
        assert!(
            sleep > Duration::from_secs(9) && sleep <= Duration::from_millis(10_050),
            "{sleep:?}"
        );
        assert_eq!(sleep.as_millis() % 50, 0, "rounded up to the tick");

        // A fixed clock moves only by advance, which does its own work.
        let fixed = app(ClockMode::Fixed(1_767_225_600));
        let now = fixed.clock.now_ms();
        fixed.state().schedule(now + 10_000, Due::PayoutFinish(1));
        assert_eq!(until_next_due(&fixed), None);
        fixed.state().schedule(now, Due::PayoutFinish(2));
        assert_eq!(until_next_due(&fixed), Some(Duration::ZERO));
    }
}
