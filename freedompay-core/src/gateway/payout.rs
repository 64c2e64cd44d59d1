//! `POST /g2g/status_v2`: a payment's state with its card (id, brand, expiry) and refunds.

use core::fmt;
use core::time::Duration;

use freedompay_sign::{Fields, Value};
use zeroize::Zeroize;

use crate::payment::{MaskedPan, PaymentState, RelatedPayment};
use crate::wire::FromWire;
use crate::{
    Amount, Config, Currency, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation, OrderId,
    PaymentId, ReadError, Response, SecretKind, Status,
};

/// Asks for the state of a payment, with the card it used (`/g2g/status_v2`, payment
/// secret; docs.freedompay.kz api-13528554, freedompay.money/docs-en/gateway-api/after-pay;
/// docs/protocol.md §11).
///
/// Like `get_status3.php` plus the card's id (`pg_card_id`), brand (`pg_card_brand`) and
/// expiry (`pg_card_exp`). By order id the gateway looks only at the parent payment
/// (refunds are not searched); by payment id, at payments of any type. The API page marks
/// both fields required while the after-pay page describes them as alternatives [?]: each
/// constructor sends one; [`StatusV2::with_order_id`] adds the order id to a query by
/// payment id for a gateway that wants both.
///
/// The answer is a [`Lookup`]: `pg_payment_id` 0 or an error coded 340 is
/// [`Lookup::NotFound`], conclusive only a minute or more after the payment's last attempt
/// ("payment_id = 0 within a minute", freedompay.money/docs/gateway-api/afterpay;
/// [`StatusV2::since_last_attempt`]).
///
/// ```
/// use freedompay_core::gateway::StatusV2;
/// use freedompay_core::{OrderId, PaymentId};
///
/// let by_id = StatusV2::by_payment_id(PaymentId::new(1_234_567_890)?);
/// let by_order = StatusV2::by_order_id(OrderId::new("order-77")?);
/// # let _ = (by_id, by_order);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusV2 {
    payment_id: Option<PaymentId>,
    order_id: Option<OrderId>,
    since_last_attempt: Option<Duration>,
}

impl StatusV2 {
    /// The state of the payment (or refund) with this id.
    pub fn by_payment_id(payment_id: PaymentId) -> Self {
        Self {
            payment_id: Some(payment_id),
            order_id: None,
            since_last_attempt: None,
        }
    }

    /// The state of the payment made with this order id (refunds are not searched).
    pub fn by_order_id(order_id: OrderId) -> Self {
        Self {
            payment_id: None,
            order_id: Some(order_id),
            since_last_attempt: None,
        }
    }

    /// Sends the order id too (the API page marks both fields required [?]).
    pub fn with_order_id(mut self, order_id: OrderId) -> Self {
        self.order_id = Some(order_id);
        self
    }

    /// How long after the payment's last attempt this query is made: a "not found" is
    /// conclusive only a minute or more after it.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

/// A card's expiry date as a status reports it (`pg_card_exp`), kept as written (the
/// documentation does not give its format [?]).
///
/// Card data: `Debug` shows `ReportedExpiry(**/**)`, there is no `Display`, and it is wiped
/// from memory on drop; [`ReportedExpiry::reveal`] gives the text.
#[derive(Clone, PartialEq, Eq)]
pub struct ReportedExpiry(String);

impl ReportedExpiry {
    /// The text as the gateway wrote it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl FromWire for ReportedExpiry {
    fn from_wire(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| Self(text.to_owned()))
    }
}

