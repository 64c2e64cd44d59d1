//! `POST /revoke.php`: refund a cleared payment, fully or partly.

use crate::declare::amount_to_send;
use crate::{Amount, IdempotencyKey, PaymentId, SecretKind, Status};

operation! {
    /// Refunds a payment whose money was debited (`revoke.php`, payment secret; docs/protocol.md
    /// §1.3): the whole amount by default, or `pg_refund_amount` of it. A held, uncleared
    /// payment is cancelled instead, with [`CancelPayment`](super::CancelPayment).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; check the
    /// outcome with [`PaymentStatus`](super::PaymentStatus) (its `refunds`). The idempotency key
    /// is accepted here according to an integration, not the documentation (docs/protocol.md §1.3).
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
    pub struct RefundPayment => RefundPaymentResult {
        name: "refund_payment",
        path: "/revoke.php",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Refunds the whole payment.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
        /// `pg_refund_amount`: refund only this much.
        "pg_refund_amount" => amount: Option<Amount> [check amount_to_send],
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result
        /// instead of a second refund.
        "pg_idempotency_key" => idempotency_key: Option<IdempotencyKey>,
    }
}

reply! {
    /// The gateway's answer to a refund.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct RefundPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_revoke_payment_id`: the refund's own id.
        revoke_payment_id: Option<PaymentId> = "pg_revoke_payment_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

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
}
