//! `POST /get_status2.php`: the deprecated status query by order id.

use core::time::Duration;

use freedompay_sign::Fields;

use crate::{
    Config, ErrorCode, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation, OrderId,
    PaymentId, ReadError, Response, SecretKind,
};

wire_enum! {
    /// `pg_transaction_status` of `get_status2.php` (docs/protocol.md §3), and the state the old
    /// PayBox SDK reads from `/api/payment_status` ([`PayoutStatus`](super::PayoutStatus)).
    TransactionStatus {
        /// `partial`: created, not yet processed.
        Partial = "partial",
        /// `pending`: being processed.
        Pending = "pending",
        /// `ok`: done.
        Ok = "ok",
        /// `failed`: refused; see the failure code.
        Failed = "failed",
        /// `incomplete`: its lifetime expired before it was completed.
        Incomplete = "incomplete",
        /// `revoked`: reversed (the PayBox SDK lists it).
        Revoked = "revoked",
        /// `new`: created (listed by the PayBox SDK for `/api/payment_status` only).
        New = "new",
    }
}

impl TransactionStatus {
    /// Whether the state will not change any more: `ok`, `failed`, `incomplete`, `revoked`.
    /// Unknown states count as not final, so that a poller keeps asking.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TransactionStatus::Ok
                | TransactionStatus::Failed
                | TransactionStatus::Incomplete
                | TransactionStatus::Revoked
        )
    }
}

/// Asks for the state of a payout by its order id through the deprecated
/// `POST /get_status2.php` (seed 002; docs/protocol.md §1.2 marks it **deprecated**). Prefer
/// [`PayoutStatusByOrder`](super::PayoutStatusByOrder).
///
/// **Secret.** `get_status2.php` belongs to the payment API's family of `*.php` status
/// scripts (`get_status.php`, `get_status3.php`), which every official SDK signs with the
/// payment secret (docs/protocol.md §2.6, confirmed); §2.6's list of payout-secret endpoints, an
/// inference itself, does not name it, and seed 002 shows it under payouts with a generic
/// `{{secret_key}}` placeholder that settles nothing. So it is signed with the **payment**
/// secret by default; if your shop's gateway answers with an unsigned 101/9998 error, switch
/// with [`PayoutStatusByOrderLegacy::signed_with`]`(SecretKind::Payout)`. The query moves no
/// money, so trying the other secret is harmless.
///
/// An order FreedomPay does not know is [`Lookup::NotFound`], whether the gateway answers
/// `pg_payment_id` 0 or an error coded 340, often unsigned (seed 002). It proves absence only
/// a minute or more after the last attempt (docs.freedompay.kz api-12090694): give that time
/// with [`PayoutStatusByOrderLegacy::since_last_attempt`] and read
/// [`NotFound::is_conclusive`].
///
/// ```
/// use freedompay_core::{OrderId, SecretKind, payout::PayoutStatusByOrderLegacy};
///
/// let query = PayoutStatusByOrderLegacy::new(OrderId::new("00102")?).signed_with(SecretKind::Payout);
/// # let _ = query;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayoutStatusByOrderLegacy {
    order_id: OrderId,
    secret: SecretKind,
    since_last_attempt: Option<Duration>,
}

impl PayoutStatusByOrderLegacy {
    /// The query for `order_id`, signed with the payment secret.
    pub fn new(order_id: OrderId) -> Self {
        Self {
            order_id,
            secret: SecretKind::Payment,
            since_last_attempt: None,
        }
    }

    /// The time since the last attempt of the request looked for: a not-found answer is
    /// conclusive only a minute or more after it ([`NotFound::is_conclusive`]). Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }

    /// Signs the query (and verifies its reply) with this secret instead.
    pub fn signed_with(mut self, secret: SecretKind) -> Self {
        self.secret = secret;
        self
    }
}

