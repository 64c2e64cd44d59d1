//! `POST /v1/merchant/{merchant_id}/card/direct`: charge a saved card without the payer.

use crate::{PaymentId, SecretKind, Status};

operation! {
    /// Charges a payment created by [`InitCardPayment`](super::InitCardPayment) without the
    /// payer ("non-acceptance" payment, no CVC; `card/direct`, script `direct`, payment secret;
    /// docs/protocol.md §1.5). The merchant must be allowed such payments.
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
    pub struct DirectCardPayment => DirectCardPaymentResult {
        name: "direct_card_payment",
        path: "/v1/merchant/{merchant_id}/card/direct",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Charges this payment.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
    }
}

reply! {
    /// The gateway's answer to a direct charge.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct DirectCardPaymentResult {
        /// `pg_status`: `ok`/`success` (charged), `process`/`pending` (query the status later).
        status: Status = "pg_status",
        /// `pg_payment_id`.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn charge() -> DirectCardPayment {
        DirectCardPayment::new(PaymentId::new(123_457_100).unwrap())
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&charge()));
    }
}
