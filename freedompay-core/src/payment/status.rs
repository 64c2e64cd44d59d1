//! `POST /get_status3.php`: the state of a payment, with its refunds and revocations.

use core::fmt;
use core::time::Duration;

use freedompay_sign::Fields;

use crate::wire::FromWire;
use crate::{
    Amount, Config, Currency, ErrorCode, InvalidInput, Lookup, NotFound, NotFoundEvidence,
    Operation, OrderId, PaymentId, ReadError, Response, SecretKind, Status,
};

use super::card_pan::MaskedPan;
use super::options::PaymentMethod;

/// Asks for the state of a payment (`get_status3.php`, payment secret; docs/protocol.md §1.2), by
/// the gateway's payment id or by the merchant's order id.
///
/// By order id the gateway answers with the *last* payment made with that order id. The
/// documentation marks `pg_payment_id` required and `pg_order_id` optional (ignored when a
/// payment id is given); a lookup by order id sends the order id alone, as the UZ
/// documentation and integrations do. A query: retried on transport failures.
///
/// # Not found
///
/// The answer is a [`Lookup`]: a payment FreedomPay does not know is
/// [`Lookup::NotFound`], whether the gateway says so with `pg_payment_id` = 0 or with an error
/// coded 340 (signed or not). Such an answer proves the payment request never arrived only when
/// asked a minute or more after its last attempt: give that time with
/// [`PaymentStatus::since_last_attempt`] and read [`NotFound::is_conclusive`]
/// (`freedompay_core::reconcile`). A client's `reconcile_payment` does it all.
///
/// The deprecated `get_status2.php` (status by order id) is not repeated here: it is
/// implemented once, in [`payout`](crate::payout) (`PayoutStatusByOrderLegacy` at the time
/// of writing), and answers for payments too.
///
/// ```
/// use freedompay_core::payment::PaymentStatus;
/// use freedompay_core::{OrderId, PaymentId};
///
/// let by_id = PaymentStatus::by_payment_id(PaymentId::new(123_456_789)?);
/// let by_order = PaymentStatus::by_order_id(OrderId::new("order-42")?);
/// # let _ = (by_id, by_order);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PaymentStatus {
    by: By,
    since_last_attempt: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
enum By {
    PaymentId(PaymentId),
    OrderId(OrderId),
}

impl PaymentStatus {
    /// The state of the payment with this id.
    pub fn by_payment_id(payment_id: PaymentId) -> Self {
        Self {
            by: By::PaymentId(payment_id),
            since_last_attempt: None,
        }
    }

    /// The state of the last payment made with this order id.
    pub fn by_order_id(order_id: OrderId) -> Self {
        Self {
            by: By::OrderId(order_id),
            since_last_attempt: None,
        }
    }

    /// The time since the last attempt of the payment request looked for: a not-found answer
    /// is conclusive only a minute or more after it ([`NotFound::is_conclusive`]). Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

/// `pg_payment_status`: where the payment stands.
///
/// The documentation names `success`; integrations also handle the others listed here
/// (docs/protocol.md §3). Whether the money was cleared or only held is
/// [`PaymentStatusInfo::captured`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PaymentState {
    /// `new`: created, not paid yet.
    New,
    /// `pending`: waiting for the payer.
    Pending,
    /// `process`: being processed.
    Process,
    /// `success`: paid.
    Success,
    /// `ok`: paid (older replies).
    Ok,
    /// `failed`: declined or failed.
    Failed,
    /// `error`: failed.
    Error,
    /// `revoked`: the hold was released.
    Revoked,
    /// `refunded`: refunded.
    Refunded,
    /// `incomplete`: the lifetime ran out before the payer paid.
    Incomplete,
    /// Another value, as received.
    Unknown(String),
}

impl PaymentState {
    /// The state of a wire value.
    pub fn from_wire_str(text: &str) -> Self {
        match text {
            "new" => PaymentState::New,
            "pending" => PaymentState::Pending,
            "process" => PaymentState::Process,
            "success" => PaymentState::Success,
            "ok" => PaymentState::Ok,
            "failed" => PaymentState::Failed,
            "error" => PaymentState::Error,
            "revoked" => PaymentState::Revoked,
            "refunded" => PaymentState::Refunded,
            "incomplete" => PaymentState::Incomplete,
            other => PaymentState::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentState::New => "new",
            PaymentState::Pending => "pending",
            PaymentState::Process => "process",
            PaymentState::Success => "success",
            PaymentState::Ok => "ok",
            PaymentState::Failed => "failed",
            PaymentState::Error => "error",
            PaymentState::Revoked => "revoked",
            PaymentState::Refunded => "refunded",
            PaymentState::Incomplete => "incomplete",
            PaymentState::Unknown(value) => value,
        }
    }

