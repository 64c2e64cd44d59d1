//! `POST /g2g/any_amount`: a payment page where the payer chooses the amount.

use freedompay_sign::Fields;

use crate::{
    Amount, Config, Description, InvalidInput, Operation, OrderId, ReadError, Response, SecretKind,
};

use super::init::{InitPaymentResult, read_page};
use super::page::{PageFields, page_setters};

/// Creates a "page with amount control" (`g2g/any_amount`, payment secret; seed 004): the
/// payer may change the amount within the interval you give.
///
/// The request takes the fields the documentation lists for this page (a subset of
/// [`InitPayment`](super::InitPayment)'s) and the interval `pg_amount_interval_from` /
/// `pg_amount_interval_to`, which the documentation types as integers: only whole amounts
/// are accepted for them. The reply is the same as a payment initiation's. Never resent
/// after a failure that may have reached the gateway.
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
pub struct AnyAmountPayment {
    order_id: OrderId,
    amount: Amount,
    description: Description,
    interval: Option<(Amount, Amount)>,
    page: PageFields,
}

impl AnyAmountPayment {
    /// A page proposing `amount` for the order.
    pub fn new(order_id: OrderId, amount: Amount, description: Description) -> Self {
        Self {
            order_id,
            amount,
            description,
            interval: None,
            page: PageFields::default(),
        }
    }

    /// `pg_amount_interval_from` / `pg_amount_interval_to`: the lowest and highest amount the
    /// payer may choose; whole amounts, `from` at most `to`. Checked when the request is
    /// prepared.
    pub fn amount_interval(mut self, from: Amount, to: Amount) -> Self {
        self.interval = Some((from, to));
        self
    }

    page_setters!(
        currency,
        check_url,
        result_url,
        request_method,
        success_url,
        failure_url,
        success_url_method,
        failure_url_method,
        site_url,
        lifetime_seconds,
        user_phone,
        user_contact_email,
        user_ip,
        language,
        testing_mode,
        user_id,
        params,
        payment_method,
        generate_qr,
        idempotency_key,
        loyalty,
        custom_field,
    );
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

impl Operation for AnyAmountPayment {
    type Output = InitPaymentResult;
    const NAME: &'static str = "any_amount_payment";
    const PATH: &'static str = "/g2g/any_amount";
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
        self.page.write(fields)
    }

    fn read(&self, reply: &Response<'_>) -> Result<InitPaymentResult, ReadError> {
        read_page(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::RequestMethod;
    use crate::testing::{assert_signed_with, config, reply, salt, wire};
    use crate::{Currency, ErrorKind, Status, Url, prepare};

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
    fn signed_with_the_payment_secret() {
        assert_signed_with(&page(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_seed_reply() {
        let result = reply(&page(), "payment/any_amount.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 123_456);
        assert_eq!(result.redirect_url, "https://customer.freedompay.kz/");
        assert_eq!(result.redirect_url_type.as_deref(), Some("need data"));
        assert_eq!(result.redirect_qr.as_deref(), Some("..."));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&page(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
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
}
