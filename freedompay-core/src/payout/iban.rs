//! `POST /api/to_iban`: a payout to a bank account.

use freedompay_sign::Fields;

use super::bank::{BankRecipient, Knp};
use crate::{
    Amount, Config, Description, InvalidInput, Operation, OrderId, PaymentId, ReadError, Response,
    SecretKind, Status, Url,
};

/// Pays out to a bank account in tenge (`/api/to_iban`, payout secret; PROTOCOL.md §1.6,
/// D-toiban).
///
/// The recipient is identified by IBAN, IIN, name, beneficiary code and bank
/// ([`BankRecipient`]); `knp` says what the payment is for. The outcome is reported to
/// `post_link`. Never resent after a failure that may have reached the gateway.
///
/// (The old PayBox SDK used `/api/iban_payout`; FreedomPay documents `/api/to_iban`.)
///
/// ```
/// use freedompay_core::{Amount, Description, OrderId, Url};
/// use freedompay_core::payout::{BankRecipient, Bik, Iban, Iin, Kbe, Knp, PayoutToIban};
///
/// let recipient = BankRecipient::new(
///     Iban::parse("KZ86125KZT5004100100")?,
///     Iin::parse("900101301234")?,
///     "Иванов Иван Иванович",
///     Kbe::parse("19")?,
///     Bik::parse("KCJBKZKX")?,
/// )?;
/// let payout = PayoutToIban::new(
///     OrderId::new("salary-2026-11-7")?,
///     Amount::parse("350000")?,
///     recipient,
///     Knp::parse("311")?,
///     Description::new("Salary, November")?,
///     Url::new("https://shop.kz/freedompay/payout-notify")?,
/// );
/// assert!(!format!("{payout:?}").contains("125KZT5004"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutToIban {
    order_id: OrderId,
    amount: Amount,
    recipient: BankRecipient,
    knp: Knp,
    description: Description,
    post_link: Url,
}

impl PayoutToIban {
    /// A transfer of `amount` to `recipient`'s account, for the purpose `knp`. FreedomPay
    /// notifies `post_link` of the outcome.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        recipient: BankRecipient,
        knp: Knp,
        description: Description,
        post_link: Url,
    ) -> Self {
        Self {
            order_id,
            amount,
            recipient,
            knp,
            description,
            post_link,
        }
    }
}

/// The gateway's answer to a payout to an IBAN.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutToIbanResult {
    /// `pg_payment_id`: the payout's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_status`: `ok`/`success` (done), `process`/`pending` (query the status later).
    pub status: Status,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
    /// `pg_payment_amount`: the amount paid out.
    pub payment_amount: Option<Amount>,
    /// `pg_payment_date`, as written by the gateway.
    pub payment_date: Option<String>,
}

impl Operation for PayoutToIban {
    type Output = PayoutToIbanResult;
    const NAME: &'static str = "payout_to_iban";
    const PATH: &'static str = "/api/to_iban";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        let recipient = &self.recipient;
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_recipient_iban", recipient.iban.reveal());
        fields.push("pg_recipient_iin", recipient.iin.reveal());
        fields.push("pg_recipient_name", recipient.name.as_str());
        fields.push("pg_recipient_kbe", recipient.kbe.as_str());
        fields.push("pg_knp", self.knp.as_str());
        fields.push("pg_bank_bik", recipient.bik.as_str());
        fields.push("pg_description", self.description.as_str());
        fields.push("pg_post_link", self.post_link.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<PayoutToIbanResult, ReadError> {
        Ok(PayoutToIbanResult {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
            payment_amount: reply.get("pg_payment_amount")?,
            payment_date: reply.get("pg_payment_date")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payout::{Bik, Iban, Iin, Kbe};
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    fn payout() -> PayoutToIban {
        PayoutToIban::new(
            OrderId::new("salary-2026-11-7").unwrap(),
            Amount::parse("350000.50").unwrap(),
            BankRecipient::new(
                Iban::parse("KZ86125KZT5004100100").unwrap(),
                Iin::parse("900101301234").unwrap(),
                "Иванов Иван Иванович",
                Kbe::parse("19").unwrap(),
                Bik::parse("KCJBKZKX").unwrap(),
            )
            .unwrap(),
            Knp::parse("311").unwrap(),
            Description::new("Salary, November").unwrap(),
            Url::new("https://shop.kz/freedompay/payout-notify").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&payout()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&payout(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&payout(), "payout/to_iban.xml").expect("reads");
        assert_eq!(result.payment_id.get(), 1_200_345_678);
        assert_eq!(result.status, Status::Process);
        assert_eq!(result.order_id.as_deref(), Some("salary-2026-11-7"));
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
        assert_eq!(result.payment_amount, Amount::from_gateway("350000.50"));
        assert_eq!(result.payment_date.as_deref(), Some("2026-11-30 10:15:00"));
    }

    #[test]
    fn a_refusal_is_a_gateway_error() {
        match reply(&payout(), "payout/to_iban_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => {
                assert_eq!(e.code(), Some(ErrorCode::Validation));
                assert_eq!(e.description(), Some("Некорректный ИИН получателя"));
            }
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }

    #[test]
    fn debug_shows_no_personal_data() {
        let debug = format!("{:?}", payout());
        assert!(!debug.contains("125KZT5004"), "{debug}");
        assert!(!debug.contains("90010130"), "{debug}");
        assert!(!debug.contains("Иванов"), "{debug}");
    }
}
