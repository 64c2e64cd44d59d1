//! `POST /g2g/any_amount`: a payment page where the payer chooses the amount.

use freedompay_sign::Fields;

use crate::declare::within;
use crate::{Amount, Description, InvalidInput, OrderId, SecretKind};

use super::init::InitPaymentResult;
use super::page::{PageFields, page_setters};

operation! {
    /// Creates a "page with amount control" (`g2g/any_amount`, payment secret; seed 004): the
    /// payer may change the amount within the interval you give.
    ///
    /// The request takes the fields the documentation lists for this page (a subset of
    /// [`InitPayment`](super::InitPayment)'s) and the interval `pg_amount_interval_from` /
    /// `pg_amount_interval_to`, which the documentation types as integers: only whole amounts
    /// are accepted for them. The proposed amount's documented minimum is 0 (seed 004): pass
    /// [`Amount::ZERO`] to let the payer choose from nothing proposed. The reply is the same as a
    /// payment initiation's. Never resent after a failure that may have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::payment::AnyAmountPayment;
    /// use freedompay_core::{Amount, Description, OrderId};
    ///
    /// let donation = AnyAmountPayment::new(
    ///     OrderId::new("donation-7")?,
    ///     Amount::parse("1000")?,
    ///     Description::new("Donation")?,
    /// )
    /// .amount_interval(Amount::parse("500")?, Amount::parse("50000")?)
    /// .generate_qr(true);
    /// # let _ = donation;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AnyAmountPayment => InitPaymentResult {
        name: "any_amount_payment",
        path: "/g2g/any_amount",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A page proposing `amount` for the order (0 or more: seed 004 documents a minimum of 0).
        pub fn new(order_id: OrderId, amount: Amount, description: Description);
        "pg_order_id" => order_id,
        "pg_amount" => amount [check within(Amount::ZERO..=Amount::MAX, "must be 0 to 99999999")],
        "pg_description" => description,
        .. => with Self::write_interval,
        .. => page: PageFields = PageFields::default(),
        _ => interval: Option<(Amount, Amount)> = None,
    }
}

impl AnyAmountPayment {
    /// `pg_amount_interval_from` / `pg_amount_interval_to`: the lowest and highest amount the
    /// payer may choose; whole amounts, `from` at most `to`. Checked when the request is
    /// prepared.
    pub fn amount_interval(mut self, from: Amount, to: Amount) -> Self {
        self.interval = Some((from, to));
        self
    }

    fn write_interval(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if let Some((from, to)) = self.interval {
            if from > to {
                return Err(InvalidInput::new(
                    "pg_amount_interval_from",
                    "must not be above pg_amount_interval_to",
                ));
            }
            fields.push(
                "pg_amount_interval_from",
                whole("pg_amount_interval_from", from)?,
            );
            fields.push("pg_amount_interval_to", whole("pg_amount_interval_to", to)?);
        }
        Ok(())
    }

    page_setters! {
        currency, check_url, result_url, request_method, success_url, failure_url,
        success_url_method, failure_url_method, site_url, lifetime_seconds, user_phone,
        user_contact_email, user_ip, language, testing_mode, user_id, param1, param2,
        param3, payment_method, generate_qr, idempotency_key, loyalty_id,
        loyalty_amount, freedom_id, custom_field,
    }
}

fn whole(field: &'static str, amount: Amount) -> Result<String, InvalidInput> {
    if amount.minor_units() % 100 != 0 {
        return Err(InvalidInput::new(
            field,
            "must be a whole amount (the documentation types it as an integer)",
        ));
    }
    Ok(amount.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::RequestMethod;
    use crate::testing::{config, salt, wire};
    use crate::{Currency, ErrorKind, Url, prepare};

    fn page() -> AnyAmountPayment {
        AnyAmountPayment::new(
            OrderId::new("donation-7").unwrap(),
            Amount::parse("1000").unwrap(),
            Description::new("Donation").unwrap(),
        )
    }

    fn amount(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(
            &page()
                .amount_interval(amount("500"), amount("50000"))
                .currency(Currency::Kzt)
                .result_url(Url::new("https://shop.kz/freedompay/result").unwrap())
                .request_method(RequestMethod::Xml)
                .generate_qr(true)
        ));
    }

    #[test]
    fn the_interval_is_checked() {
        let field = |op: &AnyAmountPayment| match prepare(&config(), op, &salt())
            .unwrap_err()
            .into_kind()
        {
            ErrorKind::InvalidInput(e) => e.field().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(&page().amount_interval(amount("600"), amount("500"))),
            "pg_amount_interval_from"
        );
        assert_eq!(
            field(&page().amount_interval(amount("500.50"), amount("600"))),
            "pg_amount_interval_from"
        );
        assert_eq!(
            field(&page().amount_interval(amount("500"), amount("600.01"))),
            "pg_amount_interval_to"
        );
        prepare(
            &config(),
            &page().amount_interval(amount("500"), amount("500")),
            &salt(),
        )
        .unwrap();
    }

    /// Seed 004: "pg_amount ... Minimum 0": the page may propose nothing and let the payer
    /// choose; a negative amount is still refused.
    #[test]
    fn the_amount_may_be_zero() {
        let zero = AnyAmountPayment::new(
            OrderId::new("donation-7").unwrap(),
            Amount::ZERO,
            Description::new("Donation").unwrap(),
        );
        let request = prepare(&config(), &zero, &salt()).expect("zero is accepted");
        let fields = crate::form::decode(request.body()).unwrap();
        assert_eq!(fields.text("pg_amount"), Some("0"));
        let negative = AnyAmountPayment::new(
            OrderId::new("donation-7").unwrap(),
            Amount::from_gateway("-1").unwrap(),
            Description::new("Donation").unwrap(),
        );
        let error = prepare(&config(), &negative, &salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_amount"));
    }

    /// Other pay-ins keep the 0.01 minimum: zero is refused before anything is sent.
    #[test]
    fn a_zero_amount_is_refused_elsewhere() {
        let init = crate::payment::InitPayment::new(
            OrderId::new("order-1").unwrap(),
            Amount::ZERO,
            Description::new("Order").unwrap(),
        );
        let error = prepare(&config(), &init, &salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_amount"));
        assert!(!error.may_have_been_sent());
    }
}
