//! `freedompay payout reconcile` and `freedompay payment reconcile`: what became of a call
//! whose outcome is unknown, and the not-found answers of the status commands.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use freedompay_core::reconcile::{ReconcilePolicy, Reconciliation};
use freedompay_core::{NotFound, OrderId};

use crate::output::{Report, arg, call_failure, look};
use crate::{Failure, Global, settings};

/// `payout reconcile` / `payment reconcile`.
#[derive(Args, Debug)]
pub(crate) struct ReconcileArgs {
    /// The order id of the call whose outcome is unknown.
    #[arg(value_name = "ORDER_ID")]
    order_id: String,
    /// When the call was last sent: unix seconds (1767225600), UTC RFC 3339
    /// (2026-01-01T05:00:00Z) or an age (90s-ago, 5m-ago, 2h-ago). "Not found" proves the call
    /// never arrived only a minute or more after it.
    #[arg(long, value_name = "TIME")]
    last_attempt: String,
    /// The longest the reconciliation polls, in seconds (default 90).
    #[arg(long, value_name = "SECONDS")]
    deadline: Option<u64>,
}

/// Which status query reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// A payout, by `api/payment_status2`.
    Payout,
    /// A payment, by `get_status3.php` with its order id.
    Payment,
}

/// Runs `payout reconcile` or `payment reconcile`.
pub(crate) fn run(global: &Global, args: &ReconcileArgs, flow: Flow) -> Result<(), Failure> {
    let order = arg("ORDER_ID", OrderId::new(args.order_id.as_str()))?;
    let last_attempt = parse_last_attempt(&args.last_attempt, SystemTime::now())?;
    let mut policy = ReconcilePolicy::default();
    if let Some(deadline) = args.deadline {
        if deadline == 0 || deadline > 3600 {
            return Err(Failure::input(
                "--deadline: give seconds, more than 0 and at most 3600",
            ));
        }
        policy.deadline = Duration::from_secs(deadline);
    }
    let client = settings::client(global)?;
    let spinner = look().spinner(format!(
        "reconciling order {}: asking for its status until it is known (at most {} s)",
        order.as_str(),
        policy.deadline.as_secs()
    ));
    let (operation, answer) = match flow {
        Flow::Payout => (
            "reconcile_payout",
            client.reconcile_payout_with(order.clone(), last_attempt, policy),
        ),
        Flow::Payment => (
            "reconcile_payment",
            client.reconcile_payment_with(order.clone(), last_attempt, policy),
        ),
    };
    drop(spinner);
    let what = match flow {
        Flow::Payout => "payout",
        Flow::Payment => "payment",
    };
    let order_text = order.as_str();
    let answer = answer.map_err(|e| {
        if e.is_configuration() {
            return call_failure(&e, None);
        }
        Failure::unknown(format!(
            "{e}. The outcome of {what} order {order_text} is still unknown: do NOT resend; try the reconciliation again later"
        ))
    })?;
    let (verdict, payment_id, state) = match &answer {
        Reconciliation::Paid { payment_id, state } => ("paid", *payment_id, Some(state.clone())),
        Reconciliation::Failed {
            payment_id, state, ..
        } => ("failed", *payment_id, Some(state.clone())),
        Reconciliation::InFlight { payment_id, state } => ("in_flight", *payment_id, state.clone()),
        Reconciliation::NeverArrived { .. } => ("never_arrived", None, None),
        _ => ("unknown", None, None),
    };
    if matches!(answer, Reconciliation::InFlight { .. }) {
        return Err(Failure::unknown(format!(
            "{what} order {order_text}: {answer}. Run `freedompay {what} reconcile {order_text} --last-attempt {}` again later",
            args.last_attempt
        )));
    }
    let mut report = Report::new(operation, format!("{what} order {order_text}: {answer}"))
        .field("order_id", order_text)
        .field("verdict", verdict)
        .opt("payment_id", payment_id.map(|p| p.get()))
        .opt("state", state);
    match &answer {
        Reconciliation::Failed {
            code, description, ..
        } => {
            report = report
                .opt("failure_code", code.map(|c| c.code()))
                .opt("failure_description", description.clone())
                .note("The money did not move; a new attempt is safest under a new order id.");
        }
        Reconciliation::NeverArrived { .. } => {
            report = report
                .mark("-")
                .note("Not found a minute or more after the last attempt: it never reached FreedomPay and may be sent again with the same order id.");
        }
        _ => {}
    }
    report.emit(global.json);
    Ok(())
}

