//! `POST /api/payment_status2`: a payout's state by its order id.

use core::time::Duration;

use freedompay_sign::Fields;

use crate::{
    Config, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation, OrderId, PaymentId,
    ReadError, Response, SecretKind, Status,
};

wire_enum! {
    /// `pg_payment_status` of a payout (`/api/payment_status2`, docs/protocol.md §1.6).
    PayoutState {
        /// `success`: paid out.
        Success = "success",
        /// `error`: failed; the money stays on the merchant's balance.
        Error = "error",
        /// `process`: not settled. FreedomPay describes it as the state of a transfer whose
        /// bank answered incorrectly and whose status it settles on its own side
        /// (docs.freedompay.kg api-13677854): ask again later, never resend; a poller stops at
        /// its deadline (see `freedompay_core::reconcile`).
        Process = "process",
    }
}

impl PayoutState {
    /// Whether the state will not change any more (`success` or `error`). Unknown states
    /// count as not final, so that a poller keeps asking.
    pub fn is_final(&self) -> bool {
        matches!(self, PayoutState::Success | PayoutState::Error)
    }
}

/// Asks for the state of a payout by its order id (`/api/payment_status2`, payout secret;
/// docs/protocol.md §1.6, D-ps2): the query to reconcile a payout whose outcome is unknown
/// ([`Error::outcome_unknown`](crate::Error::outcome_unknown)).
///
/// The answer is a [`Lookup`]. FreedomPay answers an order it does not know with
/// `pg_payment_id` 0 or with an error coded 340 (signed or not): both are
/// [`Lookup::NotFound`]. That proves the payout never arrived only when asked **a minute or
/// more after its last attempt** (docs.freedompay.kg api-13677854, docs.freedompay.kz
/// api-12090694): give that time with [`PayoutStatusByOrder::since_last_attempt`] and send the
/// payout again only when [`NotFound::is_conclusive`]. Right after a timeout, "not found"
/// proves nothing and resending may pay twice. A client's `reconcile_payout` polls by these
/// rules.
///
/// ```
/// use freedompay_core::{OrderId, PaymentId, payout::PayoutStatusByOrder};
///
/// let query = PayoutStatusByOrder::new(OrderId::new("payout-42")?).payment_id(PaymentId::new(987654321)?);
/// # let _ = query;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayoutStatusByOrder {
    order_id: OrderId,
    payment_id: Option<PaymentId>,
    since_last_attempt: Option<Duration>,
}

impl PayoutStatusByOrder {
    /// The query for `order_id`.
    pub fn new(order_id: OrderId) -> Self {
        Self {
            order_id,
            payment_id: None,
            since_last_attempt: None,
        }
    }

    /// The time since the payout's last attempt: a not-found answer is conclusive only a
    /// minute or more after it ([`NotFound::is_conclusive`]). Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }

    /// `pg_payment_id`: narrows the query to this payout of the order.
    pub fn payment_id(mut self, payment_id: PaymentId) -> Self {
        self.payment_id = Some(payment_id);
        self
    }
}

