//! `POST /g2g/payment`: a card payment with the payer's card data.

use crate::declare::{FromReply, amount_to_send};
use crate::gateway::AcsRedirect;
use crate::{
    Amount, CardData, Currency, Description, InvalidInput, OrderId, PaymentId, Phone, ReadError,
    Response, SecretKind, Status, UserId,
};

operation! {
    /// Pays with card data the payer typed on the merchant's own form (`/g2g/payment`,
    /// payment secret; docs.freedompay.kz api-9586997, docs.freedompay.uz api-13679446,
    /// freedompay.kz /docs-en/gateway-api/pay).
    ///
    /// **PCI DSS**: this call carries card data ([`CardData`]); only a PCI DSS compliant
    /// merchant may make it, and FreedomPay opens it after the manager's permission.
    ///
    /// The reply either settles the payment, or asks for 3-D Secure
    /// ([`CardPaymentResult::three_ds`]): send the payer to the issuer with
    /// [`AcsRedirect::form_fields`] and finish with
    /// [`CompleteCardPayment`](crate::gateway::CompleteCardPayment). Without
    /// [`auto_clearing`](CardPayment::auto_clearing)`(true)` the money may only be held:
    /// clear it with [`ClearCardPayment`](crate::gateway::ClearCardPayment) or release it with
    /// [`CancelCardPayment`](crate::gateway::CancelCardPayment) (a hold neither cleared nor
    /// cancelled is cleared by the gateway after 5 days, docs.freedompay.kg doc-833002).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; find out
    /// with [`CardPaymentStatus`](crate::gateway::CardPaymentStatus) by the order id.
    ///
    /// Not modelled [?]: `pg_exchange_params` (`rate`, `rates_code`, `ex_date`: the
    /// documentation gives no meaning or format) and the "parameters required when paying
    /// through tokenized PS's" (the wallet payments of the Token family).
    ///
    /// ```
    /// use freedompay_core::gateway::CardPayment;
    /// use freedompay_core::{Amount, CardData, CardHolder, CardNumber, Cvc, Description, Expiry, OrderId};
    ///
    /// let card = CardData::new(
    ///     CardNumber::parse("4405645000006150")?, // the documentation's example card
    ///     Cvc::parse("653")?,
    ///     Expiry::new(9, 27)?,
    ///     CardHolder::new("TEST TESTOV")?,
    /// );
    /// card.check_not_expired_at(2026, 12)?; // today, as your clock says
    /// let pay = CardPayment::new(
    ///     OrderId::new("order-42")?,
    ///     Amount::parse("1500")?,
    ///     Description::new("Order 42")?,
    ///     card,
    /// )
    /// .auto_clearing(true);
    /// assert!(!format!("{pay:?}").contains("653"));
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CardPayment => CardPaymentResult {
        name: "gateway_card_payment",
        path: "/g2g/payment",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A payment of `amount` for `order_id` with `card`.
        pub fn new(order_id: OrderId, amount: Amount, description: Description, card: CardData);
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        /// `pg_currency`: the currency of the amount (the shop's by default; "in Kazakhstan
        /// only KZT is allowed", docs.freedompay.uz api-13679446).
        "pg_currency" => currency: Option<Currency>,
        "pg_description" => description,
        /// `pg_testing_mode`: a test payment (the shop's setting by default).
        "pg_testing_mode" => testing_mode: flag = "1",
        /// `pg_user_id`: the payer's id in the merchant's system.
        "pg_user_id" => user_id: Option<UserId>,
        /// `pg_user_email`: the payer's e-mail (for the anti-fraud service, SecureBox).
        "pg_user_email" => user_email: Option<String> [check email],
        /// `pg_user_phone`: the payer's phone, digits only with the country code.
        "pg_user_phone" => user_phone: Option<Phone>,
        .. => card,
        /// `pg_auto_clearing`: `true` charges the card at once (a one-step payment), `false`
        /// only holds the money until [`ClearCardPayment`](crate::gateway::ClearCardPayment)
        /// (two-step). The shop's setting when not sent.
        "pg_auto_clearing" => auto_clearing: Option<bool>,
        /// `pg_3ds_challenge`: asks the issuer for a 3-D Secure challenge (the issuer may
        /// ignore it).
        "pg_3ds_challenge" => require_3ds_challenge: flag = "1",
        /// `pg_param1`: free text echoed back (at most 255 characters).
        "pg_param1" => param1: Option<String> [check param],
        /// `pg_param2`: free text echoed back (at most 255 characters).
        "pg_param2" => param2: Option<String> [check param],
        /// `pg_param3`: free text echoed back (at most 255 characters).
        "pg_param3" => param3: Option<String> [check param],
    }
}

