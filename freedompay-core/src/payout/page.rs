//! `POST /api/reg2nonreg`: the payout page, where the recipient types their card number.

use super::text::check_email;
use crate::declare::amount_to_send;
use crate::{Amount, DateTime, Description, OrderId, PaymentId, SecretKind, Status, Url, UserId};

operation! {
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
    pub struct PayoutPage => PayoutPageResult {
        name: "payout_page",
        path: "/api/reg2nonreg",
        secret: SecretKind::Payout,
        moves_money: true,
        order_id: order_id;
        /// A payout page for `amount`, open until `order_time_limit`. FreedomPay notifies
        /// `post_link` of the outcome and sends the recipient back to `back_link`.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            description: Description,
            back_link: Url,
            post_link: Url,
            order_time_limit: DateTime,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        "pg_back_link" => back_link,
        "pg_post_link" => post_link,
        "pg_order_time_limit" => order_time_limit,
        /// `pg_user_id`: the recipient's id in the merchant's system.
        "pg_user_id" => user_id: Option<UserId>,
        /// `pg_payment_route=frame`: the page is shown in an iframe (the manager must enable it).
        "pg_payment_route" => in_frame: flag = "frame",
        /// `pg_user_email`: the recipient's e-mail (checked when the request is prepared: one `@`,
        /// a domain with a dot, at most 255 characters).
        "pg_user_email" => user_email: Option<String> [check check_email],
    }
}

reply! {
    /// The gateway's answer to a payout page request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct PayoutPageResult {
        /// `pg_payment_id`: the payout's id at FreedomPay.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_status`: `ok` when the page was created.
        status: Status = "pg_status",
        /// `pg_redirect_url`: where to send the recipient.
        redirect_url: String = "pg_redirect_url",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{config, salt, wire};
    use crate::{ErrorKind, prepare};

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
    fn a_bad_email_is_refused_before_sending() {
        let error = prepare(&config(), &page().user_email("not-an-email"), &salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_user_email"));
        assert!(!error.may_have_been_sent());
        assert_eq!(error.order_id(), Some("order_1234"));
    }
}
