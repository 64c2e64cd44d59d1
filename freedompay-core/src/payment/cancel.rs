//! `POST /cancel.php`: release the hold of a two-step payment.

use crate::{IdempotencyKey, PaymentId, SecretKind, Status};

operation! {
    /// Cancels a payment whose money is held and not yet cleared (`cancel.php`, payment secret;
    /// docs/protocol.md §1.3). A hold that is neither cleared nor cancelled within 5 days is cleared
    /// by the gateway. A cleared payment is refunded instead, with
    /// [`RefundPayment`](super::RefundPayment).
    ///
    /// Counted as moving money: never resent after a failure that may have reached the gateway;
    /// check the outcome with [`PaymentStatus`](super::PaymentStatus). The idempotency key is
    /// accepted here according to an integration, not the documentation (docs/protocol.md §1.3).
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
    pub struct CancelPayment => CancelPaymentResult {
        name: "cancel_payment",
        path: "/cancel.php",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Cancels this payment.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result.
        "pg_idempotency_key" => idempotency_key: Option<IdempotencyKey>,
    }
}

reply! {
    /// The gateway's answer to a cancellation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct CancelPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_cancel_payment_id`: the id of the cancellation.
        cancel_payment_id: Option<PaymentId> = "pg_cancel_payment_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

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
}
