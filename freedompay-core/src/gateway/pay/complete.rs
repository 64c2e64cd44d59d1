//! `POST /g2g/paymentAcs`: the card payment, finished after the payer's 3-D Secure.

use crate::gateway::not_empty;
use crate::{PaymentId, SecretKind, Status};

operation! {
    /// Finishes a card payment after the payer passed the issuer's 3-D Secure page
    /// (`/g2g/paymentAcs`, payment secret; docs.freedompay.kz api-9586999,
    /// docs.freedompay.kg api-13677808, freedompay.kz /docs-en/gateway-api/pay "Making a
    /// payment with 3DSecure after receiving data from the ACS server").
    ///
    /// `md` and `pa_res` are the `MD` and `PaRes` the issuer POSTed to your `TermUrl` (see
    /// [`AcsRedirect`](crate::gateway::AcsRedirect)); `payment_id` is
    /// [`CardPaymentResult::payment_id`](crate::gateway::CardPaymentResult::payment_id).
    ///
    /// Moves money (the authorization happens here): never resent after a failure that may
    /// have reached the gateway; find out with
    /// [`CardPaymentStatus`](crate::gateway::CardPaymentStatus).
    ///
    /// The navigation names this page `3DSecure`; its path is `paymentAcs` on the KZ text page
    /// and the KG reference page alike.
    ///
    /// ```
    /// use freedompay_core::gateway::CompleteCardPayment;
    /// use freedompay_core::PaymentId;
    ///
    /// // What the issuer posted to the TermUrl:
    /// let (md, pa_res) = ("abc123456", "eJzVWNmyo7gS/BV/");
    /// let finish = CompleteCardPayment::new(PaymentId::new(1_234_567_890)?, md, pa_res);
    /// # let _ = finish;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CompleteCardPayment => CardPaymentCompleted {
        name: "gateway_complete_card_payment",
        path: "/g2g/paymentAcs",
        secret: SecretKind::Payment,
        moves_money: true;
        fn checked(payment_id: PaymentId, md: String, pa_res: String);
        "pg_payment_id" => payment_id,
        "pg_md" => md [check not_empty],
        "pg_pares" => pa_res [check not_empty],
    }
}

impl CompleteCardPayment {
    /// Finishes payment `payment_id` with the issuer's `MD` and `PaRes`.
    pub fn new(payment_id: PaymentId, md: impl Into<String>, pa_res: impl Into<String>) -> Self {
        Self::checked(payment_id, md.into(), pa_res.into())
    }
}

reply! {
    /// The gateway's answer after 3-D Secure (docs.freedompay.kg api-13677808's sample).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct CardPaymentCompleted {
        /// `pg_payment_id`.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_auth_code`: the bank's authorization code.
        auth_code: Option<String> = "pg_auth_code",
        /// `pg_reference`: the bank's reference (RRN).
        reference: Option<String> = "pg_reference",
        /// `pg_datetime`, as written by the gateway (ISO 8601 in the sample).
        datetime: Option<String> = "pg_datetime",
        /// `pg_card_id`: the saved card's id (deprecated; when the card was saved).
        card_id: Option<String> = "pg_card_id",
        /// `pg_card_token`: the saved card's token, for later payments (when the card was
        /// saved with `pg_save_card` and `pg_user_id`).
        card_token: Option<String> = "pg_card_token",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::gateway::assert_gateway_snapshot;
    use crate::testing::wire;

    #[test]
    fn wire_request() {
        assert_gateway_snapshot!(wire(&CompleteCardPayment::new(
            PaymentId::new(1_234_567_890).unwrap(),
            "abc123456",
            "eJzVWNmyo7gS"
        )));
    }

    #[test]
    fn empty_acs_fields_are_refused() {
        let op = CompleteCardPayment::new(PaymentId::new(1).unwrap(), "md", " ");
        let error =
            crate::prepare(&crate::testing::config(), &op, &crate::testing::salt()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_pares"));
    }
}