/// A payment or payout as `get_status2.php` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PayoutTransaction {
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_transaction_status`.
    pub transaction_status: TransactionStatus,
    /// `pg_can_reject`: whether the merchant may still reject it.
    pub can_reject: Option<bool>,
    /// `pg_testing_mode`: whether it is a test transaction.
    pub testing_mode: Option<bool>,
    /// `pg_captured`: whether the funds were captured.
    pub captured: Option<bool>,
    /// `pg_create_date`, as written by the gateway (`2020-05-21 18:44:21`).
    pub create_date: Option<String>,
    /// `pg_failure_code`, when it failed (5: declined).
    pub failure_code: Option<ErrorCode>,
    /// `pg_failure_description`, when it failed.
    pub failure_description: Option<String>,
}

impl Operation for PayoutStatusByOrderLegacy {
    /// [`Lookup::NotFound`] when FreedomPay knows no transaction with this order id.
    type Output = Lookup<PayoutTransaction>;
    const NAME: &'static str = "payout_status_by_order_legacy";
    const PATH: &'static str = "/get_status2.php";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        self.secret
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<PayoutTransaction>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<PayoutTransaction>, ReadError> {
        let payment_id = match super::found_payment_id(reply, self.since_last_attempt)? {
            Ok(payment_id) => payment_id,
            Err(not_found) => return Ok(Lookup::NotFound(not_found)),
        };
        Ok(Lookup::Found(PayoutTransaction {
            payment_id,
            transaction_status: reply.require("pg_transaction_status")?,
            can_reject: reply.lenient("pg_can_reject"),
            testing_mode: reply.lenient("pg_testing_mode"),
            captured: reply.lenient("pg_captured"),
            create_date: reply.get("pg_create_date")?,
            failure_code: reply
                .lenient::<u32>("pg_failure_code")
                .map(ErrorCode::from_code),
            failure_description: reply.get("pg_failure_description")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, config, fixture, reply, wire};
    use crate::{ErrorKind, read_reply};
    use freedompay_transport::HttpResponse;

    fn query() -> PayoutStatusByOrderLegacy {
        PayoutStatusByOrderLegacy::new(OrderId::new("00102").unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&query()));
    }

    #[test]
    fn signed_with_the_payment_secret_by_default() {
        assert_signed_with(&query(), SecretKind::Payment);
    }

    #[test]
    fn signed_with_the_payout_secret_when_asked() {
        assert_signed_with(&query().signed_with(SecretKind::Payout), SecretKind::Payout);
        // The reply is verified with the same secret.
        let tx = reply(
            &query().signed_with(SecretKind::Payout),
            "payout/get_status2_ok.xml",
        )
        .expect("reads");
        assert!(tx.is_found());
    }

    #[test]
    fn reads_the_seed_replies() {
        let partial = reply(&query(), "payout/get_status2_partial.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(partial.payment_id.get(), 4_567_617);
        assert_eq!(partial.transaction_status, TransactionStatus::Partial);
        assert!(!partial.transaction_status.is_final());
        assert_eq!(partial.can_reject, Some(false));
        assert_eq!(partial.testing_mode, Some(true));
        assert_eq!(partial.captured, Some(false));
        assert_eq!(partial.create_date.as_deref(), Some("2020-05-21 18:44:21"));
        assert_eq!(partial.failure_code, None);

        let ok = reply(&query(), "payout/get_status2_ok.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(ok.transaction_status, TransactionStatus::Ok);
        assert!(ok.transaction_status.is_final());
        assert_eq!(ok.testing_mode, None);
        assert_eq!(ok.captured, Some(true));

        let failed = reply(&query(), "payout/get_status2_failed.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(failed.transaction_status, TransactionStatus::Failed);
        assert_eq!(failed.failure_code, Some(ErrorCode::Declined));
        assert_eq!(
            failed.failure_description.as_deref(),
            Some("Transaction declined")
        );
    }

    #[test]
    fn payment_id_zero_is_not_found() {
        let answer = reply(
            &query().since_last_attempt(Duration::from_secs(60)),
            "payout/get_status2_zero.xml",
        )
        .expect("reads");
        assert!(answer.not_found().is_some_and(NotFound::is_conclusive));
    }

    #[test]
    fn an_unknown_transaction_status_is_kept() {
        let tx = reply(&query(), "payout/get_status2_unknown_status.xml")
            .expect("reads")
            .found()
            .expect("found");
        assert_eq!(
            tx.transaction_status,
            TransactionStatus::Unknown("on_hold".into())
        );
        assert!(!tx.transaction_status.is_final());
    }

    /// Seed 002's "payment not found" reply carries no signature: it is the same not-found
    /// answer as `pg_payment_id` 0, marked unsigned, and proves nothing before a minute.
    #[test]
    fn the_seed_not_found_reply_is_not_found() {
        let body = fixture("payout/get_status2_not_found.xml");
        let answer = read_reply(
            &config(),
            &query().since_last_attempt(Duration::from_secs(30)),
            &HttpResponse::new(200, body.into_bytes()),
        )
        .expect("reads");
        let not_found = answer.not_found().copied().expect("not found");
        assert_eq!(
            not_found.evidence(),
            NotFoundEvidence::ErrorReply {
                code: ErrorCode::TransactionNotFound,
                signed: false
            }
        );
        assert!(!not_found.is_conclusive());
    }

    #[test]
    fn a_signed_340_is_not_found_too() {
        let answer = reply(&query(), "payout/get_status2_error.xml").expect("reads");
        assert!(answer.not_found().is_some());
    }

    /// An error other than 340 stays an error.
    #[test]
    fn another_unsigned_error_stays_an_error() {
        let body = fixture("payout/cbc_status_unsigned.xml");
        let error = read_reply(
            &config(),
            &query(),
            &HttpResponse::new(200, body.into_bytes()),
        )
        .unwrap_err();
        assert!(matches!(error, ErrorKind::Unsigned(_)), "{error:?}");
    }
}
