//! `POST /v1/merchant/{merchant_id}/card/init`: create a payment with a saved card.

use freedompay_sign::Fields;

use crate::payment::CardRef;
use crate::payment::page::{PageFields, page_setters};
use crate::{
    Amount, Config, Description, InvalidInput, Operation, OrderId, PaymentId, ReadError, Response,
    SecretKind, Status, UserId,
};

/// Creates a payment with a saved card (`card/init`, script `init`, payment secret;
/// PROTOCOL.md §1.5). Then either send the payer to [`CardPayLink`](super::CardPayLink)
/// (CVC and 3-D Secure in the browser) or charge without the payer with
/// [`DirectCardPayment`](super::DirectCardPayment) (when the merchant is allowed
/// "non-acceptance" payments).
///
/// The documentation lists the fields without required marks; the amount, order id, user id,
/// card and description are required here. Moves money: never resent after a failure that
/// may have reached the gateway.
///
/// ```
/// use freedompay_core::payment::{CardRef, InitCardPayment};
/// use freedompay_core::{Amount, Description, OrderId, Url, UserId};
///
/// let init = InitCardPayment::new(
///     OrderId::new("order-44")?,
///     Amount::parse("990")?,
///     Description::new("Order 44")?,
///     UserId::new("user-7")?,
///     CardRef::token("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e")?,
/// )
/// .result_url(Url::new("https://shop.kz/freedompay/result")?);
/// # let _ = init;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitCardPayment {
    order_id: OrderId,
    amount: Amount,
    description: Description,
    card: CardRef,
    page: PageFields,
}

impl InitCardPayment {
    /// A payment of `amount` with `card`, saved for `user_id`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        user_id: UserId,
        card: CardRef,
    ) -> Self {
        Self {
            order_id,
            amount,
            description,
            card,
            page: PageFields {
                user_id: Some(user_id),
                ..PageFields::default()
            },
        }
    }

    page_setters!(
        result_url,
        success_url,
        failure_url,
        user_ip,
        user_phone,
        user_email,
        receipt_position,
        params,
        idempotency_key,
        loyalty,
    );
}

/// The gateway's answer to a saved-card payment's creation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitCardPaymentResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_payment_id`: confirm or charge the payment with it.
    pub payment_id: PaymentId,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for InitCardPayment {
    type Output = InitCardPaymentResult;
    const NAME: &'static str = "init_card_payment";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/card/init";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_description", self.description.as_str());
        self.card.write(fields)?;
        self.page.write(fields)
    }

    fn read(&self, reply: &Response<'_>) -> Result<InitCardPaymentResult, ReadError> {
        Ok(InitCardPaymentResult {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv6Addr};

    use super::*;
    use crate::payment::{ReceiptPosition, TaxType};
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorKind, IdempotencyKey, Phone, Url};

    fn init() -> InitCardPayment {
        InitCardPayment::new(
            OrderId::new("order-44").unwrap(),
            Amount::parse("990").unwrap(),
            Description::new("Order 44").unwrap(),
            UserId::new("user-7").unwrap(),
            CardRef::token("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(
            &init()
                .result_url(Url::new("https://shop.kz/freedompay/result").unwrap())
                .success_url(Url::new("https://shop.kz/freedompay/success").unwrap())
                .failure_url(Url::new("https://shop.kz/freedompay/failure").unwrap())
                .user_ip(IpAddr::V6(Ipv6Addr::LOCALHOST))
                .user_phone(Phone::new("77017777777").unwrap())
                .user_email("payer@example.kz")
                .receipt_position(
                    ReceiptPosition::new("Tea", 1, Amount::parse("990").unwrap(), TaxType::Vat12)
                        .unwrap()
                )
                .param1("p1")
                .idempotency_key(IdempotencyKey::new("order-44").unwrap())
                .loyalty_id("loyal-1")
        ));
    }

    #[test]
    fn wire_request_minimal() {
        assert_payment_snapshot!(wire(&init()));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&init(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&init(), "payment/card_init.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 123_457_100);
        assert_eq!(result.order_id.as_deref(), Some("order-44"));
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&init(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
    }
}
