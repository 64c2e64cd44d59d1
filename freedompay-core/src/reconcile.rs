//! What became of a call whose outcome is unknown: the shape of a status query's "not found",
//! the one-minute rule, and the decisions of a reconciliation poller. No I/O, no clock: the
//! caller gives the elapsed times.
//!
//! # The one-minute rule
//!
//! FreedomPay's status queries answer an order or payment they do not know with
//! `pg_payment_id` = 0 (or an error coded 340). That proves the request never arrived only
//! when the status is asked **a minute or more after the last attempt** of the request
//! (docs.freedompay.kz api-12090694, docs.freedompay.kg api-13677854): right after a timeout,
//! the request may still be on its way, and resending it may pay twice. So every status
//! query takes the time elapsed since the last attempt (`since_last_attempt`), and its
//! not-found answer says whether it is conclusive ([`NotFound::is_conclusive`]).
//!
//! # Reconciling
//!
//! [`Reconciler`] decides, answer after answer, whether to ask again and when, and when to
//! stop: the clients' `reconcile_payout` and `reconcile_payment` are a loop over it.
//!
//! ```
//! use std::time::Duration;
//! use freedompay_core::reconcile::{Observation, ReconcilePolicy, Reconciler, ReconcileStep, Reconciliation};
//! use freedompay_core::{NotFound, NotFoundEvidence};
//!
//! // The payout timed out 10 s ago; its status is asked now.
//! let mut reconciler = Reconciler::new(Duration::from_secs(10), ReconcilePolicy::default());
//! let since = reconciler.since_last_attempt(Duration::ZERO);
//! let answer = Observation::NotFound(NotFound::new(NotFoundEvidence::PaymentIdZero, Some(since)));
//! // Not found 10 s after the attempt proves nothing: ask again once a minute has passed.
//! assert!(matches!(reconciler.observe(answer, Duration::ZERO), ReconcileStep::Wait(d) if d == Duration::from_secs(51)));
//! // 61 s after the attempt, still not found: it never arrived.
//! let since = reconciler.since_last_attempt(Duration::from_secs(51));
//! let answer = Observation::NotFound(NotFound::new(NotFoundEvidence::PaymentIdZero, Some(since)));
//! assert!(matches!(
//!     reconciler.observe(answer, Duration::from_secs(51)),
//!     ReconcileStep::Done(Ok(Reconciliation::NeverArrived { .. }))
//! ));
//! ```

use core::fmt;
use core::time::Duration;

use crate::payment::{PaymentState, PaymentStatusInfo};
use crate::payout::{PayoutState, PayoutStatusByOrderInfo};
use crate::{Error, ErrorCode, ErrorKind, PaymentId};

/// How long after the last attempt of a request a not-found status proves it never arrived
/// (docs.freedompay.kz api-12090694, docs.freedompay.kg api-13677854): one minute.
pub const NOT_FOUND_CONCLUSIVE_AFTER: Duration = Duration::from_secs(60);

/// What the gateway answered that says "not found".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum NotFoundEvidence {
    /// A verified reply with `pg_payment_id` = 0.
    PaymentIdZero,
    /// An error reply coded 340 ("Transaction not found"); `signed` says whether it was
    /// signed (the gateway sends it unsigned too, seed 002).
    ErrorReply {
        /// The code (340).
        code: ErrorCode,
        /// Whether the reply carried a valid signature.
        signed: bool,
    },
}

/// A status query's "not found", with whether it proves the request never arrived.
///
/// ```
/// use std::time::Duration;
/// use freedompay_core::{NotFound, NotFoundEvidence};
///
/// let early = NotFound::new(NotFoundEvidence::PaymentIdZero, Some(Duration::from_secs(5)));
/// assert!(!early.is_conclusive());
/// assert_eq!(early.conclusive_in(), Some(Duration::from_secs(55)));
/// let late = NotFound::new(NotFoundEvidence::PaymentIdZero, Some(Duration::from_secs(90)));
/// assert!(late.is_conclusive());
/// // Without the time of the last attempt, nothing is proven.
/// assert!(!NotFound::new(NotFoundEvidence::PaymentIdZero, None).is_conclusive());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotFound {
    evidence: NotFoundEvidence,
    since_last_attempt: Option<Duration>,
}

