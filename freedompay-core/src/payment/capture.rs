//! `POST /do_capture.php`: clear (capture) a held payment, fully or partly.

use freedompay_sign::Fields;

use crate::{
    Amount, Config, IdempotencyKey, InvalidInput, Operation, PaymentId, ReadError, Response,
    SecretKind, Status,
};

/// Clears a two-step payment (`do_capture.php`, payment secret; PROTOCOL.md §1.3): the held
/// money is debited, the whole amount by default or `pg_clearing_amount` of it.
///
/// Moves money: never resent after a failure that may have reached the gateway; check the
/// outcome with [`PaymentStatus`](super::PaymentStatus). The idempotency key is accepted
/// here according to an integration, not the documentation (PROTOCOL.md §1.3).
///
/// ```
/// use freedompay_core::payment::CapturePayment;
/// use freedompay_core::{Amount, PaymentId};
///
/// let partial = CapturePayment::new(PaymentId::new(123_456_789)?).amount(Amount::parse("1200")?);
/// # let _ = partial;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturePayment {
    payment_id: PaymentId,
    amount: Option<Amount>,
    idempotency_key: Option<IdempotencyKey>,
}

impl CapturePayment {
    /// Clears the whole held amount of this payment.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            amount: None,
            idempotency_key: None,
        }
    }

    /// `pg_clearing_amount`: clear only this much (the rest of the hold is released).
    pub fn amount(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }

    /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// The gateway's answer to a clearing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CapturePaymentResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_amount`: the payment's amount.
    pub amount: Option<Amount>,
    /// `pg_clearing_amount`: the amount cleared.
    pub clearing_amount: Option<Amount>,
}

impl Operation for CapturePayment {
    type Output = CapturePaymentResult;
    const NAME: &'static str = "capture_payment";
    const PATH: &'static str = "/do_capture.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        if let Some(amount) = &self.amount {
            fields.push("pg_clearing_amount", amount.to_string());
        }
        if let Some(key) = &self.idempotency_key {
            fields.push("pg_idempotency_key", key.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<CapturePaymentResult, ReadError> {
        Ok(CapturePaymentResult {
            status: reply.require("pg_status")?,
            amount: reply.get("pg_amount")?,
            clearing_amount: reply.get("pg_clearing_amount")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn capture() -> CapturePayment {
        CapturePayment::new(PaymentId::new(123_456_789).unwrap())
    }

    #[test]
    fn wire_request_full() {
        insta::assert_snapshot!(wire(&capture()));
    }

    #[test]
    fn wire_request_partial() {
        insta::assert_snapshot!(wire(
            &capture()
                .amount(Amount::parse("1200.50").unwrap())
                .idempotency_key(IdempotencyKey::new("capture-123456789").unwrap())
        ));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&capture(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&capture(), "payment/do_capture.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.amount, Amount::from_gateway("1500"));
        assert_eq!(result.clearing_amount, Amount::from_gateway("1200.50"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&capture(), "payment/error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::Validation)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