    /// Whether the payer paid (`success` or `ok`).
    pub fn is_paid(&self) -> bool {
        matches!(self, PaymentState::Success | PaymentState::Ok)
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromWire for PaymentState {
    fn from_wire(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| PaymentState::from_wire_str(text))
    }
}

/// A refund or revocation of a payment: a payment of its own at FreedomPay, listed in the
/// status (`pg_refund_payments/pg_refund_payment`, `pg_revoked_payments/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RelatedPayment {
    /// `pg_payment_id`: its own id.
    pub payment_id: Option<PaymentId>,
    /// `pg_payment_status`.
    pub payment_status: Option<PaymentState>,
    /// `pg_amount`, negative for refunds (`-10`).
    pub amount: Option<Amount>,
    /// `pg_payment_date`, as received.
    pub payment_date: Option<String>,
    /// `pg_reference`: the bank's reference (RRN).
    pub reference: Option<String>,
}

/// The state of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PaymentStatusInfo {
    /// `pg_status` of the request (`ok`).
    pub status: Status,
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_payment_status`: where the payment stands; optional in the documentation
    /// (docs.freedompay.kz api-11620963), so `None` when the reply has none.
    pub payment_status: Option<PaymentState>,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_amount`.
    pub amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_can_reject`: whether the merchant may still reject the payment.
    pub can_reject: Option<bool>,
    /// `pg_captured`: whether the money was cleared (`false`: held, two-step payment).
    pub captured: Option<bool>,
    /// `pg_payment_method`.
    pub payment_method: Option<PaymentMethod>,
    /// `pg_clearing_amount`: the amount cleared.
    pub clearing_amount: Option<Amount>,
    /// `pg_revoked_amount`, or `pg_revoke_amount` (the documentation and the official
    /// Android SDK disagree on the name, docs/protocol.md §1.2; both are read, `pg_revoked_amount`
    /// first).
    pub revoked_amount: Option<Amount>,
    /// `pg_refund_amount`: the amount refunded, negative (`-10`).
    pub refund_amount: Option<Amount>,
    /// `pg_user_email`.
    pub user_email: Option<String>,
    /// `pg_user_phone`.
    pub user_phone: Option<String>,
    /// `pg_card_name`: the card holder's name.
    pub card_name: Option<String>,
    /// `pg_card_pan`: the masked card number.
    pub card_pan: Option<MaskedPan>,
    /// `pg_card_token`: the saved card's token.
    pub card_token: Option<String>,
    /// `pg_payment_date`, as received.
    pub payment_date: Option<String>,
    /// `pg_create_date`, as received.
    pub create_date: Option<String>,
    /// `pg_reference`: the bank's reference (RRN).
    pub reference: Option<String>,
    /// `pg_auth_code`: the bank's authorization code.
    pub auth_code: Option<String>,
    /// `pg_failure_code`: why the payment failed (`5`: declined).
    pub failure_code: Option<ErrorCode>,
    /// `pg_failure_description`.
    pub failure_description: Option<String>,
    /// `pg_refund_payments`: the refunds, in order.
    pub refunds: Vec<RelatedPayment>,
    /// `pg_revoked_payments`: the revocations, in order.
    pub revocations: Vec<RelatedPayment>,
}

pub(crate) fn related(
    reply: &Response<'_>,
    list: &'static str,
) -> Result<Vec<RelatedPayment>, ReadError> {
    reply
        .items(list)
        .map(|item| {
            Ok(RelatedPayment {
                payment_id: item
                    .get("pg_payment_id")
                    .map_err(|_| ReadError::invalid(list))?,
                payment_status: item.get("pg_payment_status")?,
                amount: item
                    .get("pg_amount")
                    .map_err(|_| ReadError::invalid(list))?,
                payment_date: item.get("pg_payment_date")?,
                reference: item.get("pg_reference")?,
            })
        })
        .collect()
}

pub(crate) fn failure_code(reply: &Response<'_>) -> Option<ErrorCode> {
    reply
        .lenient::<u32>("pg_failure_code")
        .map(ErrorCode::from_code)
}

impl Operation for PaymentStatus {
    /// [`Lookup::NotFound`] when FreedomPay knows no such payment (`pg_payment_id` 0, or an
    /// error coded 340).
    type Output = Lookup<PaymentStatusInfo>;
    const NAME: &'static str = "payment_status";
    const PATH: &'static str = "/get_status3.php";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        match &self.by {
            By::OrderId(order) => Some(order.as_str()),
            By::PaymentId(_) => None,
        }
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        match &self.by {
            By::PaymentId(id) => fields.push("pg_payment_id", id.to_string()),
            By::OrderId(order) => fields.push("pg_order_id", order.as_str()),
        };
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<PaymentStatusInfo>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<PaymentStatusInfo>, ReadError> {
        // `pg_payment_id` 0 is the gateway's "not found" (docs.freedompay.kz api-11620963);
        // missing or unreadable, the reply is malformed.
        if reply.text("pg_payment_id").map(str::trim) == Some("0") {
            return Ok(Lookup::NotFound(NotFound::new(
                NotFoundEvidence::PaymentIdZero,
                self.since_last_attempt,
            )));
        }
        let payment_id = reply.require("pg_payment_id")?;
        let revoked = match reply.get("pg_revoked_amount")? {
            Some(amount) => Some(amount),
            None => reply.get("pg_revoke_amount")?,
        };
        Ok(Lookup::Found(PaymentStatusInfo {
            status: reply.require("pg_status")?,
            payment_id,
            payment_status: reply.get("pg_payment_status")?,
            order_id: reply.get("pg_order_id")?,
            amount: reply.get("pg_amount")?,
            currency: reply.get("pg_currency")?,
            can_reject: reply.lenient("pg_can_reject"),
            captured: reply.lenient("pg_captured"),
            payment_method: reply.get("pg_payment_method")?,
            clearing_amount: reply.get("pg_clearing_amount")?,
            revoked_amount: revoked,
            refund_amount: reply.get("pg_refund_amount")?,
            user_email: reply.get("pg_user_email")?,
            user_phone: reply.get("pg_user_phone")?,
            card_name: reply.get("pg_card_name")?,
            card_pan: reply.get("pg_card_pan")?,
            card_token: reply.get("pg_card_token")?,
            payment_date: reply.get("pg_payment_date")?,
            create_date: reply.get("pg_create_date")?,
            reference: reply.get("pg_reference")?,
            auth_code: reply.get("pg_auth_code")?,
            failure_code: failure_code(reply),
            failure_description: reply.get("pg_failure_description")?,
            refunds: related(reply, "pg_refund_payments")?,
            revocations: related(reply, "pg_revoked_payments")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use freedompay_transport::HttpResponse;

    use super::*;
    use crate::testing::{assert_signed_with, fixture, reply, wire};
    use crate::{ErrorKind, read_reply};

    fn by_id() -> PaymentStatus {
        PaymentStatus::by_payment_id(PaymentId::new(123_456_789).unwrap())
    }

    #[test]
    fn wire_request_by_payment_id() {
        insta::assert_snapshot!(wire(&by_id()));
    }

    #[test]
    fn wire_request_by_order_id() {
        insta::assert_snapshot!(wire(&PaymentStatus::by_order_id(
            OrderId::new("order-42").unwrap()
        )));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&by_id(), SecretKind::Payment);
    }

    /// docs/protocol.md §2.7: the reply verifies as written, with `get_status3.php` and
    /// TESTSECRET, and reads with its negative refund amounts.
    #[test]
    fn reads_the_reference_vector_as_signed() {
        let config = Config::builder()
            .merchant_id("123456")
            .secret_key("TESTSECRET")
            .build()
            .unwrap();
        let body = fixture("payment/get_status3_vector.xml");
        let info = read_reply(
            &config,
            &by_id(),
            &HttpResponse::new(200, body.into_bytes()),
        )
        .expect("verifies and reads")
        .found()
        .expect("found");
        assert_eq!(info.status, Status::Ok);
        assert_eq!(info.payment_id.get(), 123_456_789);
        assert_eq!(info.amount, Amount::from_gateway("10"));
        assert_eq!(info.currency, Some(Currency::Kzt));
        assert_eq!(info.payment_status, Some(PaymentState::Success));
        assert!(
            info.payment_status
                .as_ref()
                .is_some_and(PaymentState::is_paid)
        );
        assert_eq!(info.refund_amount, Amount::from_gateway("-10"));
        assert!(info.refund_amount.unwrap().is_negative());
        assert_eq!(info.captured, Some(true));
        assert_eq!(info.refunds.len(), 1);
        let refund = &info.refunds[0];
        assert_eq!(refund.payment_id.map(PaymentId::get), Some(123_456_790));
        assert_eq!(refund.payment_status, Some(PaymentState::Success));
        assert_eq!(refund.amount, Amount::from_gateway("-10"));
        assert!(info.revocations.is_empty());

        // The same bytes with one digit changed no longer verify.
        let tampered =
            fixture("payment/get_status3_vector.xml").replace("<pg_amount>10<", "<pg_amount>11<");
        assert!(matches!(
            read_reply(
                &config,
                &by_id(),
                &HttpResponse::new(200, tampered.into_bytes())
            ),
            Err(ErrorKind::SignatureInvalid { .. })
        ));
    }

    #[test]
    fn reads_a_full_reply() {
        let info = found(reply(&by_id(), "payment/get_status3_full.xml"));
        assert_eq!(info.order_id.as_deref(), Some("order-42"));
        assert_eq!(info.payment_method, Some(PaymentMethod::BankCard));
        assert_eq!(info.can_reject, Some(false));
        assert_eq!(info.clearing_amount, Amount::from_gateway("1500"));
        assert_eq!(info.revoked_amount, Amount::from_gateway("200"));
        assert_eq!(info.refund_amount, Amount::from_gateway("-300.50"));
        assert_eq!(info.user_email.as_deref(), Some("payer@example.kz"));
        assert_eq!(info.user_phone.as_deref(), Some("77017777777"));
        assert_eq!(info.card_name.as_deref(), Some("IVAN IVANOV"));
        let pan = info.card_pan.as_ref().unwrap();
        assert_eq!(pan.as_received(), "5483-18XX-XXXX-0293");
        assert_eq!(pan.last4(), Some("0293"));
        assert_eq!(info.card_token.as_deref(), Some("tok_9f8e7d"));
        assert_eq!(info.payment_date.as_deref(), Some("2026-03-01 10:15:00"));
        assert_eq!(info.create_date.as_deref(), Some("2026-03-01 10:14:02"));
        assert_eq!(info.reference.as_deref(), Some("606010123456"));
        assert_eq!(info.auth_code.as_deref(), Some("A1B2C3"));
        assert_eq!(info.refunds.len(), 2);
        assert_eq!(info.refunds[1].amount, Amount::from_gateway("-100.50"));
        assert_eq!(info.refunds[1].reference.as_deref(), Some("606010123458"));
        assert_eq!(
            info.refunds[0].payment_date.as_deref(),
            Some("2026-03-02 09:00:00")
        );
        assert_eq!(info.revocations.len(), 1);
        assert_eq!(info.revocations[0].amount, Amount::from_gateway("200"));
        assert_eq!(
            info.revocations[0].payment_status,
            Some(PaymentState::Success)
        );
    }

    #[test]
    fn reads_the_other_name_of_the_revoked_amount() {
        let info = found(reply(&by_id(), "payment/get_status3_failed.xml"));
        assert_eq!(info.revoked_amount, Amount::from_gateway("0"));
        assert_eq!(info.payment_status, Some(PaymentState::Failed));
        assert_eq!(info.failure_code, Some(ErrorCode::Declined));
        assert_eq!(
            info.failure_description.as_deref(),
            Some("Transaction declined")
        );
        assert_eq!(info.captured, Some(false));
    }

    fn found(result: Result<Lookup<PaymentStatusInfo>, ErrorKind>) -> PaymentStatusInfo {
        result.expect("reads").found().expect("found")
    }

    fn not_found(query: PaymentStatus, fixture_name: &str) -> NotFound {
        match reply(&query, fixture_name).expect("reads") {
            Lookup::NotFound(not_found) => not_found,
            Lookup::Found(info) => panic!("expected not found, got {info:?}"),
        }
    }

    /// docs.freedompay.kz api-11620963 marks `pg_payment_status` optional: a reply without it
    /// reads, it is not malformed.
    #[test]
    fn the_payment_status_is_optional() {
        let info = found(reply(&by_id(), "payment/get_status3_no_payment_status.xml"));
        assert_eq!(info.payment_status, None);
        assert_eq!(info.payment_id.get(), 123_456_789);
    }

    /// `pg_payment_id` 0 and an error coded 340 (signed or not) are one shape: not found,
    /// conclusive only a minute after the last attempt.
    #[test]
    fn not_found_has_one_shape() {
        let late = PaymentStatus::by_order_id(OrderId::new("order-42").unwrap())
            .since_last_attempt(Duration::from_secs(61));
        let zero = not_found(late.clone(), "payment/get_status3_zero.xml");
        assert_eq!(zero.evidence(), NotFoundEvidence::PaymentIdZero);
        assert!(zero.is_conclusive());
        let signed = not_found(late.clone(), "payment/status_not_found.xml");
        assert_eq!(
            signed.evidence(),
            NotFoundEvidence::ErrorReply {
                code: ErrorCode::TransactionNotFound,
                signed: true
            }
        );
        assert!(signed.is_conclusive());
        let body = fixture("payment/status_not_found_unsigned.xml");
        let unsigned = read_reply(
            &crate::testing::config(),
            &late,
            &HttpResponse::new(200, body.into_bytes()),
        )
        .expect("reads");
        assert!(unsigned.not_found().is_some_and(NotFound::is_conclusive));

        let early = by_id().since_last_attempt(Duration::from_secs(10));
        assert!(!not_found(early, "payment/get_status3_zero.xml").is_conclusive());
        assert!(!not_found(by_id(), "payment/status_not_found.xml").is_conclusive());
    }

    #[test]
    fn an_error_reply_other_than_not_found_is_a_gateway_error() {
        match reply(&by_id(), "payment/error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_ne!(e.code(), Some(ErrorCode::TransactionNotFound)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
