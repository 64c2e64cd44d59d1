//! `POST /v1/merchant/{merchant_id}/card/init`: create a payment with a saved card.

use crate::declare::amount_to_send;
use crate::payment::CardRef;
use crate::payment::page::{PageFields, page_setters};
use crate::{Amount, Description, OrderId, PaymentId, SecretKind, Status, UserId};

operation! {
    /// Creates a payment with a saved card (`card/init`, script `init`, payment secret;
    /// docs/protocol.md §1.5). Then either send the payer to [`CardPayLink`](super::CardPayLink)
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
    pub struct InitCardPayment => InitCardPaymentResult {
        name: "init_card_payment",
        path: "/v1/merchant/{merchant_id}/card/init",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A payment of `amount` with `card`, saved for `user_id`.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            description: Description,
            user_id: UserId,
            card: CardRef,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        .. => card,
        // Where the page group writes it: none of the page fields before it can be set here.
        "pg_user_id" => user_id,
        .. => page: PageFields = PageFields::default(),
    }
}

impl InitCardPayment {
    page_setters! {
        result_url, success_url, failure_url, user_ip, user_phone, user_email,
        receipt_position, param1, param2, param3, idempotency_key, loyalty_id,
        loyalty_amount, freedom_id,
    }
}

reply! {
    /// The gateway's answer to a saved-card payment's creation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct InitCardPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`: confirm or charge the payment with it.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv6Addr};

    use super::*;
    use crate::payment::{ReceiptPosition, TaxType};
    use crate::testing::wire;
    use crate::{IdempotencyKey, Phone, Url};

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
}
