//! `POST /g2g/status_v2`: the state of a Gateway card payment, with the card and the refunds.

use core::time::Duration;

use freedompay_sign::Fields;

use crate::payment::{MaskedPan, PaymentState, RelatedPayment};
use crate::{
    Amount, Config, Currency, Expiry, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation,
    OrderId, PaymentId, ReadError, Response, SecretKind, Status,
};

/// Asks for the state of a Gateway payment (`/g2g/status_v2`, payment secret;
/// docs.freedompay.kz api-13528554, freedompay.money /docs-en/gateway-api/after-pay "Check
/// payment status").
///
/// By order id, only the parent payment is found (refunds are not); by payment id, payments
/// of any kind (after-pay). The reference page marks both `pg_payment_id` and `pg_order_id`
/// required while after-pay describes a search by either [?]: [`by_both`](Self::by_both)
/// sends both, the others one. A query: retried on transport failures.
///
/// The answer is a [`Lookup`]: `pg_payment_id` = 0 (the Gateway's "not found" within a
/// minute, freedompay.money /docs/gateway-api/afterpay) or an error coded 340 is
/// [`Lookup::NotFound`], conclusive only a minute or more after the payment's last attempt
/// ([`since_last_attempt`](Self::since_last_attempt)).
///
/// ```
/// use freedompay_core::gateway::CardPaymentStatus;
/// use freedompay_core::{OrderId, PaymentId};
///
/// let by_id = CardPaymentStatus::by_payment_id(PaymentId::new(1_234_567_890)?);
/// let by_order = CardPaymentStatus::by_order_id(OrderId::new("order-42")?);
/// # let _ = (by_id, by_order);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPaymentStatus {
    payment_id: Option<PaymentId>,
    order_id: Option<OrderId>,
    since_last_attempt: Option<Duration>,
}

impl CardPaymentStatus {
    /// The state of the payment (or refund) with this id.
    pub fn by_payment_id(payment_id: PaymentId) -> Self {
        Self {
            payment_id: Some(payment_id),
            order_id: None,
            since_last_attempt: None,
        }
    }

    /// The state of the (parent) payment of this order id.
    pub fn by_order_id(order_id: OrderId) -> Self {
        Self {
            payment_id: None,
            order_id: Some(order_id),
            since_last_attempt: None,
        }
    }

    /// Both, as the reference page's table asks.
    pub fn by_both(payment_id: PaymentId, order_id: OrderId) -> Self {
        Self {
            payment_id: Some(payment_id),
            order_id: Some(order_id),
            since_last_attempt: None,
        }
    }

    /// The time since the last attempt of the payment looked for: a not-found answer is
    /// conclusive only a minute or more after it. Not sent.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

/// The state of a Gateway payment (docs.freedompay.kz api-13528554).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardPaymentInfo {
    /// `pg_status` of the request (`ok`).
    pub status: Status,
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_payment_status`: where the payment stands.
    pub payment_status: Option<PaymentState>,
    /// `pg_amount`.
    pub amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_clearing_amount`: the amount charged.
    pub clearing_amount: Option<Amount>,
    /// `pg_refund_amount`: the amount refunded.
    pub refund_amount: Option<Amount>,
    /// `pg_captured`: whether the money was charged (`false`: held, two-step payment).
    pub captured: Option<bool>,
    /// `pg_user_email`.
    pub user_email: Option<String>,
    /// `pg_user_phone`.
    pub user_phone: Option<String>,
    /// `pg_card_name`: the card holder's name, as reported.
    pub card_name: Option<String>,
    /// `pg_card_id`: the saved card's id.
    pub card_id: Option<String>,
    /// `pg_card_token`: the saved card's token.
    pub card_token: Option<String>,
    /// `pg_card_pan`: the masked card number.
    pub card_pan: Option<MaskedPan>,
    /// `pg_card_exp`: the card's expiry (prints masked), when in a form the SDK reads
    /// (`MM/YY`, `MM/YYYY`, `MMYY`; the documentation gives none [?]).
    pub card_expiry: Option<Expiry>,
    /// `pg_card_brand`: the card's brand, as reported.
    pub card_brand: Option<String>,
    /// `pg_payment_date`, as received.
    pub payment_date: Option<String>,
    /// `pg_reference`: the bank's reference (RRN).
    pub reference: Option<String>,
    /// `pg_refund_payments`: the refunds, in order.
    pub refunds: Vec<RelatedPayment>,
    /// `pg_revoked_payments`: the revocations, in order (after-pay lists the array).
    pub revocations: Vec<RelatedPayment>,
}

impl Operation for CardPaymentStatus {
    /// [`Lookup::NotFound`] when FreedomPay knows no such payment.
    type Output = Lookup<CardPaymentInfo>;
    const NAME: &'static str = "gateway_payment_status";
    const PATH: &'static str = "/g2g/status_v2";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_ref().map(OrderId::as_str)
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if let Some(id) = self.payment_id {
            fields.push("pg_payment_id", id.to_string());
        }
        if let Some(order) = &self.order_id {
            fields.push("pg_order_id", order.as_str());
        }
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Lookup<CardPaymentInfo>> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Lookup<CardPaymentInfo>, ReadError> {
        if reply.text("pg_payment_id").map(str::trim) == Some("0") {
            return Ok(Lookup::NotFound(NotFound::new(
                NotFoundEvidence::PaymentIdZero,
                self.since_last_attempt,
            )));
        }
        Ok(Lookup::Found(CardPaymentInfo {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
            payment_status: reply.get("pg_payment_status")?,
            amount: reply.get("pg_amount")?,
            currency: reply.get("pg_currency")?,
            clearing_amount: reply.get("pg_clearing_amount")?,
            refund_amount: reply.get("pg_refund_amount")?,
            captured: reply.lenient("pg_captured"),
            user_email: reply.get("pg_user_email")?,
            user_phone: reply.get("pg_user_phone")?,
            card_name: reply.get("pg_card_name")?,
            card_id: reply.get("pg_card_id")?,
            card_token: reply.get("pg_card_token")?,
            card_pan: reply.get("pg_card_pan")?,
            card_expiry: reply.lenient("pg_card_exp"),
            card_brand: reply.get("pg_card_brand")?,
            payment_date: reply.get("pg_payment_date")?,
            reference: reply.get("pg_reference")?,
            refunds: crate::payment::status_related(reply, "pg_refund_payments")?,
            revocations: crate::payment::status_related(reply, "pg_revoked_payments")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::assert_gateway_snapshot;
    use crate::testing::wire;

    #[test]
    fn wire_by_payment_id() {
        assert_gateway_snapshot!(wire(&CardPaymentStatus::by_payment_id(
            PaymentId::new(1_234_567_890).unwrap()
        )));
    }

    #[test]
    fn wire_by_both() {
        assert_gateway_snapshot!(wire(&CardPaymentStatus::by_both(
            PaymentId::new(1_234_567_890).unwrap(),
            OrderId::new("order-42").unwrap()
        )));
    }
}
