//! `POST /do_capture.php`: clear (capture) a held payment, fully or partly.

use crate::declare::amount_to_send;
use crate::{Amount, IdempotencyKey, PaymentId, SecretKind, Status};

operation! {
    /// Clears a two-step payment (`do_capture.php`, payment secret; docs/protocol.md §1.3): the held
    /// money is debited, the whole amount by default or `pg_clearing_amount` of it.
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; check the
    /// outcome with [`PaymentStatus`](super::PaymentStatus). The idempotency key is accepted
    /// here according to an integration, not the documentation (docs/protocol.md §1.3).
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
    pub struct CapturePayment => CapturePaymentResult {
        name: "capture_payment",
        path: "/do_capture.php",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Clears the whole held amount of this payment.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
        /// `pg_clearing_amount`: clear only this much (the rest of the hold is released).
        "pg_clearing_amount" => amount: Option<Amount> [check amount_to_send],
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result.
        "pg_idempotency_key" => idempotency_key: Option<IdempotencyKey>,
    }
}

reply! {
    /// The gateway's answer to a clearing.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct CapturePaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_amount`: the payment's amount.
        amount: Option<Amount> = "pg_amount",
        /// `pg_clearing_amount`: the amount cleared.
        clearing_amount: Option<Amount> = "pg_clearing_amount",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

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
}
