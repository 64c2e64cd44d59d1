//! `POST /init_payment.php`: create a payment and get the payment page's URL.

use crate::declare::amount_to_send;
use crate::{Amount, Description, OrderId, PaymentId, Phone, SecretKind, Status};

use super::options::PaymentMethod;
use super::page::{PageFields, page_setters};

operation! {
    /// Creates a payment (`init_payment.php`, payment secret; docs/protocol.md §1.1) and returns the
    /// URL of the page where the payer pays.
    ///
    /// Every documented field of the request is a builder method; limits are checked when the
    /// request is prepared, before anything is signed or sent. The order id is required here
    /// although newer documentation pages mark it optional (older ones required it): it is
    /// what an unknown outcome is reconciled by, with [`PaymentStatus::by_order_id`](super::PaymentStatus::by_order_id).
    /// Never resent after a failure that may have reached the gateway.
    ///
    /// The same request opens the page without a server call as a signed browser redirect:
    /// see [`PaymentRedirect`](super::PaymentRedirect).
    ///
    /// ```
    /// use freedompay_core::payment::{InitPayment, Language, ReceiptPosition, RequestMethod, TaxType};
    /// use freedompay_core::{Amount, Currency, Description, OrderId, Url};
    ///
    /// let init = InitPayment::new(
    ///     OrderId::new("order-42")?,
    ///     Amount::parse("1500")?,
    ///     Description::new("Order 42")?,
    /// )
    /// .currency(Currency::Kzt)
    /// .language(Language::Kk)
    /// .lifetime_seconds(3600)
    /// .result_url(Url::new("https://shop.kz/freedompay/result")?)
    /// .request_method(RequestMethod::Post)
    /// .receipt_position(ReceiptPosition::new("Mouse pad", 3, Amount::parse("500")?, TaxType::NoVat)?)
    /// .custom_field("cart_id", "c-17");
    /// # let _ = init;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct InitPayment => InitPaymentResult {
        name: "init_payment",
        path: "/init_payment.php",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A payment of `amount` for the order, described to the payer by `description`.
        pub fn new(order_id: OrderId, amount: Amount, description: Description);
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        .. => page: PageFields = PageFields::default(),
    }
}

impl InitPayment {
    /// A payment from the payer's mobile phone balance (docs/protocol.md §1.7): the same request
    /// with `pg_payment_method=mobile_commerce` and `pg_user_phone`. Continue with
    /// [`MobilePayment`](super::MobilePayment) and, when asked, [`ApproveMobilePayment`](super::ApproveMobilePayment).
    pub fn mobile_commerce(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        phone: Phone,
    ) -> Self {
        Self::new(order_id, amount, description)
            .payment_method(PaymentMethod::MobileCommerce)
            .user_phone(phone)
    }

    page_setters! {
        currency, testing_mode, lifetime_seconds, language, auto_clearing,
        recurring_start, recurring_lifetime_months, timeout_after_payment,
        challenge_3ds, user_id, user_ip, user_phone, user_contact_email, user_email,
        payment_method, payment_system, request_method, check_url, result_url,
        refund_url, capture_url, success_url, success_url_method, failure_url,
        failure_url_method, state_url, state_url_method, site_url, postpone_payment,
        param1, param2, param3, in_frame, receipt_position, idempotency_key,
        generate_qr, commission_discount, loyalty_id, loyalty_amount, freedom_id,
        custom_field,
    }

    /// The order id.
    pub fn order(&self) -> &OrderId {
        &self.order_id
    }

    /// The amount.
    pub fn amount(&self) -> Amount {
        self.amount
    }
}