impl Drop for ReportedExpiry {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for ReportedExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReportedExpiry(**/**)")
    }
}

/// The state of a payment, with its card.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusV2Info {
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
    /// `pg_clearing_amount`: the amount cleared.
    pub clearing_amount: Option<Amount>,
    /// `pg_refund_amount`: the amount refunded (negative, `-10`).
    pub refund_amount: Option<Amount>,
    /// `pg_captured`: whether the money was cleared (`false`: held, two-step payment).
    pub captured: Option<bool>,
    /// `pg_user_email`.
    pub user_email: Option<String>,
    /// `pg_user_phone`.
    pub user_phone: Option<String>,
    /// `pg_card_name`: the holder's name.
    pub card_name: Option<String>,
    /// `pg_card_id`: the saved card's id.
    pub card_id: Option<String>,
    /// `pg_card_token`: the saved card's token.
    pub card_token: Option<String>,
    /// `pg_card_pan`: the masked card number.
    pub card_pan: Option<MaskedPan>,
    /// `pg_card_exp`: the card's expiry, as written (masked in `Debug`).
    pub card_exp: Option<ReportedExpiry>,
    /// `pg_card_brand`: the card's brand (`VISA`, …), as written.
    pub card_brand: Option<String>,
    /// `pg_payment_date`, as received.
    pub payment_date: Option<String>,
    /// `pg_reference`: the bank's reference (RRN).
    pub reference: Option<String>,
    /// `pg_failure_code`, as received.
    pub failure_code: Option<String>,
    /// `pg_failure_description`.
    pub failure_description: Option<String>,
    /// `pg_refund_payments`: the refunds, in order.
    pub refunds: Vec<RelatedPayment>,
    /// `pg_revoked_payments`: the revocations, in order.
    pub revocations: Vec<RelatedPayment>,
}

/// The refunds or revocations listed under `list` (one element per payment, or a list).
fn related(reply: &Response<'_>, list: &'static str) -> Result<Vec<RelatedPayment>, ReadError> {
    let items: Vec<&Fields> = match reply.fields().get(list) {
        Some(Value::Map(children)) => children.iter().filter_map(|c| c.value().as_map()).collect(),
        Some(Value::List(items)) => items.iter().filter_map(Value::as_map).collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|item| {
            let item = Response::new(item);
            let invalid = |_| ReadError::invalid(list);
            Ok(RelatedPayment {
                payment_id: item.get("pg_payment_id").map_err(invalid)?,
                payment_status: item.get("pg_payment_status").map_err(invalid)?,
                amount: item.get("pg_amount").map_err(invalid)?,
                payment_date: item.get("pg_payment_date").map_err(invalid)?,
                reference: item.get("pg_reference").map_err(invalid)?,
            })
        })
        .collect()
}

impl Operation for StatusV2 {
    /// [`Lookup::NotFound`] when FreedomPay knows no such payment.
    type Output = Lookup<StatusV2Info>;
    const NAME: &'static str = "status_v2";
    const PATH: &'static str = "/g2g/status_v2";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_ref().map(OrderId::as_str)
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if let Some(id) = &self.payment_id {
            fields.push("pg_payment_id", id.to_string());
        }
        if let Some(order) = &self.order_id {
            fields.push("pg_order_id", order.as_str());
        }
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Self::Output> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Self::Output, ReadError> {
        super::lookup(reply, self.since_last_attempt, |payment_id| {
            Ok(StatusV2Info {
                status: reply.require("pg_status")?,
                payment_id,
                order_id: reply.get("pg_order_id")?,
                payment_status: reply.get("pg_payment_status")?,
                amount: reply.get("pg_amount")?,
                currency: reply.get("pg_currency")?,
                clearing_amount: reply.get("pg_clearing_amount")?,
                refund_amount: reply.get("pg_refund_amount")?,
                captured: reply.get("pg_captured")?,
                user_email: reply.get("pg_user_email")?,
                user_phone: reply.get("pg_user_phone")?,
                card_name: reply.get("pg_card_name")?,
                card_id: reply.get("pg_card_id")?,
                card_token: reply.get("pg_card_token")?,
                card_pan: reply.get("pg_card_pan")?,
                card_exp: reply.get("pg_card_exp")?,
                card_brand: reply.get("pg_card_brand")?,
                payment_date: reply.get("pg_payment_date")?,
                reference: reply.get("pg_reference")?,
                failure_code: reply.get("pg_failure_code")?,
                failure_description: reply.get("pg_failure_description")?,
                refunds: related(reply, "pg_refund_payments")?,
                revocations: related(reply, "pg_revoked_payments")?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    #[test]
    fn wire_request_by_payment_id() {
        insta::assert_snapshot!(wire(&StatusV2::by_payment_id(
            PaymentId::new(1_234_567_890).unwrap()
        )));
    }

    #[test]
    fn wire_request_by_both() {
        insta::assert_snapshot!(wire(
            &StatusV2::by_payment_id(PaymentId::new(1_234_567_890).unwrap())
                .with_order_id(OrderId::new("order-77").unwrap())
        ));
    }

    #[test]
    fn the_expiry_never_prints() {
        let exp = ReportedExpiry::from_wire("09/30").unwrap();
        assert_eq!(format!("{exp:?}"), "ReportedExpiry(**/**)");
        assert_eq!(exp.reveal(), "09/30");
    }
}
