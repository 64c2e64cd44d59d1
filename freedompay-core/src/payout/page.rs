//! `POST /api/reg2nonreg`: the payout page, where the recipient types their card number.

use freedompay_sign::Fields;

use super::text::check_email;
use crate::{
    Amount, Config, DateTime, Description, InvalidInput, Operation, OrderId, PaymentId, ReadError,
    Response, SecretKind, Status, Url, UserId,
};

/// Creates a payout page (`/api/reg2nonreg`, payout secret; seeds 000, 002): FreedomPay
/// answers a URL where the recipient enters their card number, then pays out to that card.
///
/// Send the recipient's browser to [`PayoutPageResult::redirect_url`]. The outcome is
/// reported to `post_link` (read it with
/// [`PayoutNotification`](super::PayoutNotification)); the recipient comes back to
/// `back_link`. The page expires at `order_time_limit`, in the gateway's local time (the SDK
/// reads no clock: compute it yourself). Never resent after a failure that may have reached
/// the gateway.
///
/// ```
/// use freedompay_core::{Amount, DateTime, Description, OrderId, Url, payout::PayoutPage};
///
/// let page = PayoutPage::new(
///     OrderId::new("payout-42")?,
///     Amount::parse("1500.50")?,
///     Description::new("Cashback for November")?,
///     Url::new("https://shop.kz/payouts/done")?,
///     Url::new("https://shop.kz/freedompay/payout-notify")?,
///     DateTime::parse("2026-12-31 12:00:00")?,
/// )
/// .user_email("mail@customer.kz")
/// .in_frame();
/// # let _ = page;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutPage {
    order_id: OrderId,
    amount: Amount,
    description: Description,
    back_link: Url,
    post_link: Url,
    order_time_limit: DateTime,
    user_id: Option<UserId>,
    in_frame: bool,
    user_email: Option<String>,
}

impl PayoutPage {
    /// A payout page for `amount`, open until `order_time_limit`. FreedomPay notifies
    /// `post_link` of the outcome and sends the recipient back to `back_link`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        back_link: Url,
        post_link: Url,
        order_time_limit: DateTime,
    ) -> Self {
        Self {
            order_id,
            amount,
            description,
            back_link,
            post_link,
            order_time_limit,
            user_id: None,
            in_frame: false,
            user_email: None,
        }
    }

    /// `pg_user_id`: the recipient's id in the merchant's system.
    pub fn user_id(mut self, user_id: UserId) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// `pg_payment_route=frame`: the page is shown in an iframe (the manager must enable it).
    pub fn in_frame(mut self) -> Self {
        self.in_frame = true;
        self
    }

    /// `pg_user_email`: the recipient's e-mail (checked when the request is prepared: one `@`,
    /// a domain with a dot, at most 255 characters).
    pub fn user_email(mut self, email: impl Into<String>) -> Self {
        self.user_email = Some(email.into());
        self
    }
}

/// The gateway's answer to a payout page request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutPageResult {
    /// `pg_payment_id`: the payout's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_status`: `ok` when the page was created.
    pub status: Status,
    /// `pg_redirect_url`: where to send the recipient.
    pub redirect_url: String,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for PayoutPage {
    type Output = PayoutPageResult;
    const NAME: &'static str = "payout_page";
    const PATH: &'static str = "/api/reg2nonreg";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_description", self.description.as_str());
        fields.push("pg_back_link", self.back_link.as_str());
        fields.push("pg_post_link", self.post_link.as_str());
        fields.push("pg_order_time_limit", self.order_time_limit.to_string());
        if let Some(user_id) = &self.user_id {
            fields.push("pg_user_id", user_id.as_str());
        }
        if self.in_frame {
            fields.push("pg_payment_route", "frame");
        }
        if let Some(email) = &self.user_email {
            check_email("pg_user_email", email)?;
            fields.push("pg_user_email", email.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<PayoutPageResult, ReadError> {
        Ok(PayoutPageResult {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            redirect_url: reply.required("pg_redirect_url")?.to_owned(),
            merchant_id: reply.get("pg_merchant_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, config, reply, salt, wire};
    use crate::{ErrorCode, ErrorKind, prepare};

    fn page() -> PayoutPage {
        PayoutPage::new(
            OrderId::new("order_1234").unwrap(),
            Amount::parse("10").unwrap(),
            Description::new("Payment Description").unwrap(),
            Url::new("http://site.kz/back").unwrap(),
            Url::new("http://site.kz/post").unwrap(),
            DateTime::parse("2020-12-31 12:00:00").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(
            &page()
                .user_id(UserId::new("1").unwrap())
                .in_frame()
                .user_email("mail@customer.kz")
        ));
    }

    #[test]
    fn wire_request_minimal() {
        insta::assert_snapshot!(wire(&page()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&page(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&page(), "payout/reg2nonreg.xml").expect("reads");
        assert_eq!(result.payment_id.get(), 987_654_321);
        assert_eq!(result.status, Status::Ok);
        assert_eq!(
            result.redirect_url,
            "https://customer.freedompay.kz/payout?customer=a1b2c3d4e5f6"
        );
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        let error = reply(&page(), "payout/reg2nonreg_error.xml").unwrap_err();
        match error {
            ErrorKind::Gateway(e) => {
                assert_eq!(e.code(), Some(ErrorCode::Validation));
                assert_eq!(e.description(), Some("Неверная валидация"));
            }
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }

    #[test]
    fn a_reply_without_redirect_url_is_malformed() {
        let error = reply(&page(), "payout/reg2nonreg_no_redirect.xml").unwrap_err();
        assert!(
            matches!(&error, ErrorKind::Malformed(m) if m.reason().contains("pg_redirect_url")),
            "{error:?}"
        );
    }

    #[test]
    fn a_bad_email_is_refused_before_sending() {
        let error = prepare(&config(), &page().user_email("not-an-email"), &salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_user_email"));
        assert!(!error.may_have_been_sent());
        assert_eq!(error.order_id(), Some("order_1234"));
    }
}
