//! Reconciling calls whose outcome is unknown, with both clients against the sandbox:
//! `reconcile_payout` and `reconcile_payment` answer paid, failed (with the code), still in
//! flight, or never arrived, and "never arrived" only a minute or more after the last attempt.

mod support;

use std::time::{Duration, SystemTime};

use freedompay_core::payment::InitPayment;
use freedompay_core::payout::PayoutToCard;
use freedompay_core::reconcile::{ReconcilePolicy, Reconciliation};
use freedompay_core::{ErrorCode, OrderId};
use freedompay_sandbox::Fault;
use support::{Env, Flavour, amount, card, cards, description, for_both_flavours, order};

for_both_flavours!(
    a_payout_whose_reply_was_lost_is_found_paid,
    a_refused_payout_is_failed_with_its_code,
    a_payout_in_process_is_still_in_flight,
    an_order_never_sent_is_never_arrived_only_after_a_minute,
    a_payment_is_reconciled_by_its_order_id,
);

/// A short policy: the tests do not wait for the one-minute rule, they date the last attempt.
fn quick(deadline: Duration) -> ReconcilePolicy {
    ReconcilePolicy {
        deadline,
        initial_interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(200),
    }
}

fn ago(seconds: u64) -> SystemTime {
    SystemTime::now() - Duration::from_secs(seconds)
}

fn payout_to(env: &Env, order_id: &OrderId, pan: &str) -> PayoutToCard {
    PayoutToCard::new(
        order_id.clone(),
        amount("100"),
        card(pan),
        description("Payout, reconciliation test"),
        env.merchant.url("payout_notify"),
    )
}

/// The payout reached the gateway and its reply was lost: an unknown outcome, which the
/// reconciliation finds paid (and never resends).
fn a_payout_whose_reply_was_lost_is_found_paid(flavour: Flavour) {
    let env = Env::start(flavour);
    let order_id = order("reconcile-lost");
    env.set_fault(
        "/g2g/p2p2nonreg",
        Fault {
            drop_connection: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let sent_at = SystemTime::now();
    let error = env
        .client
        .payout_to_card(payout_to(&env, &order_id, cards::PAYOUT_SUCCESS))
        .unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    let answer = env
        .client
        .reconcile_payout_with(order_id, sent_at, quick(Duration::from_secs(5)))
        .expect("the reconciliation answers");
    match answer {
        Reconciliation::Paid { payment_id, state } => {
            assert!(payment_id.is_some());
            assert_eq!(state, "success");
        }
        other => panic!("expected paid, got {other:?}"),
    }
}

/// A payout refused by the gateway: failed, with the code the payment-id status gives.
fn a_refused_payout_is_failed_with_its_code(flavour: Flavour) {
    let env = Env::start(flavour);
    let order_id = order("reconcile-refused");
    let sent_at = SystemTime::now();
    let _ = env
        .client
        .payout_to_card(payout_to(&env, &order_id, cards::PAYOUT_ERROR_10000));
    let answer = env
        .client
        .reconcile_payout_with(order_id, sent_at, quick(Duration::from_secs(5)))
        .expect("the reconciliation answers");
    match answer {
        Reconciliation::Failed { code, state, .. } => {
            assert_eq!(state, "error");
            assert_eq!(code, Some(ErrorCode::PayoutDeclined10000));
        }
        other => panic!("expected failed, got {other:?}"),
    }
}

/// A payout in `process` (the sandbox's clock does not move here) stays in flight at the
/// deadline: no resend, no "never arrived".
fn a_payout_in_process_is_still_in_flight(flavour: Flavour) {
    let env = Env::start(flavour);
    let order_id = order("reconcile-process");
    env.client
        .payout_to_card(payout_to(&env, &order_id, cards::PAYOUT_PROCESS_SUCCESS))
        .expect("the payout is accepted");
    let answer = env
        .client
        .reconcile_payout_with(order_id, ago(120), quick(Duration::from_millis(500)))
        .expect("the reconciliation answers");
    match answer {
        Reconciliation::InFlight { payment_id, state } => {
            assert!(payment_id.is_some());
            assert_eq!(state.as_deref(), Some("process"));
        }
        other => panic!("expected in flight, got {other:?}"),
    }
}

/// Issue 12: the sandbox answers an unknown order with error 340. Right after the attempt that
/// proves nothing: in flight. A minute or more after it: never arrived.
fn an_order_never_sent_is_never_arrived_only_after_a_minute(flavour: Flavour) {
    let env = Env::start(flavour);
    let early = env
        .client
        .reconcile_payout_with(
            order("reconcile-never-sent"),
            ago(1),
            quick(Duration::from_secs(2)),
        )
        .expect("the reconciliation answers");
    assert_eq!(
        early,
        Reconciliation::InFlight {
            payment_id: None,
            state: None
        }
    );
    let late = env
        .client
        .reconcile_payout_with(
            order("reconcile-never-sent"),
            ago(61),
            quick(Duration::from_secs(2)),
        )
        .expect("the reconciliation answers");
    match late {
        Reconciliation::NeverArrived { not_found } => {
            assert!(not_found.is_conclusive());
            assert!(not_found.since_last_attempt() >= Some(Duration::from_secs(61)));
        }
        other => panic!("expected never arrived, got {other:?}"),
    }
    let payment = env
        .client
        .reconcile_payment_with(
            order("reconcile-never-paid"),
            ago(90),
            quick(Duration::from_secs(2)),
        )
        .expect("the reconciliation answers");
    assert!(
        matches!(payment, Reconciliation::NeverArrived { .. }),
        "{payment:?}"
    );
}

/// `get_status3.php` by order id: a created payment not yet paid stays in flight; once paid,
/// it is paid.
fn a_payment_is_reconciled_by_its_order_id(flavour: Flavour) {
    let env = Env::start(flavour);
    let sent_at = SystemTime::now();
    let created = env
        .client
        .init_payment(InitPayment::new(
            order("reconcile-payment"),
            amount("1500"),
            description("Order, reconciliation test"),
        ))
        .expect("the payment is created");
    let waiting = env
        .client
        .reconcile_payment_with(
            order("reconcile-payment"),
            sent_at,
            quick(Duration::from_millis(500)),
        )
        .expect("the reconciliation answers");
    assert!(
        matches!(waiting, Reconciliation::InFlight { state: Some(_), .. }),
        "{waiting:?}"
    );
    env.pay_payment(created.payment_id, cards::PURCHASE);
    let paid = env
        .client
        .reconcile_payment_with(
            order("reconcile-payment"),
            sent_at,
            quick(Duration::from_secs(5)),
        )
        .expect("the reconciliation answers");
    match paid {
        Reconciliation::Paid { payment_id, .. } => {
            assert_eq!(payment_id, Some(created.payment_id));
        }
        other => panic!("expected paid, got {other:?}"),
    }
}