impl NotFound {
    /// A not-found answer to a query asked `since_last_attempt` after the last attempt of the
    /// request looked for (`None`: not told, so never conclusive).
    pub fn new(evidence: NotFoundEvidence, since_last_attempt: Option<Duration>) -> Self {
        Self {
            evidence,
            since_last_attempt,
        }
    }

    /// What the gateway answered.
    pub fn evidence(&self) -> NotFoundEvidence {
        self.evidence
    }

    /// The time between the last attempt and the query, as the query was told.
    pub fn since_last_attempt(&self) -> Option<Duration> {
        self.since_last_attempt
    }

    /// Whether the answer proves the request never reached FreedomPay: asked at least
    /// [`NOT_FOUND_CONCLUSIVE_AFTER`] after the last attempt. Only then may a money-moving
    /// request be sent again (with the same order id).
    pub fn is_conclusive(&self) -> bool {
        self.since_last_attempt
            .is_some_and(|since| since >= NOT_FOUND_CONCLUSIVE_AFTER)
    }

    /// How much later the same query would give a conclusive answer; `Some(ZERO)` when this
    /// one is, `None` when the time of the last attempt was not given.
    pub fn conclusive_in(&self) -> Option<Duration> {
        self.since_last_attempt
            .map(|since| NOT_FOUND_CONCLUSIVE_AFTER.saturating_sub(since))
    }
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.is_conclusive(), self.since_last_attempt) {
            (true, _) => f.write_str(
                "not found, a minute or more after the last attempt: it never reached FreedomPay",
            ),
            (false, Some(since)) => write!(
                f,
                "not found yet, {}s after the last attempt: this proves nothing before a minute has passed; do NOT resend, ask again in {}s",
                since.as_secs(),
                NOT_FOUND_CONCLUSIVE_AFTER.saturating_sub(since).as_secs().max(1)
            ),
            (false, None) => f.write_str(
                "not found, but the time of the last attempt was not given: this proves nothing; do NOT resend, ask again with it a minute or more after the last attempt",
            ),
        }
    }
}

/// The answer of a status query: found, or not found (with whether that is conclusive).
///
/// Every status query answers "not found" this way, whether the gateway said it with
/// `pg_payment_id` = 0 or with an error coded 340, signed or not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Lookup<T> {
    /// The gateway knows it.
    Found(T),
    /// The gateway does not know it (yet).
    NotFound(NotFound),
}

impl<T> Lookup<T> {
    /// The found value, if any.
    pub fn found(self) -> Option<T> {
        match self {
            Lookup::Found(value) => Some(value),
            Lookup::NotFound(_) => None,
        }
    }

    /// The found value, by reference.
    pub fn as_found(&self) -> Option<&T> {
        match self {
            Lookup::Found(value) => Some(value),
            Lookup::NotFound(_) => None,
        }
    }

    /// The not-found answer, if it is one.
    pub fn not_found(&self) -> Option<&NotFound> {
        match self {
            Lookup::Found(_) => None,
            Lookup::NotFound(not_found) => Some(not_found),
        }
    }

    /// Whether it was found.
    pub fn is_found(&self) -> bool {
        matches!(self, Lookup::Found(_))
    }

    /// The found value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Lookup<U> {
        match self {
            Lookup::Found(value) => Lookup::Found(f(value)),
            Lookup::NotFound(not_found) => Lookup::NotFound(not_found),
        }
    }
}

/// What a reconciliation found out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Reconciliation {
    /// The money moved: the payout was paid out, the payment paid (`state` says more: a
    /// payment may since have been refunded or revoked).
    Paid {
        /// The gateway's id of it.
        payment_id: Option<PaymentId>,
        /// Its state, as the gateway wrote it.
        state: String,
    },
    /// It arrived and failed: the money did not move. Sending it again is a new attempt
    /// (a new order id is the safe choice).
    Failed {
        /// The gateway's id of it.
        payment_id: Option<PaymentId>,
        /// Its state, as the gateway wrote it.
        state: String,
        /// `pg_failure_code`, when the reply had one.
        code: Option<ErrorCode>,
        /// `pg_failure_description`, when the reply had one.
        description: Option<String>,
    },
    /// Not settled when the deadline came: being processed, or not found yet with less than
    /// a minute since the last attempt. Do NOT resend; ask again later.
    ///
    /// FreedomPay describes a payout's `process` as the state it gives a transfer whose bank
    /// answered incorrectly and whose status it settles on its own side
    /// (docs.freedompay.kg api-13677854): it can last; contact FreedomPay if it does.
    InFlight {
        /// The gateway's id of it, when found.
        payment_id: Option<PaymentId>,
        /// Its state as the gateway wrote it; `None` when it was not found (yet).
        state: Option<String>,
    },
    /// Not found, a minute or more after the last attempt: the request never reached
    /// FreedomPay, and may be sent again with the same order id.
    NeverArrived {
        /// The conclusive answer.
        not_found: NotFound,
    },
}

