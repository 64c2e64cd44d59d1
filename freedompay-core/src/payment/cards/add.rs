//! `POST /v1/merchant/{merchant_id}/cardstorage/add2`: save a payer's card.

use freedompay_sign::Fields;

use crate::{
    Config, InvalidInput, Operation, OrderId, PaymentId, ReadError, Response, SecretKind, Status,
    Url, UserId,
};

/// Starts saving a payer's card (`cardstorage/add2`, script `add2`, payment secret;
/// PROTOCOL.md §1.5): the reply's URL is a page where the payer enters the card. FreedomPay
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
pub struct AddCard {
    user_id: UserId,
    post_link: Url,
    back_link: Url,
    order_id: Option<OrderId>,
}

impl AddCard {
    /// Saves a card for `user_id`; FreedomPay notifies `post_link` and sends the payer back
    /// to `back_link`.
    pub fn new(user_id: UserId, post_link: Url, back_link: Url) -> Self {
        Self {
            user_id,
            post_link,
            back_link,
            order_id: None,
        }
    }

    /// `pg_order_id`: the merchant's id of this request.
    pub fn order_id(mut self, order_id: OrderId) -> Self {
        self.order_id = Some(order_id);
        self
    }
}

/// The gateway's answer to a card-saving request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddCardResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_redirect_url`: the page where the payer enters the card.
    pub redirect_url: String,
    /// `pg_payment_id`: the id of the card-saving operation.
    pub payment_id: Option<PaymentId>,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for AddCard {
    type Output = AddCardResult;
    const NAME: &'static str = "add_card";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/cardstorage/add2";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        self.order_id.as_ref().map(OrderId::as_str)
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_user_id", self.user_id.as_str());
        if let Some(order) = &self.order_id {
            fields.push("pg_order_id", order.as_str());
        }
        fields.push("pg_post_link", self.post_link.as_str());
        fields.push("pg_back_link", self.back_link.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<AddCardResult, ReadError> {
        Ok(AddCardResult {
            status: reply.require("pg_status")?,
            redirect_url: reply.required("pg_redirect_url")?.to_owned(),
            payment_id: reply.get("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

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

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&add(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&add(), "payment/cardstorage_add2.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(
            result.redirect_url,
            "https://customer.freedompay.kz/card/add?token=4c2a"
        );
        assert_eq!(result.payment_id.map(PaymentId::get), Some(123_457_000));
        assert_eq!(result.order_id.as_deref(), Some("card-1"));
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&add(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
    }
}
