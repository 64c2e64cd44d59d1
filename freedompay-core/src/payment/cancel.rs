//! `POST /cancel.php`: release the hold of a two-step payment.

use freedompay_sign::Fields;

use crate::{
    Config, IdempotencyKey, InvalidInput, Operation, PaymentId, ReadError, Response, SecretKind,
    Status,
};

/// Cancels a payment whose money is held and not yet cleared (`cancel.php`, payment secret;
/// PROTOCOL.md §1.3). A hold that is neither cleared nor cancelled within 5 days is cleared
/// by the gateway. A cleared payment is refunded instead, with
/// [`RefundPayment`](super::RefundPayment).
///
/// Counted as moving money: never resent after a failure that may have reached the gateway;
/// check the outcome with [`PaymentStatus`](super::PaymentStatus). The idempotency key is
/// accepted here according to an integration, not the documentation (PROTOCOL.md §1.3).
///
/// ```
/// use freedompay_core::payment::CancelPayment;
/// use freedompay_core::{IdempotencyKey, PaymentId};
///
/// let cancel = CancelPayment::new(PaymentId::new(123_456_789)?)
///     .idempotency_key(IdempotencyKey::new("cancel-123456789")?);
/// # let _ = cancel;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelPayment {
    payment_id: PaymentId,
    idempotency_key: Option<IdempotencyKey>,
}

impl CancelPayment {
    /// Cancels this payment.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            idempotency_key: None,
        }
    }

    /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// The gateway's answer to a cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelPaymentResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_cancel_payment_id`: the id of the cancellation.
    pub cancel_payment_id: Option<PaymentId>,
}

impl Operation for CancelPayment {
    type Output = CancelPaymentResult;
    const NAME: &'static str = "cancel_payment";
    const PATH: &'static str = "/cancel.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        if let Some(key) = &self.idempotency_key {
            fields.push("pg_idempotency_key", key.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<CancelPaymentResult, ReadError> {
        Ok(CancelPaymentResult {
            status: reply.require("pg_status")?,
            cancel_payment_id: reply.get("pg_cancel_payment_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn cancel() -> CancelPayment {
        CancelPayment::new(PaymentId::new(123_456_789).unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&cancel()));
    }

    #[test]
    fn wire_request_with_idempotency_key() {
        insta::assert_snapshot!(wire(
            &cancel().idempotency_key(IdempotencyKey::new("cancel-123456789").unwrap())
        ));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&cancel(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&cancel(), "payment/cancel.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(
            result.cancel_payment_id.map(PaymentId::get),
            Some(123_456_800)
        );
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&cancel(), "payment/status_not_found.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::TransactionNotFound)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
