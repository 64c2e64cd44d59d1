//! `POST /make_recurring_payment.php`: charge a recurring profile without the payer.

use crate::declare::amount_to_send;
use crate::{
    Amount, Currency, Description, IdempotencyKey, InvalidInput, OrderId, PaymentId, SecretKind,
    Status, Url,
};

use super::options::{RequestMethod, checked_token};

/// The id of a recurring profile (`pg_recurring_profile`), as FreedomPay reported it in the
/// result notification of the payment that created it (`pg_recurring_profile_id`) or in the
/// saved card list: 1 to 64 visible ASCII characters.
///
/// ```
/// use freedompay_core::payment::RecurringProfileId;
///
/// assert!(RecurringProfileId::new("35768492").is_ok());
/// assert!(RecurringProfileId::new("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecurringProfileId(String);

impl RecurringProfileId {
    /// Checks and takes a profile id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::new(
                "pg_recurring_profile",
                "must be 1 to 64 visible ASCII characters",
            ));
        }
        Ok(Self(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

to_wire!(RecurringProfileId => as_str);

display_as!(RecurringProfileId => as_str);

from_text!(RecurringProfileId, new);

serde_text!(RecurringProfileId);

operation! {
    /// Charges a recurring profile (`make_recurring_payment.php`, payment secret; docs/protocol.md
    /// §1.4). The profile is created by a payment with
    /// [`InitPayment::recurring_start`](super::InitPayment::recurring_start).
    ///
    /// The documentation lists `pg_recurring_profile` as required and the other fields without
    /// marks; the amount, description and order id are required here (a charge needs an amount,
    /// and the order id is what an unknown outcome is reconciled by). Moves money: never resent
    /// after a failure that may have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::payment::{RecurringPayment, RecurringProfileId};
    /// use freedompay_core::{Amount, Description, OrderId, Url};
    ///
    /// let charge = RecurringPayment::new(
    ///     RecurringProfileId::new("35768492")?,
    ///     OrderId::new("subscription-2026-04")?,
    ///     Amount::parse("2990")?,
    ///     Description::new("Subscription, April")?,
    /// )
    /// .result_url(Url::new("https://shop.kz/freedompay/result")?);
    /// # let _ = charge;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RecurringPayment => RecurringPaymentResult {
        name: "recurring_payment",
        path: "/make_recurring_payment.php",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A charge of `amount` on the profile.
        pub fn new(
            profile: RecurringProfileId,
            order_id: OrderId,
            amount: Amount,
            description: Description,
        );
        "pg_recurring_profile" => profile,
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        /// `pg_result_url`: told the charge's outcome.
        "pg_result_url" => result_url: Option<Url>,
        /// `pg_request_method`: how the result URL is called.
        "pg_request_method" => request_method: Option<RequestMethod> [check checked_token],
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result
        /// instead of a second charge.
        "pg_idempotency_key" => idempotency_key: Option<IdempotencyKey>,
    }
}

reply! {
    /// The gateway's answer to a recurring charge.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct RecurringPaymentResult {
        /// `pg_status` (`ok`).
        status: Status = "pg_status",
        /// `pg_payment_id`: the charge's id.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_amount`.
        amount: Option<Amount> = "pg_amount",
        /// `pg_currency`.
        currency: Option<Currency> = "pg_currency",
        /// `pg_recurring_profile`: the profile charged.
        recurring_profile: Option<String> = "pg_recurring_profile",
        /// `pg_recurring_profile_expiry_date`, as received.
        recurring_profile_expiry_date: Option<String> = "pg_recurring_profile_expiry_date",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn charge() -> RecurringPayment {
        RecurringPayment::new(
            RecurringProfileId::new("35768492").unwrap(),
            OrderId::new("subscription-2026-04").unwrap(),
            Amount::parse("2990").unwrap(),
            Description::new("Subscription, April").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(
            &charge()
                .result_url(Url::new("https://shop.kz/freedompay/result").unwrap())
                .request_method(RequestMethod::Post)
                .idempotency_key(IdempotencyKey::new("subscription-2026-04").unwrap())
        ));
    }

    #[test]
    fn wire_request_minimal() {
        insta::assert_snapshot!(wire(&charge()));
    }

    #[test]
    fn profile_ids_are_checked() {
        assert!(RecurringProfileId::new("x".repeat(64)).is_ok());
        assert!(RecurringProfileId::new("x".repeat(65)).is_err());
        assert!(RecurringProfileId::new("12 34").is_err());
    }
}