pub(crate) fn email(field: &'static str, email: &str) -> Result<(), InvalidInput> {
    let ok = email.len() <= 255
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    match ok && !email.contains(char::is_whitespace) {
        true => Ok(()),
        false => Err(InvalidInput::new(field, "must be an e-mail address")),
    }
}

fn param(field: &'static str, text: &str) -> Result<(), InvalidInput> {
    match text.chars().count() <= 255 {
        true => Ok(()),
        false => Err(InvalidInput::new(field, "must be at most 255 characters")),
    }
}

/// The gateway's answer to a card payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardPaymentResult {
    /// `pg_payment_id`: the payment's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_status` (`ok`).
    pub status: Status,
    /// The issuer's 3-D Secure step when it asks for one (`pg_3ds` = 1): the payment is not
    /// done until [`CompleteCardPayment`](crate::gateway::CompleteCardPayment).
    pub three_ds: Option<AcsRedirect>,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_auth_code`: the bank's authorization code (a payment without 3-D Secure) [?].
    pub auth_code: Option<String>,
    /// `pg_reference`: the bank's reference (RRN) [?].
    pub reference: Option<String>,
    /// `pg_datetime`, as written by the gateway [?].
    pub datetime: Option<String>,
}

impl CardPaymentResult {
    /// Whether the payer must pass 3-D Secure before the payment is done.
    pub fn needs_3ds(&self) -> bool {
        self.three_ds.is_some()
    }
}

impl FromReply for CardPaymentResult {
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError> {
        Ok(Self {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            three_ds: AcsRedirect::read(reply)?,
            order_id: reply.get("pg_order_id")?,
            auth_code: reply.get("pg_auth_code")?,
            reference: reply.get("pg_reference")?,
            datetime: reply.get("pg_datetime")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::gateway::assert_gateway_snapshot;
    use crate::gateway::testing::{card, card_wire};

    fn pay() -> CardPayment {
        CardPayment::new(
            OrderId::new("order-42").unwrap(),
            Amount::parse("1500").unwrap(),
            Description::new("Order 42").unwrap(),
            card(),
        )
    }

    #[test]
    fn wire_request() {
        assert_gateway_snapshot!(card_wire(
            &pay()
                .currency(Currency::Kzt)
                .user_id(UserId::new("user-7").unwrap())
                .user_email("payer@example.com")
                .user_phone(Phone::new("+77011234567").unwrap())
                .auto_clearing(false)
                .require_3ds_challenge()
                .param1("basket 7")
        ));
    }

    #[test]
    fn wire_request_minimal() {
        assert_gateway_snapshot!(card_wire(&pay()));
    }

    #[test]
    fn signed_with_the_payment_secret_and_never_printed() {
        crate::testing::assert_signed_with(&pay(), SecretKind::Payment);
        let debug = format!("{:?}", pay());
        assert!(
            !debug.contains("4405645000006150") && !debug.contains("653"),
            "{debug}"
        );
    }

    #[test]
    fn a_refusal_never_carries_card_data() {
        let zero = CardPayment::new(
            OrderId::new("order-42").unwrap(),
            Amount::ZERO,
            Description::new("Order 42").unwrap(),
            card(),
        );
        let error =
            crate::prepare(&crate::testing::config(), &zero, &crate::testing::salt()).unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(
            !text.contains("4405645000006150") && !text.contains("653"),
            "{text}"
        );
        assert!(!error.may_have_been_sent());
    }

    #[test]
    fn bad_email_is_refused_before_sending() {
        let bad = pay().user_email("not an email");
        let error =
            crate::prepare(&crate::testing::config(), &bad, &crate::testing::salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_user_email"));
    }
}
