//! `POST /v1/merchant/{merchant_id}/card/direct`: charge a saved card without the payer.

use freedompay_sign::Fields;

use crate::{Config, InvalidInput, Operation, PaymentId, ReadError, Response, SecretKind, Status};

/// Charges a payment created by [`InitCardPayment`](super::InitCardPayment) without the
/// payer ("non-acceptance" payment, no CVC; `card/direct`, script `direct`, payment secret;
/// PROTOCOL.md §1.5). The merchant must be allowed such payments.
///
/// Moves money: never resent after a failure that may have reached the gateway; check the
/// outcome with [`PaymentStatus`](crate::payment::PaymentStatus).
///
/// ```
/// use freedompay_core::payment::DirectCardPayment;
/// use freedompay_core::PaymentId;
///
/// let charge = DirectCardPayment::new(PaymentId::new(123_457_100)?);
/// # let _ = charge;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectCardPayment {
    payment_id: PaymentId,
}

impl DirectCardPayment {
    /// Charges this payment.
    pub fn new(payment_id: PaymentId) -> Self {
        Self { payment_id }
    }
}

/// The gateway's answer to a direct charge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirectCardPaymentResult {
    /// `pg_status`: `ok`/`success` (charged), `process`/`pending` (query the status later).
    pub status: Status,
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
}

impl Operation for DirectCardPayment {
    type Output = DirectCardPaymentResult;
    const NAME: &'static str = "direct_card_payment";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/card/direct";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<DirectCardPaymentResult, ReadError> {
        Ok(DirectCardPaymentResult {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

    fn charge() -> DirectCardPayment {
        DirectCardPayment::new(PaymentId::new(123_457_100).unwrap())
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&charge()));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&charge(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&charge(), "payment/card_direct.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 123_457_100);
        assert_eq!(result.order_id.as_deref(), Some("order-44"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&charge(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
    }
}