impl Reconciliation {
    /// For a `Failed` answer without a failure code (`api/payment_status2` has none): the
    /// payment id to ask for the code by ([`PayoutStatus`](crate::payout::PayoutStatus),
    /// whose reply carries `pg_failure_code`). `None` for any other answer.
    pub fn failure_code_wanted(&self) -> Option<PaymentId> {
        match self {
            Reconciliation::Failed {
                payment_id: Some(id),
                code: None,
                ..
            } => Some(*id),
            _ => None,
        }
    }

    /// A `Failed` answer completed with the code and description read elsewhere; any other
    /// answer, or one that has a code already, is kept as it is.
    pub fn with_failure(
        self,
        failure_code: Option<ErrorCode>,
        failure_description: Option<String>,
    ) -> Self {
        match self {
            Reconciliation::Failed {
                payment_id,
                state,
                code: None,
                description,
            } => Reconciliation::Failed {
                payment_id,
                state,
                code: failure_code,
                description: description.or(failure_description),
            },
            other => other,
        }
    }
}

impl fmt::Display for Reconciliation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reconciliation::Paid { state, .. } => write!(f, "paid ({state})"),
            Reconciliation::Failed { state, code, .. } => {
                write!(f, "failed ({state}")?;
                if let Some(code) = code {
                    write!(f, ", code {code}")?;
                }
                f.write_str("): the money did not move")
            }
            Reconciliation::InFlight { state: Some(state), .. } => write!(
                f,
                "still in flight ({state}): do NOT resend; ask again later"
            ),
            Reconciliation::InFlight { state: None, .. } => f.write_str(
                "still in flight (not found yet, less than a minute after the last attempt): do NOT resend; ask again later",
            ),
            Reconciliation::NeverArrived { .. } => f.write_str(
                "never arrived (not found a minute or more after the last attempt): it may be sent again",
            ),
        }
    }
}

/// One status answer, as the reconciler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observation {
    /// Settled: the money moved.
    Paid {
        /// The gateway's id.
        payment_id: Option<PaymentId>,
        /// The state as written.
        state: String,
    },
    /// Settled: failed.
    Failed {
        /// The gateway's id.
        payment_id: Option<PaymentId>,
        /// The state as written.
        state: String,
        /// The failure code.
        code: Option<ErrorCode>,
        /// The failure description.
        description: Option<String>,
    },
    /// Not settled yet (or a state this SDK does not know).
    Pending {
        /// The gateway's id.
        payment_id: Option<PaymentId>,
        /// The state as written.
        state: String,
    },
    /// Not found.
    NotFound(NotFound),
}

impl From<Lookup<PayoutStatusByOrderInfo>> for Observation {
    fn from(lookup: Lookup<PayoutStatusByOrderInfo>) -> Self {
        let info = match lookup {
            Lookup::Found(info) => info,
            Lookup::NotFound(not_found) => return Observation::NotFound(not_found),
        };
        let payment_id = Some(info.payment_id);
        let state = info.payment_status.as_str().to_owned();
        match info.payment_status {
            PayoutState::Success => Observation::Paid { payment_id, state },
            PayoutState::Error => Observation::Failed {
                payment_id,
                state,
                code: None,
                description: None,
            },
            _ => Observation::Pending { payment_id, state },
        }
    }
}

