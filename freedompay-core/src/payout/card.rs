//! `POST /g2g/p2p2nonreg`: a payout to a card by its number.

use crate::declare::amount_to_send;
use crate::{
    Amount, CardNumber, Currency, Description, InvalidInput, OrderId, PaymentId, SecretKind,
    Status, Url, UserId,
};

operation! {
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
    pub struct PayoutToCard => PayoutToCardResult {
        name: "payout_to_card",
        path: "/g2g/p2p2nonreg",
        secret: SecretKind::Payout,
        moves_money: true,
        order_id: order_id;
        /// A payout of `amount` to `card`; FreedomPay notifies `post_link` of the outcome.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            card: CardNumber,
            description: Description,
            post_link: Url,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        /// `pg_currency`: the currency of the amount (the merchant's by default).
        "pg_currency" => currency: Option<Currency>,
        "pg_description" => description,
        /// `pg_user_id`: the recipient's id in the merchant's system.
        "pg_user_id" => user_id: Option<UserId>,
        "pg_payment_to" => card,
        /// `pg_card_name`: the card holder's name (at most 255 characters).
        "pg_card_name" => card_name: Option<String> [check card_name],
        "pg_post_link" => post_link,
    }
}

fn card_name(field: &'static str, name: &str) -> Result<(), InvalidInput> {
    if name.is_empty() || name.chars().count() > 255 {
        return Err(InvalidInput::new(field, "must be 1 to 255 characters"));
    }
    Ok(())
}

reply! {
    /// The gateway's answer to a card payout.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct PayoutToCardResult {
        /// `pg_payment_id`: the payout's id at FreedomPay.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_status`: `ok`/`success` (done), `process`/`pending` (query the status later).
        status: Status = "pg_status",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_payment_amount`: the amount paid out.
        payment_amount: Option<Amount> = "pg_payment_amount",
        /// `pg_balance`: the payout balance after it.
        balance: Option<Amount> = "pg_balance",
        /// `pg_reference`: the bank's reference (RRN).
        reference: Option<String> = "pg_reference",
        /// `pg_payment_date`, as written by the gateway (ISO 8601 in the documentation's example).
        payment_date: Option<String> = "pg_payment_date",
        /// `pg_datetime`: when the gateway answered, as written (ISO 8601 in seed 001's sample).
        datetime: Option<String> = "pg_datetime",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::wire;

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
    fn card_name_is_limited() {
        let long = payout().card_name("x".repeat(256));
        let error =
            crate::prepare(&crate::testing::config(), &long, &crate::testing::salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_card_name"));
        assert!(!error.may_have_been_sent());
    }
}
