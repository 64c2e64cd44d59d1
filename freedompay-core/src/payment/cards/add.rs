//! `POST /v1/merchant/{merchant_id}/cardstorage/add2`: save a payer's card.

use crate::{OrderId, PaymentId, SecretKind, Status, Url, UserId};

operation! {
    /// Starts saving a payer's card (`cardstorage/add2`, script `add2`, payment secret;
    /// docs/protocol.md §1.5): the reply's URL is a page where the payer enters the card. FreedomPay
    /// then notifies `post_link`
    /// ([`CardAddedNotification`](super::super::notifications::CardAddedNotification)) and
    /// sends the payer to `back_link`.
    ///
    /// ```
    /// use freedompay_core::payment::AddCard;
    /// use freedompay_core::{Url, UserId};
    ///
    /// let add = AddCard::new(
    ///     UserId::new("user-7")?,
    ///     Url::new("https://shop.kz/freedompay/card-added")?,
    ///     Url::new("https://shop.kz/cards")?,
    /// );
    /// # let _ = add;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AddCard => AddCardResult {
        name: "add_card",
        path: "/v1/merchant/{merchant_id}/cardstorage/add2",
        secret: SecretKind::Payment,
        moves_money: false,
        order_id: order_id;
        /// Saves a card for `user_id`; FreedomPay notifies `post_link` and sends the payer back
        /// to `back_link`.
        pub fn new(user_id: UserId, post_link: Url, back_link: Url);
        "pg_user_id" => user_id,
        /// `pg_order_id`: the merchant's id of this request.
        "pg_order_id" => order_id: Option<OrderId>,
        "pg_post_link" => post_link,
        "pg_back_link" => back_link,
    }
}

reply! {
    /// The gateway's answer to a card-saving request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct AddCardResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_redirect_url`: the page where the payer enters the card.
        redirect_url: String = "pg_redirect_url",
        /// `pg_payment_id`: the id of the card-saving operation.
        payment_id: Option<PaymentId> = "pg_payment_id",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn add() -> AddCard {
        AddCard::new(
            UserId::new("user-7").unwrap(),
            Url::new("https://shop.kz/freedompay/card-added").unwrap(),
            Url::new("https://shop.kz/cards").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&add().order_id(OrderId::new("card-1").unwrap())));
    }
}