reply! {
    /// The gateway's answer to a payment initiation: where to send the payer.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct InitPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`: the payment's id at FreedomPay.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_redirect_url`: the payment page; send the payer there.
        redirect_url: String = "pg_redirect_url",
        /// `pg_redirect_url_type`, as received (`need data` in the documentation's example;
        /// integrations also report `payment system`).
        redirect_url_type: Option<String> = "pg_redirect_url_type",
        /// `pg_redirect_qr`: a QR code of the payment page (base64), when asked for with
        /// `generate_qr`.
        redirect_qr: Option<String> = "pg_redirect_qr",
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use freedompay_sign::Salt;

    use super::*;
    use crate::payment::{Language, ReceiptPosition, RedirectMethod, RequestMethod, TaxType};
    use crate::testing::{assert_signed_with, config, salt, wire};
    use crate::{Config, Currency, ErrorKind, IdempotencyKey, Url, UserId, prepare};

    fn init() -> InitPayment {
        InitPayment::new(
            OrderId::new("order-42").unwrap(),
            Amount::parse("1500").unwrap(),
            Description::new("Order 42").unwrap(),
        )
    }

    fn url(path: &str) -> Url {
        Url::new(format!("https://shop.kz/freedompay/{path}")).unwrap()
    }

    fn every_field() -> InitPayment {
        init()
            .currency(Currency::Kzt)
            .testing_mode(true)
            .lifetime_seconds(3600)
            .language(Language::Kk)
            .auto_clearing(false)
            .recurring_start(true)
            .recurring_lifetime_months(12)
            .timeout_after_payment(5)
            .challenge_3ds(true)
            .user_id(UserId::new("user-7").unwrap())
            .user_ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)))
            .user_phone(Phone::new("+7 701 777 77 77").unwrap())
            .user_contact_email("payer@example.kz")
            .user_email("payer@example.kz")
            .payment_method(PaymentMethod::BankCard)
            .payment_system("EPAYWEBKZT")
            .request_method(RequestMethod::Post)
            .check_url(url("check"))
            .result_url(url("result"))
            .refund_url(url("refund"))
            .capture_url(url("capture"))
            .success_url(url("success"))
            .success_url_method(RedirectMethod::Get)
            .failure_url(url("failure"))
            .failure_url_method(RedirectMethod::AutoPost)
            .state_url(url("state"))
            .state_url_method(RedirectMethod::Post)
            .site_url("https://shop.kz")
            .postpone_payment(false)
            .param1("first")
            .param2("second")
            .param3("third")
            .in_frame()
            .receipt_position(
                ReceiptPosition::new(
                    "Mouse pad",
                    2,
                    Amount::parse("500").unwrap(),
                    TaxType::NoVat,
                )
                .unwrap(),
            )
            .receipt_position(
                ReceiptPosition::new("Cable", 1, Amount::parse("500").unwrap(), TaxType::Vat12)
                    .unwrap(),
            )
            .idempotency_key(IdempotencyKey::new("init-order-42").unwrap())
            .generate_qr(true)
            .commission_discount(false)
            .loyalty_id("loyal-1")
            .loyalty_amount(Amount::parse("10").unwrap())
            .freedom_id("fid-1")
            .custom_field("cart_id", "c-17")
            .custom_field("shop_ref", "Оплата №1")
    }

    #[test]
    fn wire_request_minimal() {
        insta::assert_snapshot!(wire(&init()));
    }

    #[test]
    fn wire_request_with_every_field() {
        insta::assert_snapshot!(wire(&every_field()));
    }

    #[test]
    fn wire_request_mobile_commerce() {
        insta::assert_snapshot!(wire(&InitPayment::mobile_commerce(
            OrderId::new("order-43").unwrap(),
            Amount::parse("200").unwrap(),
            Description::new("Top-up").unwrap(),
            Phone::new("77017777777").unwrap(),
        )));
    }

    #[test]
    fn every_field_is_signed_with_the_payment_secret() {
        assert_signed_with(&every_field(), SecretKind::Payment);
    }

    /// docs/protocol.md §2.2, flat vector: `init_payment.php;25;test;123456;23;molbulak;TESTSECRET`.
    #[test]
    fn reproduces_the_flat_reference_vector() {
        let config = Config::builder()
            .merchant_id("123456")
            .secret_key("TESTSECRET")
            .build()
            .unwrap();
        let op = InitPayment::new(
            OrderId::new("23").unwrap(),
            Amount::parse("25").unwrap(),
            Description::new("test").unwrap(),
        );
        let fields =
            crate::operation_fields(&config, &op, &Salt::new("molbulak").unwrap()).unwrap();
        assert_eq!(
            fields.text("pg_sig"),
            Some("fe9aa0d66e010d645bafe82364540b1a")
        );
    }

    /// Twelve receipt positions sort 0, 10, 1, 11, 2, ... in the signature (docs/protocol.md
    /// §2.3); the expected signature was computed by `tools/php-reference/check-vectors.php`.
    #[test]
    fn twelve_receipt_positions_sign_as_php_does() {
        let op = (0..12).fold(init(), |op, i| {
            op.receipt_position(
                ReceiptPosition::new(
                    format!("Item {i}"),
                    1,
                    Amount::from_minor(10_000 + 100 * i).unwrap(),
                    TaxType::NoVat,
                )
                .unwrap(),
            )
        });
        let fields = crate::operation_fields(&config(), &op, &salt()).unwrap();
        assert_eq!(
            fields.text("pg_sig"),
            Some("44221768c1f2e5bfd96adf0adde04f1d")
        );
    }

    fn refused(op: &InitPayment) -> String {
        let error = prepare(&config(), op, &salt()).unwrap_err();
        assert!(!error.may_have_been_sent());
        assert!(!error.outcome_unknown());
        match error.kind() {
            ErrorKind::InvalidInput(e) => e.field().to_owned(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    fn accepted(op: &InitPayment) {
        prepare(&config(), op, &salt()).expect("accepted");
    }

    #[test]
    fn lifetime_limits() {
        assert_eq!(refused(&init().lifetime_seconds(299)), "pg_lifetime");
        accepted(&init().lifetime_seconds(300));
        accepted(&init().lifetime_seconds(604_800));
        assert_eq!(refused(&init().lifetime_seconds(604_801)), "pg_lifetime");
    }

    #[test]
    fn recurring_lifetime_limits() {
        assert_eq!(
            refused(&init().recurring_lifetime_months(0)),
            "pg_recurring_lifetime"
        );
        accepted(&init().recurring_lifetime_months(1));
        accepted(&init().recurring_lifetime_months(156));
        assert_eq!(
            refused(&init().recurring_lifetime_months(157)),
            "pg_recurring_lifetime"
        );
    }

    #[test]
    fn param_limits() {
        accepted(&init().param1("ж".repeat(255)));
        assert_eq!(refused(&init().param1("ж".repeat(256))), "pg_param1");
        accepted(&init().param2("x".repeat(255)));
        assert_eq!(refused(&init().param2("x".repeat(256))), "pg_param2");
        accepted(&init().param3("x".repeat(255)));
        assert_eq!(refused(&init().param3("x".repeat(256))), "pg_param3");
    }

    #[test]
    fn other_limits() {
        assert_eq!(
            refused(&init().timeout_after_payment(0)),
            "pg_timeout_after_payment"
        );
        accepted(&init().timeout_after_payment(1));
        assert_eq!(refused(&init().user_email("not an email")), "pg_user_email");
        assert_eq!(
            refused(&init().user_contact_email("payer@")),
            "pg_user_contact_email"
        );
        assert_eq!(refused(&init().site_url("shop.kz")), "pg_site_url");
        assert_eq!(
            refused(&init().language(Language::Unknown(String::new()))),
            "pg_language"
        );
        assert_eq!(
            refused(&init().payment_system("EPAY WEB")),
            "pg_payment_system"
        );
    }

    #[test]
    fn custom_field_names() {
        accepted(
            &init()
                .custom_field("cart_id", "1")
                .custom_field("cart", "2"),
        );
        assert_eq!(refused(&init().custom_field("pg_cart", "1")), "pg_cart");
        assert_eq!(refused(&init().custom_field("Cart", "1")), "Cart");
        assert_eq!(refused(&init().custom_field("9cart", "1")), "9cart");
        assert_eq!(refused(&init().custom_field("cart.id", "1")), "cart.id");
        assert_eq!(
            refused(&init().custom_field("cart", "1").custom_field("cart", "2")),
            "cart"
        );
        assert_eq!(
            refused(&init().custom_field("item", "1").custom_field("item1", "2")),
            "item1"
        );
    }

    #[test]
    fn custom_fields_are_signed_and_sent() {
        let request = prepare(&config(), &init().custom_field("cart_id", "c-17"), &salt()).unwrap();
        let body = String::from_utf8(request.body().to_vec()).unwrap();
        assert!(body.contains("&cart_id=c-17&pg_salt="), "{body}");
        let mut fields = crate::form::decode(request.body()).unwrap();
        fields.set("cart_id", "c-18");
        let script = freedompay_sign::ScriptName::new("init_payment.php").unwrap();
        assert!(
            freedompay_sign::verify(&script, &fields, config().secret(SecretKind::Payment))
                .is_err()
        );
    }
}