/// A payout's state, found by its order id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PayoutStatusByOrderInfo {
    /// `pg_payment_id`: the payout's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_payment_status`: the payout's state.
    pub payment_status: PayoutState,
    /// `pg_status`: the outcome of the query (`ok`).
    pub status: Status,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for PayoutStatusByOrder {
    /// [`Lookup::NotFound`] when FreedomPay knows no payout with this order id.
    type Output = Lookup<PayoutStatusByOrderInfo>;
    const NAME: &'static str = "payout_status_by_order";
    const PATH: &'static str = "/api/payment_status2";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        if let Some(payment_id) = self.payment_id {
            fields.push("pg_payment_id", payment_id.to_string());
        }
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<PayoutStatusByOrderInfo>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<PayoutStatusByOrderInfo>, ReadError> {
        let payment_id = match super::found_payment_id(reply, self.since_last_attempt)? {
            Ok(payment_id) => payment_id,
            Err(not_found) => return Ok(Lookup::NotFound(not_found)),
        };
        Ok(Lookup::Found(PayoutStatusByOrderInfo {
            payment_id,
            payment_status: reply.require("pg_payment_status")?,
            status: reply.require("pg_status")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn query() -> PayoutStatusByOrder {
        PayoutStatusByOrder::new(OrderId::new("payout-42").unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&query()));
    }

    #[test]
    fn wire_request_with_payment_id() {
        insta::assert_snapshot!(wire(
            &query().payment_id(PaymentId::new(987_654_321).unwrap())
        ));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&query(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_reply() {
        let info = reply(&query(), "payout/payment_status2.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(info.payment_id.get(), 987_654_321);
        assert_eq!(info.payment_status, PayoutState::Success);
        assert!(info.payment_status.is_final());
        assert_eq!(info.status, Status::Ok);
        assert_eq!(info.order_id.as_deref(), Some("payout-42"));
        assert_eq!(info.merchant_id.as_deref(), Some("123456"));
    }

    /// docs.freedompay.kg api-13677854: `pg_payment_id` 0 proves absence only a minute or
    /// more after the last attempt.
    #[test]
    fn payment_id_zero_is_not_found_conclusive_only_after_a_minute() {
        let read = |query: PayoutStatusByOrder| match reply(
            &query,
            "payout/payment_status2_not_found.xml",
        )
        .expect("reads")
        {
            Lookup::NotFound(not_found) => not_found,
            Lookup::Found(info) => panic!("expected not found, got {info:?}"),
        };
        let unknown_time = read(query());
        assert!(!unknown_time.is_conclusive());
        let right_after = read(query().since_last_attempt(Duration::from_secs(3)));
        assert!(!right_after.is_conclusive());
        assert_eq!(right_after.conclusive_in(), Some(Duration::from_secs(57)));
        let a_minute_later = read(query().since_last_attempt(Duration::from_secs(60)));
        assert!(a_minute_later.is_conclusive());
        assert_eq!(a_minute_later.evidence(), NotFoundEvidence::PaymentIdZero);
    }

    /// The sandbox's (and some gateways') "not found": an error coded 340 with
    /// `pg_payment_id` 0, signed or unsigned, is the same not-found answer.
    #[test]
    fn an_error_coded_340_is_the_same_not_found() {
        let late = query().since_last_attempt(Duration::from_secs(61));
        let signed = reply(&late, "payout/payment_status2_340.xml").expect("reads");
        assert_eq!(
            signed.not_found().map(NotFound::evidence),
            Some(NotFoundEvidence::ErrorReply {
                code: ErrorCode::TransactionNotFound,
                signed: true
            })
        );
        assert!(signed.not_found().is_some_and(NotFound::is_conclusive));
        let body = crate::testing::fixture("payout/get_status2_not_found.xml");
        let unsigned = crate::read_reply(
            &crate::testing::config(),
            &late,
            &freedompay_transport::HttpResponse::new(200, body.into_bytes()),
        )
        .expect("reads");
        assert_eq!(
            unsigned.not_found().map(NotFound::evidence),
            Some(NotFoundEvidence::ErrorReply {
                code: ErrorCode::TransactionNotFound,
                signed: false
            })
        );
    }

    #[test]
    fn states() {
        assert_eq!(PayoutState::from_wire_str("process"), PayoutState::Process);
        assert!(!PayoutState::Process.is_final());
        assert_eq!(PayoutState::from_wire_str("error"), PayoutState::Error);
        let unknown = PayoutState::from_wire_str("frozen");
        assert_eq!(unknown, PayoutState::Unknown("frozen".into()));
        assert_eq!(unknown.as_str(), "frozen");
        assert!(!unknown.is_final());
    }

    #[test]
    fn a_missing_payment_id_is_malformed_not_not_found() {
        let error = reply(&query(), "payout/payment_status2_no_id.xml").unwrap_err();
        assert!(
            matches!(&error, ErrorKind::Malformed(m) if m.reason().contains("pg_payment_id")),
            "{error:?}"
        );
    }

    /// 11068 is "not found" for one integration only: it stays an error, never a reason to
    /// resend.
    #[test]
    fn an_error_coded_11068_stays_a_gateway_error() {
        match reply(&query(), "payout/payment_status2_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::NotFound)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