impl From<Lookup<PaymentStatusInfo>> for Observation {
    fn from(lookup: Lookup<PaymentStatusInfo>) -> Self {
        let info = match lookup {
            Lookup::Found(info) => info,
            Lookup::NotFound(not_found) => return Observation::NotFound(not_found),
        };
        let payment_id = Some(info.payment_id);
        // `pg_payment_status` is optional (docs.freedompay.kz api-11620963): without it
        // nothing is settled as far as the SDK can tell.
        let Some(status) = info.payment_status else {
            return Observation::Pending {
                payment_id,
                state: "(no pg_payment_status)".to_owned(),
            };
        };
        let state = status.as_str().to_owned();
        match status {
            PaymentState::Success
            | PaymentState::Ok
            | PaymentState::Refunded
            | PaymentState::Revoked => Observation::Paid { payment_id, state },
            PaymentState::Failed | PaymentState::Error | PaymentState::Incomplete => {
                Observation::Failed {
                    payment_id,
                    state,
                    code: info.failure_code,
                    description: info.failure_description,
                }
            }
            _ => Observation::Pending { payment_id, state },
        }
    }
}

/// How long a reconciliation polls, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// The longest a reconciliation takes, from its first query. Default 90 s: enough for the
    /// one-minute rule right after a timeout.
    pub deadline: Duration,
    /// The wait before the second query; it doubles after each pending answer.
    pub initial_interval: Duration,
    /// The longest wait between queries.
    pub max_interval: Duration,
}

impl Default for ReconcilePolicy {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(90),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
        }
    }
}

/// What the reconciliation loop does next.
#[derive(Debug)]
#[must_use]
pub enum ReconcileStep {
    /// Wait this long, then query again.
    Wait(Duration),
    /// Over: the answer, or the error that stopped it.
    Done(Result<Reconciliation, Error>),
}

/// The decisions of a reconciliation, one status answer at a time: a state machine with the
/// clock passed in (`elapsed`: the time since the reconciliation started).
#[derive(Debug, Clone)]
pub struct Reconciler {
    policy: ReconcilePolicy,
    since_last_attempt_at_start: Duration,
    pending_answers: u32,
    last_pending: Option<(Option<PaymentId>, Option<String>)>,
}

impl Reconciler {
    /// A reconciliation starting `since_last_attempt` after the last attempt of the request.
    pub fn new(since_last_attempt: Duration, policy: ReconcilePolicy) -> Self {
        Self {
            policy,
            since_last_attempt_at_start: since_last_attempt,
            pending_answers: 0,
            last_pending: None,
        }
    }

    /// The time since the last attempt at `elapsed`: what to give the status query.
    pub fn since_last_attempt(&self, elapsed: Duration) -> Duration {
        self.since_last_attempt_at_start.saturating_add(elapsed)
    }

    /// Decides after a status answer received at `elapsed`.
    pub fn observe(&mut self, observation: Observation, elapsed: Duration) -> ReconcileStep {
        match observation {
            Observation::Paid { payment_id, state } => {
                ReconcileStep::Done(Ok(Reconciliation::Paid { payment_id, state }))
            }
            Observation::Failed {
                payment_id,
                state,
                code,
                description,
            } => ReconcileStep::Done(Ok(Reconciliation::Failed {
                payment_id,
                state,
                code,
                description,
            })),
            Observation::NotFound(not_found) if not_found.is_conclusive() => {
                ReconcileStep::Done(Ok(Reconciliation::NeverArrived { not_found }))
            }
            Observation::NotFound(_) => {
                self.last_pending = Some((None, None));
                // Ask again as soon as the answer can be conclusive (and a second later, for
                // clocks that disagree by a little).
                let since = self.since_last_attempt(elapsed);
                let wait = NOT_FOUND_CONCLUSIVE_AFTER
                    .saturating_sub(since)
                    .saturating_add(Duration::from_secs(1));
                self.wait_or_stop(wait, elapsed)
            }
            Observation::Pending { payment_id, state } => {
                self.last_pending = Some((payment_id, Some(state)));
                let doublings = self.pending_answers.min(16);
                self.pending_answers += 1;
                let wait = self
                    .policy
                    .initial_interval
                    .saturating_mul(1u32 << doublings)
                    .min(self.policy.max_interval);
                self.wait_until_deadline(wait, elapsed)
            }
        }
    }