/// The report of a status command's not-found answer, with what it proves.
pub(crate) fn not_found_report(
    operation: &'static str,
    flow: Flow,
    what: &str,
    order: Option<&str>,
    not_found: &NotFound,
) -> Report {
    let kind = match flow {
        Flow::Payout => "payout",
        Flow::Payment => "payment",
    };
    let report = Report::new(
        operation,
        format!("not found: FreedomPay knows no {kind} with {what} ({not_found})"),
    )
    .mark("-")
    .field("found", false)
    .field("conclusive", not_found.is_conclusive())
    .opt(
        "seconds_since_last_attempt",
        not_found.since_last_attempt().map(|d| d.as_secs()),
    );
    if not_found.is_conclusive() {
        return report.note(
            "Asked a minute or more after the last attempt: the request never reached FreedomPay and may be sent again with the same order id.",
        );
    }
    let reconcile = match order {
        Some(order) => {
            format!("`freedompay {kind} reconcile {order} --last-attempt <when it was sent>`")
        }
        None => {
            format!("`freedompay {kind} reconcile <order id> --last-attempt <when it was sent>`")
        }
    };
    report.note(format!(
        "This proves nothing unless asked a minute or more after the last attempt (give --last-attempt): do NOT send it again yet. Use {reconcile}."
    ))
}

/// `--last-attempt`: unix seconds, a UTC RFC 3339 time, or an age (`90s-ago`).
pub(crate) fn parse_last_attempt(text: &str, now: SystemTime) -> Result<SystemTime, Failure> {
    let bad = || {
        Failure::input(
            "--last-attempt: give unix seconds (1767225600), a UTC time (2026-01-01T05:00:00Z) or an age (90s-ago, 5m-ago, 2h-ago)",
        )
    };
    let text = text.trim();
    if let Some(age) = text.strip_suffix("-ago") {
        let (number, unit) = age.split_at(age.len().saturating_sub(1));
        let n: u64 = number.parse().map_err(|_| bad())?;
        let seconds = match unit {
            "s" => n,
            "m" => n.checked_mul(60).ok_or_else(bad)?,
            "h" => n.checked_mul(3600).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        return now
            .checked_sub(Duration::from_secs(seconds))
            .ok_or_else(bad);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = text.parse().map_err(|_| bad())?;
        return UNIX_EPOCH
            .checked_add(Duration::from_secs(seconds))
            .ok_or_else(bad);
    }
    let seconds = rfc3339_utc(text).ok_or_else(bad)?;
    UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .ok_or_else(bad)
}

/// `YYYY-MM-DDTHH:MM:SSZ` as unix seconds.
fn rfc3339_utc(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || !(b[19] == b'Z' || b[19] == b'z') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    u64::try_from(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_attempt_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_700);
        let at = |text: &str| {
            parse_last_attempt(text, now)
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs())
        };
        assert_eq!(at("1767225600"), Some(1_767_225_600));
        assert_eq!(at("2026-01-01T00:00:00Z"), Some(1_767_225_600));
        assert_eq!(at("100s-ago"), Some(1_767_225_600));
        assert_eq!(at("2m-ago"), Some(1_767_225_580));
        assert_eq!(at("1h-ago"), Some(1_767_222_100));
        assert_eq!(at("yesterday"), None);
        assert_eq!(at("2026-13-01T00:00:00Z"), None);
        assert_eq!(at("5d-ago"), None);
    }
}
