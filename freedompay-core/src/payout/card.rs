//! `POST /g2g/p2p2nonreg`: a payout to a card by its number.

use freedompay_sign::Fields;

use crate::{
    Amount, CardNumber, Config, Currency, Description, InvalidInput, Operation, OrderId, PaymentId,
    ReadError, Response, SecretKind, Status, Url, UserId,
};

/// Pays out to a card by its number (`/g2g/p2p2nonreg`, payout secret; seed 001).
///
/// The result comes in the reply (`ok`/`success`, or `process`: query
/// [`PayoutStatus`](super::PayoutStatus) later) and in the notification to `post_link`.
/// A refusal (test cards give 10000, 10001, 8888) is a [`GatewayError`](crate::GatewayError).
/// Never resent after a failure that may have reached the gateway.
///
/// ```
/// use freedompay_core::{Amount, CardNumber, Description, OrderId, Url, UserId, payout::PayoutToCard};
///
/// let payout = PayoutToCard::new(
///     OrderId::new("payout-42")?,
///     Amount::parse("1500.50")?,
///     CardNumber::parse("4671593866478252")?,
///     Description::new("Reward")?,
///     Url::new("https://shop.kz/freedompay/payout-notify")?,
/// )
/// .user_id(UserId::new("user-7")?)
/// .card_name("JOHN DOE");
/// assert_eq!(format!("{payout:?}").contains("4671593866478252"), false);
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutToCard {
    order_id: OrderId,
    amount: Amount,
    currency: Option<Currency>,
    card: CardNumber,
    description: Description,
    post_link: Url,
    user_id: Option<UserId>,
    card_name: Option<String>,
}

impl PayoutToCard {
    /// A payout of `amount` to `card`; FreedomPay notifies `post_link` of the outcome.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        card: CardNumber,
        description: Description,
        post_link: Url,
    ) -> Self {
        Self {
            order_id,
            amount,
            currency: None,
            card,
            description,
            post_link,
            user_id: None,
            card_name: None,
        }
    }

    /// `pg_currency`: the currency of the amount (the merchant's by default).
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// `pg_user_id`: the recipient's id in the merchant's system.
    pub fn user_id(mut self, user_id: UserId) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// `pg_card_name`: the card holder's name (at most 255 characters).
    pub fn card_name(mut self, name: impl Into<String>) -> Self {
        self.card_name = Some(name.into());
        self
    }
}

/// The gateway's answer to a card payout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutToCardResult {
    /// `pg_payment_id`: the payout's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_status`: `ok`/`success` (done), `process`/`pending` (query the status later).
    pub status: Status,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_payment_amount`: the amount paid out.
    pub payment_amount: Option<Amount>,
    /// `pg_balance`: the payout balance after it.
    pub balance: Option<Amount>,
    /// `pg_reference`: the bank's reference (RRN).
    pub reference: Option<String>,
    /// `pg_payment_date`, as written by the gateway (ISO 8601 in the documentation's example).
    pub payment_date: Option<String>,
}

impl Operation for PayoutToCard {
    type Output = PayoutToCardResult;
    const NAME: &'static str = "payout_to_card";
    const PATH: &'static str = "/g2g/p2p2nonreg";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        if let Some(currency) = &self.currency {
            fields.push("pg_currency", currency.code());
        }
        fields.push("pg_description", self.description.as_str());
        if let Some(user_id) = &self.user_id {
            fields.push("pg_user_id", user_id.as_str());
        }
        fields.push("pg_payment_to", self.card.reveal());
        if let Some(name) = &self.card_name {
            if name.is_empty() || name.chars().count() > 255 {
                return Err(InvalidInput::new(
                    "pg_card_name",
                    "must be 1 to 255 characters",
                ));
            }
            fields.push("pg_card_name", name.as_str());
        }
        fields.push("pg_post_link", self.post_link.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<PayoutToCardResult, ReadError> {
        Ok(PayoutToCardResult {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            order_id: reply.get("pg_order_id")?,
            payment_amount: reply.get("pg_payment_amount")?,
            balance: reply.get("pg_balance")?,
            reference: reply.get("pg_reference")?,
            payment_date: reply.get("pg_payment_date")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn payout() -> PayoutToCard {
        PayoutToCard::new(
            OrderId::new("ORD12345").unwrap(),
            Amount::parse("1000").unwrap(),
            CardNumber::parse("4671593866478252").unwrap(),
            Description::new("Reward for October").unwrap(),
            Url::new("https://shop.kz/freedompay/payout-notify").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(
            &payout()
                .currency(Currency::Kzt)
                .user_id(UserId::new("user-7").unwrap())
                .card_name("John Doe")
        ));
    }

    #[test]
    fn wire_request_minimal() {
        insta::assert_snapshot!(wire(&payout()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&payout(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_seed_reply() {
        let result = reply(&payout(), "payout/p2p2nonreg.xml").expect("reads");
        assert_eq!(result.payment_id.get(), 7_777_777_777);
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.order_id.as_deref(), Some("ORD12345"));
        assert_eq!(result.balance, Amount::from_gateway("500000"));
        assert_eq!(result.payment_amount, Amount::from_gateway("1000"));
        assert_eq!(result.reference.as_deref(), Some("FSDUNJFA244324"));
        assert_eq!(
            result.payment_date.as_deref(),
            Some("2024-09-02T12:19:01+00:00")
        );
    }

    #[test]
    fn a_refusal_is_a_gateway_error_with_its_code() {
        let error = reply(&payout(), "payout/p2p2nonreg_error.xml").unwrap_err();
        match error {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::PayoutDeclined10000)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }

    #[test]
    fn card_name_is_limited() {
        let long = payout().card_name("x".repeat(256));
        let error =
            crate::prepare(&crate::testing::config(), &long, &crate::testing::salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_card_name"));
        assert!(!error.may_have_been_sent());
    }
}
