//! `POST /make_recurring_payment.php`: charge a recurring profile without the payer.

use core::fmt;

use freedompay_sign::Fields;

use crate::{
    Amount, Config, Currency, Description, IdempotencyKey, InvalidInput, Operation, OrderId,
    PaymentId, ReadError, Response, SecretKind, Status, Url,
};

use super::options::RequestMethod;

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

impl fmt::Display for RecurringProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Charges a recurring profile (`make_recurring_payment.php`, payment secret; PROTOCOL.md
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
pub struct RecurringPayment {
    profile: RecurringProfileId,
    order_id: OrderId,
    amount: Amount,
    description: Description,
    result_url: Option<Url>,
    request_method: Option<RequestMethod>,
    idempotency_key: Option<IdempotencyKey>,
}

impl RecurringPayment {
    /// A charge of `amount` on the profile.
    pub fn new(
        profile: RecurringProfileId,
        order_id: OrderId,
        amount: Amount,
        description: Description,
    ) -> Self {
        Self {
            profile,
            order_id,
            amount,
            description,
            result_url: None,
            request_method: None,
            idempotency_key: None,
        }
    }

    /// `pg_result_url`: told the charge's outcome.
    pub fn result_url(mut self, url: Url) -> Self {
        self.result_url = Some(url);
        self
    }

    /// `pg_request_method`: how the result URL is called.
    pub fn request_method(mut self, method: RequestMethod) -> Self {
        self.request_method = Some(method);
        self
    }

    /// `pg_idempotency_key`: a repeated call with the same key gets the first call's result
    /// instead of a second charge.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// The gateway's answer to a recurring charge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecurringPaymentResult {
    /// `pg_status` (`ok`).
    pub status: Status,
    /// `pg_payment_id`: the charge's id.
    pub payment_id: PaymentId,
    /// `pg_amount`.
    pub amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_recurring_profile`: the profile charged.
    pub recurring_profile: Option<String>,
    /// `pg_recurring_profile_expiry_date`, as received.
    pub recurring_profile_expiry_date: Option<String>,
}

impl Operation for RecurringPayment {
    type Output = RecurringPaymentResult;
    const NAME: &'static str = "recurring_payment";
    const PATH: &'static str = "/make_recurring_payment.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_recurring_profile", self.profile.as_str());
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_description", self.description.as_str());
        if let Some(url) = &self.result_url {
            fields.push("pg_result_url", url.as_str());
        }
        if let Some(method) = &self.request_method {
            fields.push("pg_request_method", method.checked("pg_request_method")?);
        }
        if let Some(key) = &self.idempotency_key {
            fields.push("pg_idempotency_key", key.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<RecurringPaymentResult, ReadError> {
        Ok(RecurringPaymentResult {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            amount: reply.get("pg_amount")?,
            currency: reply.get("pg_currency")?,
            recurring_profile: reply.get("pg_recurring_profile")?,
            recurring_profile_expiry_date: reply.get("pg_recurring_profile_expiry_date")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

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
    fn signed_with_the_payment_secret() {
        assert_signed_with(&charge(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&charge(), "payment/make_recurring_payment.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 123_456_901);
        assert_eq!(result.amount, Amount::from_gateway("2990"));
        assert_eq!(result.currency, Some(Currency::Kzt));
        assert_eq!(result.recurring_profile.as_deref(), Some("35768492"));
        assert_eq!(
            result.recurring_profile_expiry_date.as_deref(),
            Some("2027-03-01 00:00:00")
        );
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&charge(), "payment/error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::Validation)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }

    #[test]
    fn profile_ids_are_checked() {
        assert!(RecurringProfileId::new("x".repeat(64)).is_ok());
        assert!(RecurringProfileId::new("x".repeat(65)).is_err());
        assert!(RecurringProfileId::new("12 34").is_err());
    }
}
