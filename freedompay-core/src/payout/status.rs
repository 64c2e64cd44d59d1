//! `POST /api/payment_status`: a payout's state by its payment id.

use core::time::Duration;

use freedompay_sign::Fields;

use super::{PayoutState, TransactionStatus};
use crate::{
    Amount, Config, ErrorCode, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation,
    PaymentId, ReadError, Response, SecretKind,
};

/// Asks for the state of a payout by its payment id (`/api/payment_status`, payout secret;
/// seed 002, docs/protocol.md §1.6).
///
/// FreedomPay publishes no reply fields for this call. The old PayBox SDK reads the payout's
/// state from `pg_status` (`new`, `ok`, `revoked`, `failed`, `incomplete`): that is
/// [`PayoutStatusInfo::status`]. Should the gateway answer as its v2 call does, with the state
/// in `pg_payment_status` (`success`, `error`, `process`), that is
/// [`PayoutStatusInfo::payment_status`] and `status` is then only the query's `ok`;
/// [`PayoutStatusInfo::is_final`] looks at the right one. Prefer
/// [`PayoutStatusByOrder`](super::PayoutStatusByOrder), whose reply is documented.
///
/// A payment id FreedomPay does not know is [`Lookup::NotFound`] (an error coded 340, signed
/// or not, or `pg_payment_id` 0), conclusive only a minute or more after the payout's last
/// attempt ([`PayoutStatus::since_last_attempt`]).
///
/// ```
/// use freedompay_core::{PaymentId, payout::PayoutStatus};
///
/// let query = PayoutStatus::new(PaymentId::new(987654321)?);
/// # let _ = query;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayoutStatus {
    payment_id: PaymentId,
    since_last_attempt: Option<Duration>,
}

impl PayoutStatus {
    /// The query for the payout `payment_id`.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            since_last_attempt: None,
        }
    }

    /// The time since the payout's last attempt: a not-found answer is conclusive only a
    /// minute or more after it ([`NotFound::is_conclusive`]). Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

/// A payout's state, found by its payment id. Every field but `status` is read when present
/// and readable, since the reply is not documented.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PayoutStatusInfo {
    /// `pg_status`: the payout's state per the PayBox SDK, unless `payment_status` is present.
    pub status: TransactionStatus,
    /// `pg_payment_status`, when the gateway sends it: the payout's state.
    pub payment_status: Option<PayoutState>,
    /// `pg_payment_id`, as echoed.
    pub payment_id: Option<PaymentId>,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_payment_amount` (or `pg_amount`: the reply is not published, and both names are
    /// in use for this value in FreedomPay's other replies).
    pub payment_amount: Option<Amount>,
    /// `pg_payment_date`, as written by the gateway.
    pub payment_date: Option<String>,
    /// `pg_failure_code`, when it failed.
    pub failure_code: Option<ErrorCode>,
    /// `pg_failure_description`, when it failed.
    pub failure_description: Option<String>,
}

impl PayoutStatusInfo {
    /// Whether the payout's state will not change any more: `payment_status` when the reply
    /// has one, `status` otherwise.
    pub fn is_final(&self) -> bool {
        match &self.payment_status {
            Some(state) => state.is_final(),
            None => self.status.is_final(),
        }
    }
}

impl Operation for PayoutStatus {
    /// [`Lookup::NotFound`] when FreedomPay knows no payout with this id.
    type Output = Lookup<PayoutStatusInfo>;
    const NAME: &'static str = "payout_status";
    const PATH: &'static str = "/api/payment_status";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<PayoutStatusInfo>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<PayoutStatusInfo>, ReadError> {
        if reply.text("pg_payment_id").map(str::trim) == Some("0") {
            return Ok(Lookup::NotFound(NotFound::new(
                NotFoundEvidence::PaymentIdZero,
                self.since_last_attempt,
            )));
        }
        Ok(Lookup::Found(PayoutStatusInfo {
            status: reply.require("pg_status")?,
            payment_status: reply.lenient("pg_payment_status"),
            payment_id: reply.lenient("pg_payment_id"),
            order_id: reply.lenient("pg_order_id"),
            payment_amount: reply
                .lenient("pg_payment_amount")
                .or_else(|| reply.lenient("pg_amount")),
            payment_date: reply.lenient("pg_payment_date"),
            failure_code: reply
                .lenient::<u32>("pg_failure_code")
                .map(ErrorCode::from_code),
            failure_description: reply.lenient("pg_failure_description"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

    fn query() -> PayoutStatus {
        PayoutStatus::new(PaymentId::new(987_654_321).unwrap())
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
    fn reads_the_state_from_pg_status() {
        let info = reply(&query(), "payout/payment_status.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(info.status, TransactionStatus::Failed);
        assert_eq!(info.payment_status, None);
        assert!(info.is_final());
        assert_eq!(info.payment_id, PaymentId::new(987_654_321).ok());
        assert_eq!(info.order_id.as_deref(), Some("payout-42"));
        assert_eq!(info.payment_amount, Amount::from_gateway("1500.50"));
        assert_eq!(info.failure_code, Some(ErrorCode::PayoutDeclined10001));
        assert_eq!(info.failure_description.as_deref(), Some("Payout refused"));
    }

    #[test]
    fn a_v2_style_reply_is_read_by_its_payment_status() {
        let info = reply(&query(), "payout/payment_status_v2_style.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(info.status, TransactionStatus::Ok);
        assert_eq!(info.payment_status, Some(PayoutState::Process));
        assert!(
            !info.is_final(),
            "ok is the query's outcome, the payout is in process"
        );
    }

    /// A signed 340 is not found, like everywhere: one shape.
    #[test]
    fn an_error_coded_340_is_not_found() {
        let answer = reply(
            &query().since_last_attempt(core::time::Duration::from_secs(120)),
            "payout/payment_status_error.xml",
        )
        .expect("reads");
        assert!(answer.not_found().is_some_and(NotFound::is_conclusive));
        let early = reply(&query(), "payout/payment_status_error.xml").expect("reads");
        assert!(early.not_found().is_some_and(|n| !n.is_conclusive()));
    }

    #[test]
    fn another_error_reply_is_a_gateway_error() {
        match reply(&query(), "payout/payment_status2_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::NotFound)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
