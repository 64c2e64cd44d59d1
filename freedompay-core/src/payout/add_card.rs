//! `POST /v1/merchant/{merchant_id}/cardstoragepayout/add`: saving a card for payouts (the
//! notification that it was saved is [`PayoutCardAdded`](crate::notifications::PayoutCardAdded)).

use crate::{Config, OrderId, PaymentId, Status, Url, UserId};

operation! {
    /// Starts saving a card for payouts (`/v1/merchant/{merchant_id}/cardstoragepayout/add`,
    /// script `add`; docs/protocol.md §1.6): FreedomPay answers a page where the user enters their
    /// card; when it is saved, FreedomPay notifies `post_link` (read it with
    /// [`PayoutCardAdded`](crate::notifications::PayoutCardAdded)) and sends the user back to `back_link`. Then pay out to it with
    /// [`PayoutToSavedCard`](super::PayoutToSavedCard).
    ///
    /// **Secret.** [`Config::card_storage_payout_secret`]: the **payment** secret by default,
    /// which is what an integration reports the gateway accepts here (anything else got error
    /// 1100); docs/protocol.md §2.6 marks it uncertain, so the config can switch it
    /// (`Config::builder().card_storage_payout_secret(SecretKind::Payout)`). The same secret
    /// verifies [`PayoutCardAdded`](crate::notifications::PayoutCardAdded). It moves no money.
    ///
    /// ```
    /// use freedompay_core::{Url, UserId, payout::AddPayoutCard};
    ///
    /// let add = AddPayoutCard::new(
    ///     UserId::new("user-7")?,
    ///     Url::new("https://shop.kz/freedompay/payout-card-added")?,
    ///     Url::new("https://shop.kz/account/cards")?,
    /// );
    /// # let _ = add;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AddPayoutCard => AddPayoutCardResult {
        name: "add_payout_card",
        path: "/v1/merchant/{merchant_id}/cardstoragepayout/add",
        secret: |_: &AddPayoutCard, config: &Config| config.card_storage_payout_secret(),
        moves_money: false,
        order_id: order_id;
        /// Saving a card for `user_id`; FreedomPay notifies `post_link` and sends the user back
        /// to `back_link`.
        pub fn new(user_id: UserId, post_link: Url, back_link: Url);
        "pg_user_id" => user_id,
        "pg_post_link" => post_link,
        "pg_back_link" => back_link,
        /// `pg_order_id`: your id of this request.
        "pg_order_id" => order_id: Option<OrderId>,
    }
}

reply! {
    /// The page where the user enters the card to save.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct AddPayoutCardResult {
        /// `pg_status`: `ok`.
        status: Status = "pg_status",
        /// `pg_payment_id`: the id of the saving operation.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_redirect_url`: where to send the user.
        redirect_url: String = "pg_redirect_url",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKind;
    use crate::testing::{PAYMENT_SECRET, PAYOUT_SECRET, assert_signed_under, config, salt, wire};
    use crate::{ErrorKind, prepare};

    const URL: &str = "https://shop.kz/freedompay/payout-card-added";

    fn add() -> AddPayoutCard {
        AddPayoutCard::new(
            UserId::new("user-7").unwrap(),
            Url::new(URL).unwrap(),
            Url::new("https://shop.kz/account/cards").unwrap(),
        )
    }

    fn payout_secret_config() -> Config {
        Config::builder()
            .merchant_id("123456")
            .secret_key(PAYMENT_SECRET)
            .payout_secret_key(PAYOUT_SECRET)
            .card_storage_payout_secret(SecretKind::Payout)
            .build()
            .unwrap()
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&add()));
    }

    #[test]
    fn wire_request_with_order_id() {
        insta::assert_snapshot!(wire(&add().order_id(OrderId::new("card-7-1").unwrap())));
    }

    #[test]
    fn signed_with_the_payout_secret_when_configured() {
        assert_signed_under(&payout_secret_config(), &add(), SecretKind::Payout);
    }

    #[test]
    fn the_path_carries_the_merchant_id() {
        let request = prepare(&config(), &add(), &salt()).unwrap();
        assert_eq!(
            request.url(),
            "https://api.freedompay.kz/v1/merchant/123456/cardstoragepayout/add"
        );
    }

    #[test]
    fn the_reply_is_verified_with_the_configured_secret() {
        // Signed with the payment secret (the default): refused under the payout setting.
        let body = crate::testing::signed_xml(
            &crate::testing::fixture("payout/cardstoragepayout_add.xml"),
            "add",
            SecretKind::Payment,
        );
        let response = freedompay_transport::HttpResponse::new(200, body.into_bytes());
        assert!(crate::read_reply(&config(), &add(), &response).is_ok());
        assert!(matches!(
            crate::read_reply(&payout_secret_config(), &add(), &response),
            Err(ErrorKind::SignatureInvalid { .. })
        ));
    }
}
