//! `POST /g2g/cancel`, `/g2g/clearing`, `/g2g/refund`: after a card payment.
//!
//! The paths are those of freedompay.money /docs-en/gateway-api/after-pay (the same on the
//! KZ/KG/UZ hosts); that page's field tables were not captured, and the reference pages of
//! the navigation (Pay › Cancel, Clearing, Refund) were not found among the stored pages [?].
//! The fields sent are the Merchant API's for the same acts (`pg_payment_id`, and
//! `pg_amount` for a partial clearing or refund, docs/protocol.md §1.3); the replies are read
//! leniently: `pg_status` is required, everything else optional.

use crate::declare::amount_to_send;
use crate::{Amount, PaymentId, SecretKind, Status};

operation! {
    /// Releases the hold of a two-step card payment before it is cleared (`/g2g/cancel`,
    /// payment secret; freedompay.money /docs-en/gateway-api/after-pay "Cancel before payment
    /// is charged"; docs.freedompay.kg doc-833002: "available only for a two-step payment").
    /// A cleared payment is refunded instead, with [`RefundCardPayment`].
    ///
    /// Counted as moving money (as `cancel.php` is): never resent after a failure that may
    /// have reached the gateway; check with
    /// [`CardPaymentStatus`](crate::gateway::CardPaymentStatus).
    ///
    /// ```
    /// use freedompay_core::gateway::CancelCardPayment;
    /// use freedompay_core::PaymentId;
    ///
    /// let cancel = CancelCardPayment::new(PaymentId::new(1_234_567_890)?);
    /// # let _ = cancel;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CancelCardPayment => CancelCardPaymentResult {
        name: "gateway_cancel_payment",
        path: "/g2g/cancel",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Releases the hold of `payment_id`.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
    }
}

reply! {
    /// The gateway's answer to a cancellation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct CancelCardPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`, as echoed [?].
        payment_id: Option<PaymentId> = "pg_payment_id",
    }
}

operation! {
    /// Charges the money held by a two-step card payment (`/g2g/clearing`, payment secret;
    /// freedompay.money /docs-en/gateway-api/after-pay "Clearing"; docs.freedompay.kg
    /// doc-833002: a hold neither cleared nor cancelled within 5 days is cleared by the
    /// gateway). Without [`amount`](ClearCardPayment::amount) the whole hold is charged; with
    /// it, that part of it [?].
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; check with
    /// [`CardPaymentStatus`](crate::gateway::CardPaymentStatus) (`clearing_amount`).
    ///
    /// ```
    /// use freedompay_core::gateway::ClearCardPayment;
    /// use freedompay_core::{Amount, PaymentId};
    ///
    /// let clear = ClearCardPayment::new(PaymentId::new(1_234_567_890)?).amount(Amount::parse("1200.50")?);
    /// # let _ = clear;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ClearCardPayment => ClearCardPaymentResult {
        name: "gateway_clear_payment",
        path: "/g2g/clearing",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Charges the hold of `payment_id`.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
        /// `pg_amount`: the amount to charge, at most the amount held (the whole hold when not
        /// sent) [?].
        "pg_amount" => amount: Option<Amount> [check amount_to_send],
    }
}

reply! {
    /// The gateway's answer to a clearing.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct ClearCardPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`, as echoed [?].
        payment_id: Option<PaymentId> = "pg_payment_id",
        /// `pg_amount`: the payment's amount [?].
        amount: Option<Amount> = "pg_amount",
        /// `pg_clearing_amount`: the amount charged [?].
        clearing_amount: Option<Amount> = "pg_clearing_amount",
    }
}

operation! {
    /// Returns the money of a charged card payment to the payer (`/g2g/refund`, payment
    /// secret; freedompay.money /docs-en/gateway-api/after-pay "Refund of deducted payment";
    /// docs.freedompay.kg doc-833002: for one-step payments and cleared two-step ones, never
    /// for a hold, which is cancelled with [`CancelCardPayment`]). Without
    /// [`amount`](RefundCardPayment::amount) the whole payment is refunded [?].
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; check with
    /// [`CardPaymentStatus`](crate::gateway::CardPaymentStatus) (its `refunds`).
    ///
    /// ```
    /// use freedompay_core::gateway::RefundCardPayment;
    /// use freedompay_core::{Amount, PaymentId};
    ///
    /// let refund = RefundCardPayment::new(PaymentId::new(1_234_567_890)?).amount(Amount::parse("500")?);
    /// # let _ = refund;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RefundCardPayment => RefundCardPaymentResult {
        name: "gateway_refund_payment",
        path: "/g2g/refund",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Refunds `payment_id`.
        pub fn new(payment_id: PaymentId);
        "pg_payment_id" => payment_id,
        /// `pg_amount`: the amount to refund (the whole payment when not sent) [?].
        "pg_amount" => amount: Option<Amount> [check amount_to_send],
    }
}

reply! {
    /// The gateway's answer to a refund.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct RefundCardPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`: the refunded payment, as echoed [?].
        payment_id: Option<PaymentId> = "pg_payment_id",
        /// `pg_refund_payment_id`: the refund's own id [?].
        refund_payment_id: Option<PaymentId> = "pg_refund_payment_id",
        /// `pg_refund_amount`: the amount refunded [?].
        refund_amount: Option<Amount> = "pg_refund_amount",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::assert_gateway_snapshot;
    use crate::testing::wire;

    fn id() -> PaymentId {
        PaymentId::new(1_234_567_890).unwrap()
    }

    #[test]
    fn wire_cancel() {
        assert_gateway_snapshot!(wire(&CancelCardPayment::new(id())));
    }

    #[test]
    fn wire_clearing() {
        assert_gateway_snapshot!(wire(
            &ClearCardPayment::new(id()).amount(Amount::parse("1200.50").unwrap())
        ));
    }

    #[test]
    fn wire_refund() {
        assert_gateway_snapshot!(wire(
            &RefundCardPayment::new(id()).amount(Amount::parse("500").unwrap())
        ));
    }

    #[test]
    fn zero_amounts_are_refused() {
        let op = RefundCardPayment::new(id()).amount(Amount::ZERO);
        assert!(crate::prepare(&crate::testing::config(), &op, &crate::testing::salt()).is_err());
    }
}
