//! `POST /revoke.php`: refund a cleared payment, fully or partly.

use freedompay_sign::Fields;

use crate::{
    Amount, Config, IdempotencyKey, InvalidInput, Operation, PaymentId, ReadError, Response,
    SecretKind, Status,
};

/// Refunds a payment whose money was debited (`revoke.php`, payment secret; PROTOCOL.md
/// §1.3): the whole amount by default, or `pg_refund_amount` of it. A held, uncleared
/// payment is cancelled instead, with [`CancelPayment`](super::CancelPayment).
///
/// Moves money: never resent after a failure that may have reached the gateway; check the
/// outcome with [`PaymentStatus`](super::PaymentStatus) (its `refunds`). The idempotency key
/// is accepted here according to an integration, not the documentation (PROTOCOL.md §1.3).
///
/// ```
/// use freedompay_core::payment::RefundPayment;
/// use freedompay_core::{Amount, IdempotencyKey, PaymentId};
///
/// let refund = RefundPayment::new(PaymentId::new(123_456_789)?)
///     .amount(Amount::parse("300.50")?)
///     .idempotency_key(IdempotencyKey::new("refund-1")?);
/// # let _ = refund;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPayment {
    payment_id: PaymentId,
    amount: Option<Amount>,
    idempotency_key: Option<IdempotencyKey>,
}

impl RefundPayment {
    /// Refunds the whole payment.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            amount: None,
            idempotency_key: None,
        }
    }

    /// `pg_refund_amount`: refund only this much.
    pub fn amount(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }

    /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result
    /// instead of a second refund.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// The gateway's answer to a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundPaymentResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_revoke_payment_id`: the refund's own id.
    pub revoke_payment_id: Option<PaymentId>,
}

impl Operation for RefundPayment {
    type Output = RefundPaymentResult;
    const NAME: &'static str = "refund_payment";
    const PATH: &'static str = "/revoke.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        if let Some(amount) = &self.amount {
            fields.push("pg_refund_amount", amount.to_string());
        }
        if let Some(key) = &self.idempotency_key {
            fields.push("pg_idempotency_key", key.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<RefundPaymentResult, ReadError> {
        Ok(RefundPaymentResult {
            status: reply.require("pg_status")?,
            revoke_payment_id: reply.get("pg_revoke_payment_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn refund() -> RefundPayment {
        RefundPayment::new(PaymentId::new(123_456_789).unwrap())
    }

    #[test]
    fn wire_request_full() {
        insta::assert_snapshot!(wire(&refund()));
    }

    #[test]
    fn wire_request_partial() {
        insta::assert_snapshot!(wire(
            &refund()
                .amount(Amount::parse("300.50").unwrap())
                .idempotency_key(IdempotencyKey::new("refund-1").unwrap())
        ));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&refund(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&refund(), "payment/revoke.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(
            result.revoke_payment_id.map(PaymentId::get),
            Some(123_456_790)
        );
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&refund(), "payment/error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::Validation)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
