//! `POST /api/to_iban`: a payout to a bank account.

use super::bank::{BankRecipient, Knp};
use crate::declare::amount_to_send;
use crate::{Amount, Description, OrderId, PaymentId, SecretKind, Status, Url};

operation! {
    /// Pays out to a bank account in tenge (`/api/to_iban`, payout secret; docs/protocol.md §1.6,
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
    pub struct PayoutToIban => PayoutToIbanResult {
        name: "payout_to_iban",
        path: "/api/to_iban",
        secret: SecretKind::Payout,
        moves_money: true,
        order_id: order_id;
        /// A transfer of `amount` to `recipient`'s account, for the purpose `knp`. FreedomPay
        /// notifies `post_link` of the outcome.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            recipient: BankRecipient,
            knp: Knp,
            description: Description,
            post_link: Url,
        );
        "pg_amount" => amount [check amount_to_send],
        "pg_order_id" => order_id,
        "pg_recipient_iban" => recipient.iban,
        "pg_recipient_iin" => recipient.iin,
        "pg_recipient_name" => recipient.name,
        "pg_recipient_kbe" => recipient.kbe,
        "pg_knp" => knp,
        "pg_bank_bik" => recipient.bik,
        "pg_description" => description,
        "pg_post_link" => post_link,
    }
}

reply! {
    /// The gateway's answer to a payout to an IBAN.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct PayoutToIbanResult {
        /// `pg_payment_id`: the payout's id at FreedomPay.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_status`: `ok`/`success` (done), `process`/`pending` (query the status later).
        status: Status = "pg_status",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
        /// `pg_payment_amount`: the amount paid out.
        payment_amount: Option<Amount> = "pg_payment_amount",
        /// `pg_payment_date`, as written by the gateway.
        payment_date: Option<String> = "pg_payment_date",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payout::{Bik, Iban, Iin, Kbe};
    use crate::testing::wire;

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
    fn debug_shows_no_personal_data() {
        let debug = format!("{:?}", payout());
        assert!(!debug.contains("125KZT5004"), "{debug}");
        assert!(!debug.contains("90010130"), "{debug}");
        assert!(!debug.contains("Иванов"), "{debug}");
    }
}