    /// Decides after a status query failed at `elapsed`: a configuration mistake or refused
    /// input ends the reconciliation at once (asking again cannot help); anything else is
    /// asked again until the deadline, when the error is returned.
    pub fn observe_error(&mut self, error: Error, elapsed: Duration) -> ReconcileStep {
        let hopeless = error.is_configuration()
            || matches!(
                error.kind(),
                ErrorKind::InvalidInput(_) | ErrorKind::SignatureInvalid { .. }
            );
        if hopeless {
            return ReconcileStep::Done(Err(error));
        }
        let wait = self.policy.initial_interval;
        match self.wait_until_deadline(wait, elapsed) {
            ReconcileStep::Wait(wait) => ReconcileStep::Wait(wait),
            ReconcileStep::Done(_) => ReconcileStep::Done(Err(error)),
        }
    }

    /// Waits `wait`, or what is left until the deadline (one last query at the deadline);
    /// stops once the deadline has come.
    fn wait_until_deadline(&self, wait: Duration, elapsed: Duration) -> ReconcileStep {
        let left = self.policy.deadline.saturating_sub(elapsed);
        if left.is_zero() {
            return self.stop();
        }
        ReconcileStep::Wait(wait.min(left))
    }

    /// Waits `wait` if the deadline allows it whole (the not-found wait is worth nothing
    /// shorter), or stops.
    fn wait_or_stop(&self, wait: Duration, elapsed: Duration) -> ReconcileStep {
        if elapsed.saturating_add(wait) <= self.policy.deadline {
            return ReconcileStep::Wait(wait);
        }
        self.stop()
    }

