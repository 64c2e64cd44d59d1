//! `POST /g2g/payment` with `pg_card_token`: a payment by a saved card.

use crate::declare::{FromReply, amount_to_send};
use crate::gateway::AcsRedirect;
use crate::payment::Language;
use crate::{
    Amount, Currency, Description, OrderId, PaymentId, ReadError, Response, SecretKind, Status,
    UserId,
};

operation! {
    /// Charges a card saved with FreedomPay, by its token (`/g2g/payment`, payment secret;
    /// "Token Pay", docs.freedompay.kz api-9888724, doc-776176; docs/protocol.md §11).
    ///
    /// The card must have been saved and tokenized first (Card › Add), and the merchant
    /// allowed such payments by its manager. The reply may carry an
    /// [`AcsRedirect`] when the issuer asks for 3-D Secure [?] (the page shows no reply; the
    /// reply is read as the Gateway card payment's).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; find out
    /// with [`CardPaymentStatus`](crate::gateway::CardPaymentStatus).
    ///
    /// ```
    /// use freedompay_core::gateway::TokenPayment;
    /// use freedompay_core::{Amount, Description, OrderId, UserId};
    ///
    /// let pay = TokenPayment::new(
    ///     OrderId::new("order-77")?,
    ///     Amount::parse("2500")?,
    ///     Description::new("Order 77")?,
    ///     UserId::new("user-7")?,
    ///     "c92741d9-ddd7-4bad-abd0-5594a79eea1a",
    /// )?;
    /// # let _ = pay;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TokenPayment => TokenPaymentResult {
        name: "gateway_token_payment",
        path: "/g2g/payment",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        fn checked(
            order_id: OrderId,
            amount: Amount,
            description: Description,
            user_id: UserId,
            card_token: String,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        /// `pg_currency`: the currency of the amount (the merchant's by default).
        "pg_currency" => currency: Option<Currency>,
        "pg_description" => description,
        /// `pg_language`: the language of the pages the payer sees.
        "pg_language" => language: Option<Language>,
        "pg_user_id" => user_id,
        "pg_card_token" => card_token,
        /// `pg_param1`: the merchant's own data, returned as given.
        "pg_param1" => param1: Option<String>,
        /// `pg_param2`: the merchant's own data.
        "pg_param2" => param2: Option<String>,
        /// `pg_param3`: the merchant's own data.
        "pg_param3" => param3: Option<String>,
    }
}

impl TokenPayment {
    /// A payment of `amount` from the card `card_token` saved for `user_id`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        user_id: UserId,
        card_token: impl Into<String>,
    ) -> Result<Self, crate::InvalidInput> {
        let token = card_token.into();
        crate::gateway::card_token("pg_card_token", &token)?;
        Ok(Self::checked(order_id, amount, description, user_id, token))
    }
}

/// The gateway's answer to a token or wallet payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenPaymentResult {
    /// `pg_status`: `ok`/`success`, `process`/`pending` (query the status later).
    pub status: Status,
    /// `pg_payment_id`: the payment's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// The 3-D Secure step the payer must pass (`pg_3ds` = 1), when the issuer asks for it.
    pub three_ds: Option<AcsRedirect>,
}

impl FromReply for TokenPaymentResult {
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError> {
        Ok(Self {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
            three_ds: AcsRedirect::read(reply)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn pay() -> TokenPayment {
        TokenPayment::new(
            OrderId::new("order-77").unwrap(),
            Amount::parse("2500").unwrap(),
            Description::new("Order 77").unwrap(),
            UserId::new("user-7").unwrap(),
            "c92741d9-ddd7-4bad-abd0-5594a79eea1a",
        )
        .unwrap()
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&pay()));
    }

    #[test]
    fn wire_request_full() {
        insta::assert_snapshot!(wire(
            &pay()
                .currency(Currency::Kzt)
                .language(Language::Ru)
                .param1("basket-9")
        ));
    }

    #[test]
    fn an_empty_token_is_refused() {
        let error = TokenPayment::new(
            OrderId::new("order-77").unwrap(),
            Amount::parse("2500").unwrap(),
            Description::new("Order 77").unwrap(),
            UserId::new("user-7").unwrap(),
            "",
        )
        .unwrap_err();
        assert_eq!(error.field(), "pg_card_token");
    }
}
