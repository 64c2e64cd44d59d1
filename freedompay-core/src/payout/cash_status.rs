//! `POST /api/cbc/status`: whether the cash of a cash-by-code payout was withdrawn.

use core::time::Duration;

use freedompay_sign::Fields;

use crate::{
    Config, ErrorCode, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation, PaymentId,
    ReadError, Response, SecretKind,
};

/// What became of a cash-by-code payout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum CashOutcome {
    /// `success`: the recipient withdrew the cash.
    Withdrawn,
    /// `process`: not settled yet (seed 002 calls this reply "indefinite"); ask again in 3
    /// hours at the earliest. FreedomPay checks the ATM for the 24 hours of the withdrawal
    /// window and settles the transfer on its own side; a `process` after that window is not
    /// worth asking about again: see [`CashByCodeState::is_settled_for_polling`].
    Waiting,
    /// `error` with code 75: the 24 hours passed without a withdrawal; the amount is back on
    /// the merchant's balance.
    NotWithdrawn {
        /// `pg_error_description`, as written by the gateway.
        description: Option<String>,
    },
    /// `error` with another code: the payout failed. The reply was signed, so this is the
    /// gateway's word. (An unknown payment id, code 340, is not this: it is
    /// [`Lookup::NotFound`].)
    Failed {
        /// `pg_error_code`.
        code: Option<ErrorCode>,
        /// `pg_error_description`, as written by the gateway.
        description: Option<String>,
    },
    /// A `pg_status` this version of the SDK does not know, as received.
    Unknown(String),
}

impl CashOutcome {
    /// Whether the outcome will not change any more: withdrawn, not withdrawn, failed.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CashOutcome::Withdrawn | CashOutcome::NotWithdrawn { .. } | CashOutcome::Failed { .. }
        )
    }
}

/// Asks whether the cash of a cash-by-code payout was withdrawn (`/api/cbc/status`, payout
/// secret; seed 002).
///
/// # Ask at most once every 3 hours
///
/// FreedomPay itself checks the ATM 3 hours after the payout is executed, then every 3 hours
/// for the 24 hours the recipient has (8 checks in all), and asks merchants to **poll no more
/// often than once every three hours** ([`CashByCodeStatus::MIN_POLL_INTERVAL`]). The SDK
/// reads no clock, so it cannot enforce this: schedule the queries yourself, the first one
/// [`MIN_POLL_INTERVAL`](CashByCodeStatus::MIN_POLL_INTERVAL) after
/// [`CashByCodeExec`](super::CashByCodeExec), the last one after
/// [`WITHDRAWAL_WINDOW`](CashByCodeStatus::WITHDRAWAL_WINDOW). (The SDK's own retries of one
/// query after a network failure are a matter of seconds and do not count as polling.)
///
/// A signed `pg_status` = `error` is an answer here, not a failure of the call: code 75 is
/// [`CashOutcome::NotWithdrawn`], code 340 (signed or not) [`Lookup::NotFound`], any other
/// code [`CashOutcome::Failed`].
///
/// # When to stop asking
///
/// `process` is not final by itself, but a poller must not loop on it forever: FreedomPay
/// settles the transfer on its side within the withdrawal window. Once
/// [`WITHDRAWAL_WINDOW`](CashByCodeStatus::WITHDRAWAL_WINDOW) plus one
/// [`MIN_POLL_INTERVAL`](CashByCodeStatus::MIN_POLL_INTERVAL) has passed since the exec, stop
/// polling ([`CashByCodeState::is_settled_for_polling`]) and ask FreedomPay about the
/// payment; never pay it out again.
///
/// ```
/// use freedompay_core::{PaymentId, payout::CashByCodeStatus};
/// use std::time::Duration;
///
/// let query = CashByCodeStatus::new(PaymentId::new(765432)?);
/// assert_eq!(CashByCodeStatus::MIN_POLL_INTERVAL, Duration::from_secs(3 * 3600));
/// # let _ = query;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CashByCodeStatus {
    payment_id: PaymentId,
    since_last_attempt: Option<Duration>,
}

impl CashByCodeStatus {
    /// The shortest time between two status queries of one payout: 3 hours.
    pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(3 * 60 * 60);
    /// How long the recipient has to withdraw the cash: 24 hours.
    pub const WITHDRAWAL_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

    /// The query for the cash payout `payment_id`.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            since_last_attempt: None,
        }
    }

    /// The time since the last attempt of the exec: a not-found answer is conclusive only a
    /// minute or more after it ([`NotFound::is_conclusive`]). Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

impl CashByCodeState {
    /// Whether polling should stop: the outcome is final, or it is still `process` (or
    /// unknown) `since_exec` after the exec, past the withdrawal window and one more poll
    /// interval, when FreedomPay has settled the transfer on its side. Ask FreedomPay about a
    /// payout that stops this way still in `process`; never pay it out again.
    ///
    /// ```
    /// use std::time::Duration;
    /// use freedompay_core::payout::CashByCodeStatus;
    ///
    /// let hours = |h: u64| Duration::from_secs(h * 3600);
    /// assert_eq!(CashByCodeStatus::WITHDRAWAL_WINDOW + CashByCodeStatus::MIN_POLL_INTERVAL, hours(27));
    /// ```
    pub fn is_settled_for_polling(&self, since_exec: Duration) -> bool {
        self.outcome.is_final()
            || since_exec
                >= CashByCodeStatus::WITHDRAWAL_WINDOW
                    .saturating_add(CashByCodeStatus::MIN_POLL_INTERVAL)
    }
}