    fn stop(&self) -> ReconcileStep {
        let (payment_id, state) = self.last_pending.clone().unwrap_or((None, None));
        ReconcileStep::Done(Ok(Reconciliation::InFlight { payment_id, state }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GatewayError, InvalidInput};

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn done(step: ReconcileStep) -> Reconciliation {
        match step {
            ReconcileStep::Done(Ok(answer)) => answer,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    fn wait(step: ReconcileStep) -> Duration {
        match step {
            ReconcileStep::Wait(wait) => wait,
            other => panic!("expected a wait, got {other:?}"),
        }
    }

    fn not_found(since: Duration) -> Observation {
        Observation::NotFound(NotFound::new(NotFoundEvidence::PaymentIdZero, Some(since)))
    }

    #[test]
    fn a_not_found_is_conclusive_only_a_minute_after_the_last_attempt() {
        let just = NotFound::new(NotFoundEvidence::PaymentIdZero, Some(secs(59)));
        assert!(!just.is_conclusive());
        let minute = NotFound::new(NotFoundEvidence::PaymentIdZero, Some(secs(60)));
        assert!(minute.is_conclusive());
        assert_eq!(minute.conclusive_in(), Some(Duration::ZERO));
        assert!(!NotFound::new(NotFoundEvidence::PaymentIdZero, None).is_conclusive());
        assert!(just.to_string().contains("do NOT resend"), "{just}");
    }

    #[test]
    fn right_after_a_timeout_not_found_waits_for_the_minute() {
        let mut r = Reconciler::new(Duration::ZERO, ReconcilePolicy::default());
        assert_eq!(wait(r.observe(not_found(secs(0)), secs(0))), secs(61));
        let since = r.since_last_attempt(secs(61));
        assert_eq!(since, secs(61));
        assert_eq!(
            done(r.observe(not_found(since), secs(61))),
            Reconciliation::NeverArrived {
                not_found: NotFound::new(NotFoundEvidence::PaymentIdZero, Some(secs(61)))
            }
        );
    }

    #[test]
    fn a_deadline_before_the_minute_answers_in_flight_never_never_arrived() {
        let policy = ReconcilePolicy {
            deadline: secs(10),
            ..ReconcilePolicy::default()
        };
        let mut r = Reconciler::new(secs(5), policy);
        assert_eq!(
            done(r.observe(not_found(secs(5)), secs(0))),
            Reconciliation::InFlight {
                payment_id: None,
                state: None
            }
        );
    }

    #[test]
    fn pending_backs_off_then_stops_at_the_deadline() {
        let policy = ReconcilePolicy {
            deadline: secs(10),
            initial_interval: secs(2),
            max_interval: secs(5),
        };
        let mut r = Reconciler::new(secs(120), policy);
        let pending = || Observation::Pending {
            payment_id: PaymentId::new(7).ok(),
            state: "process".into(),
        };
        assert_eq!(wait(r.observe(pending(), secs(0))), secs(2));
        assert_eq!(wait(r.observe(pending(), secs(2))), secs(4));
        // 5 s would pass the deadline: one last query at the deadline.
        assert_eq!(wait(r.observe(pending(), secs(6))), secs(4));
        assert_eq!(
            done(r.observe(pending(), secs(10))),
            Reconciliation::InFlight {
                payment_id: PaymentId::new(7).ok(),
                state: Some("process".into())
            }
        );
    }

    #[test]
    fn settled_answers_end_at_once() {
        let mut r = Reconciler::new(secs(0), ReconcilePolicy::default());
        let step = r.observe(
            Observation::Failed {
                payment_id: None,
                state: "error".into(),
                code: Some(ErrorCode::PayoutDeclined10000),
                description: None,
            },
            secs(0),
        );
        assert!(matches!(
            step,
            ReconcileStep::Done(Ok(Reconciliation::Failed {
                code: Some(ErrorCode::PayoutDeclined10000),
                ..
            }))
        ));
        let mut r = Reconciler::new(secs(0), ReconcilePolicy::default());
        let step = r.observe(
            Observation::Paid {
                payment_id: None,
                state: "success".into(),
            },
            secs(0),
        );
        assert!(matches!(
            step,
            ReconcileStep::Done(Ok(Reconciliation::Paid { .. }))
        ));
    }

    #[test]
    fn payout_and_payment_states_map_to_observations() {
        let payout = |state: &str| {
            Observation::from(Lookup::Found(PayoutStatusByOrderInfo {
                payment_id: PaymentId::new(5).unwrap(),
                payment_status: PayoutState::from_wire_str(state),
                status: crate::Status::Ok,
                order_id: None,
                merchant_id: None,
            }))
        };
        assert!(matches!(payout("success"), Observation::Paid { .. }));
        assert!(matches!(payout("error"), Observation::Failed { .. }));
        assert!(matches!(payout("process"), Observation::Pending { .. }));
        assert!(matches!(payout("frozen"), Observation::Pending { .. }));
        let none: Lookup<PayoutStatusByOrderInfo> =
            Lookup::NotFound(NotFound::new(NotFoundEvidence::PaymentIdZero, None));
        assert!(matches!(Observation::from(none), Observation::NotFound(_)));
    }

    #[test]
    fn a_failure_without_a_code_asks_for_it() {
        let failed = Reconciliation::Failed {
            payment_id: PaymentId::new(9).ok(),
            state: "error".into(),
            code: None,
            description: None,
        };
        assert_eq!(failed.failure_code_wanted(), PaymentId::new(9).ok());
        let completed = failed.with_failure(Some(ErrorCode::PayoutDeclined10000), Some("x".into()));
        assert_eq!(completed.failure_code_wanted(), None);
        assert!(matches!(
            completed,
            Reconciliation::Failed {
                code: Some(ErrorCode::PayoutDeclined10000),
                ..
            }
        ));
    }

    #[test]
    fn errors_are_asked_again_unless_hopeless() {
        let policy = ReconcilePolicy {
            deadline: secs(3),
            initial_interval: secs(2),
            max_interval: secs(2),
        };
        let transient = || Error::new(ErrorKind::HttpStatus(502), "payout_status_by_order");
        let mut r = Reconciler::new(secs(0), policy);
        assert_eq!(wait(r.observe_error(transient(), secs(0))), secs(2));
        assert_eq!(wait(r.observe_error(transient(), secs(2))), secs(1));
        assert!(matches!(
            r.observe_error(transient(), secs(3)),
            ReconcileStep::Done(Err(_))
        ));
        let config = Error::new(
            ErrorKind::Gateway(GatewayError::new(Some(ErrorCode::InvalidSignature), None)),
            "payout_status_by_order",
        );
        assert!(matches!(
            r.observe_error(config, secs(0)),
            ReconcileStep::Done(Err(_))
        ));
        let input = Error::from(InvalidInput::new("pg_order_id", "bad"));
        assert!(matches!(
            r.observe_error(input, secs(0)),
            ReconcileStep::Done(Err(_))
        ));
    }
}
