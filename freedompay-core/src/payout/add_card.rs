//! `POST /v1/merchant/{merchant_id}/cardstoragepayout/add`: saving a card for payouts, and
//! the notification that it was saved.

use freedompay_sign::Fields;

use crate::{
    Config, InvalidInput, Operation, OrderId, PaymentId, ReadError, Response, SecretKind, Status,
    Url, UserId,
};

/// Starts saving a card for payouts (`/v1/merchant/{merchant_id}/cardstoragepayout/add`,
/// script `add`; PROTOCOL.md §1.6): FreedomPay answers a page where the user enters their
/// card; when it is saved, FreedomPay notifies `post_link` (read it with
/// [`PayoutCardAdded`](crate::notifications::PayoutCardAdded)) and sends the user back to `back_link`. Then pay out to it with
/// [`PayoutToSavedCard`](super::PayoutToSavedCard).
///
/// **Secret.** [`Config::card_storage_payout_secret`]: the **payment** secret by default,
/// which is what an integration reports the gateway accepts here (anything else got error
/// 1100); PROTOCOL.md §2.6 marks it uncertain, so the config can switch it
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
pub struct AddPayoutCard {
    user_id: UserId,
    post_link: Url,
    back_link: Url,
    order_id: Option<OrderId>,
}

impl AddPayoutCard {
    /// Saving a card for `user_id`; FreedomPay notifies `post_link` and sends the user back
    /// to `back_link`.
    pub fn new(user_id: UserId, post_link: Url, back_link: Url) -> Self {
        Self {
            user_id,
            post_link,
            back_link,
            order_id: None,
        }
    }

    /// `pg_order_id`: your id of this request.
    pub fn order_id(mut self, order_id: OrderId) -> Self {
        self.order_id = Some(order_id);
        self
    }
}

/// The page where the user enters the card to save.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddPayoutCardResult {
    /// `pg_status`: `ok`.
    pub status: Status,
    /// `pg_payment_id`: the id of the saving operation.
    pub payment_id: PaymentId,
    /// `pg_redirect_url`: where to send the user.
    pub redirect_url: String,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for AddPayoutCard {
    type Output = AddPayoutCardResult;
    const NAME: &'static str = "add_payout_card";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/cardstoragepayout/add";
    const MOVES_MONEY: bool = false;

    fn secret(&self, config: &Config) -> SecretKind {
        config.card_storage_payout_secret()
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_ref().map(OrderId::as_str)
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_user_id", self.user_id.as_str());
        fields.push("pg_post_link", self.post_link.as_str());
        fields.push("pg_back_link", self.back_link.as_str());
        if let Some(order_id) = &self.order_id {
            fields.push("pg_order_id", order_id.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<AddPayoutCardResult, ReadError> {
        Ok(AddPayoutCardResult {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            redirect_url: reply.required("pg_redirect_url")?.to_owned(),
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, verify};

    use super::*;
    use crate::testing::{PAYMENT_SECRET, PAYOUT_SECRET, config, reply, salt, wire};
    use crate::{ErrorCode, ErrorKind, form as wire_form, prepare};

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

    fn signed_by(config: &Config, op: &AddPayoutCard) -> SecretKind {
        let request = prepare(config, op, &salt()).unwrap();
        let fields = wire_form::decode(request.body()).unwrap();
        let script = ScriptName::new("add").unwrap();
        let payment = verify(&script, &fields, config.secret(SecretKind::Payment)).is_ok();
        let payout = verify(&script, &fields, config.secret(SecretKind::Payout)).is_ok();
        match (payment, payout) {
            (true, false) => SecretKind::Payment,
            (false, true) => SecretKind::Payout,
            other => panic!("signed by neither or both secrets: {other:?}"),
        }
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
    fn signed_with_the_payment_secret_by_default() {
        assert_eq!(signed_by(&config(), &add()), SecretKind::Payment);
    }

    #[test]
    fn signed_with_the_payout_secret_when_configured() {
        assert_eq!(
            signed_by(&payout_secret_config(), &add()),
            SecretKind::Payout
        );
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
    fn reads_the_reply() {
        let result = reply(&add(), "payout/cardstoragepayout_add.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 555_001);
        assert_eq!(
            result.redirect_url,
            "https://customer.freedompay.kz/v1/cardstoragepayout/add?id=4f1c2b"
        );
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
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

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&add(), "payout/cardstoragepayout_add_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::WrongScriptOrSecret)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