/// The state of a cash-by-code payout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CashByCodeState {
    /// What became of it.
    pub outcome: CashOutcome,
    /// `pg_payment_id`, as echoed (absent from error replies).
    pub payment_id: Option<PaymentId>,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for CashByCodeStatus {
    /// [`Lookup::NotFound`] when FreedomPay knows no such payment (an error coded 340).
    type Output = Lookup<CashByCodeState>;
    const NAME: &'static str = "cash_by_code_status";
    const PATH: &'static str = "/api/cbc/status";
    const MOVES_MONEY: bool = false;
    const ERROR_STATUS_IS_OUTPUT: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<CashByCodeState>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<CashByCodeState>, ReadError> {
        let description = || reply.get::<String>("pg_error_description");
        let outcome = match reply.required("pg_status")?.trim() {
            "success" => CashOutcome::Withdrawn,
            "process" => CashOutcome::Waiting,
            "error" => {
                let code = reply
                    .lenient::<u32>("pg_error_code")
                    .map(ErrorCode::from_code);
                if code == Some(ErrorCode::TransactionNotFound) {
                    return Ok(Lookup::NotFound(NotFound::new(
                        NotFoundEvidence::ErrorReply {
                            code: ErrorCode::TransactionNotFound,
                            signed: true,
                        },
                        self.since_last_attempt,
                    )));
                }
                if code == Some(ErrorCode::CashNotWithdrawn) {
                    CashOutcome::NotWithdrawn {
                        description: description()?,
                    }
                } else {
                    CashOutcome::Failed {
                        code,
                        description: description()?,
                    }
                }
            }
            other => CashOutcome::Unknown(other.to_owned()),
        };
        Ok(Lookup::Found(CashByCodeState {
            outcome,
            payment_id: reply.lenient("pg_payment_id"),
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, config, fixture, reply, wire};
    use crate::{ErrorKind, read_reply};
    use freedompay_transport::HttpResponse;

    /// Seed 002's request.
    fn query() -> CashByCodeStatus {
        CashByCodeStatus::new(PaymentId::new(486_456_456).unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&query()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&query(), SecretKind::Payout);
    }

    #[test]
    fn withdrawn() {
        let state = found(reply(&query(), "payout/cbc_status_success.xml"));
        assert_eq!(state.outcome, CashOutcome::Withdrawn);
        assert!(state.outcome.is_final());
        assert_eq!(state.payment_id, PaymentId::new(765_432).ok());
        assert_eq!(state.order_id.as_deref(), Some("1234"));
        assert_eq!(state.merchant_id.as_deref(), Some("500001"));
    }

    #[test]
    fn waiting() {
        let state = found(reply(&query(), "payout/cbc_status_process.xml"));
        assert_eq!(state.outcome, CashOutcome::Waiting);
        assert!(!state.outcome.is_final());
        // A poller stops on `process` once the withdrawal window and one more poll are over.
        let hours = |h: u64| Duration::from_secs(h * 3600);
        assert!(!state.is_settled_for_polling(hours(24)));
        assert!(state.is_settled_for_polling(hours(27)));
    }

    #[test]
    fn code_75_is_not_withdrawn_not_an_error() {
        let state = found(reply(&query(), "payout/cbc_status_expired.xml"));
        assert_eq!(
            state.outcome,
            CashOutcome::NotWithdrawn {
                description: Some(
                    " Transfer execution time expired, recipient did not withdraw money".into()
                )
            }
        );
        assert!(state.outcome.is_final());
        assert_eq!(state.payment_id, None);
    }

    #[test]
    fn another_error_code_is_a_failure_outcome() {
        let state = found(reply(&query(), "payout/cbc_status_declined.xml"));
        assert_eq!(
            state.outcome,
            CashOutcome::Failed {
                code: Some(ErrorCode::Declined),
                description: Some("Transaction declined".into())
            }
        );
        assert!(state.is_settled_for_polling(Duration::ZERO));
    }

    /// 340, signed or not, is not found: the same shape as every status query.
    #[test]
    fn code_340_is_not_found() {
        let late = query().since_last_attempt(Duration::from_secs(3600));
        let signed = reply(&late, "payout/cbc_status_error.xml").expect("reads");
        assert!(signed.not_found().is_some_and(NotFound::is_conclusive));
        let body = fixture("payout/cbc_status_not_found_unsigned.xml");
        let unsigned = read_reply(&config(), &late, &HttpResponse::new(200, body.into_bytes()))
            .expect("reads");
        assert!(unsigned.not_found().is_some_and(NotFound::is_conclusive));
    }

    fn found(result: Result<Lookup<CashByCodeState>, ErrorKind>) -> CashByCodeState {
        result.expect("reads").found().expect("found")
    }

    #[test]
    fn an_unknown_status_is_kept() {
        let state = found(reply(&query(), "payout/cbc_status_unknown.xml"));
        assert_eq!(state.outcome, CashOutcome::Unknown("blocked".into()));
        assert!(!state.outcome.is_final());
    }

    /// An error the gateway does not sign (the merchant was not identified) stays an error:
    /// nothing unsigned becomes an outcome.
    #[test]
    fn an_unsigned_error_is_still_an_error() {
        let body = fixture("payout/cbc_status_unsigned.xml");
        let error = read_reply(
            &config(),
            &query(),
            &HttpResponse::new(200, body.into_bytes()),
        )
        .unwrap_err();
        assert!(
            matches!(&error, ErrorKind::Unsigned(e) if e.code() == Some(ErrorCode::MerchantNotIdentified)),
            "{error:?}"
        );
    }

    #[test]
    fn the_poll_interval_is_three_hours() {
        assert_eq!(CashByCodeStatus::MIN_POLL_INTERVAL.as_secs(), 10_800);
        assert_eq!(
            CashByCodeStatus::WITHDRAWAL_WINDOW.as_secs()
                / CashByCodeStatus::MIN_POLL_INTERVAL.as_secs(),
            8
        );
    }
}
