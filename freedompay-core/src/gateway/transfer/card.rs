//! `POST /g2g/p2p/transfer`: money from one card to another.

use freedompay_sign::Fields;

use super::{TransferRecipient, TransferSender};
use crate::declare::{FromReply, amount_to_send};
use crate::gateway::{AcsRedirect, holder_name};
use crate::payment::Language;
use crate::{
    Amount, Currency, Description, InvalidInput, OrderId, PaymentId, ReadError, Response,
    SecretKind, Status, UserId,
};

operation! {
    /// Transfers money from the sender's card to the recipient's card in one call
    /// (`/g2g/p2p/transfer`, payment secret [?]; docs.freedompay.kz api-9885527,
    /// freedompay.kz/docs-en/gateway-api/transfer; docs/protocol.md §11).
    ///
    /// The sender's card is debited, then the recipient's credited; if the transfer fails,
    /// the debit is refunded automatically. Either side may be a saved card (a token), or
    /// the documented "no card" token ([`TransferSender::none`],
    /// [`TransferRecipient::none`]): then only the payout, or only the debit, is made. Card
    /// data requires PCI DSS.
    ///
    /// When the sender's card is enrolled in 3-D Secure, the reply carries an
    /// [`AcsRedirect`]: send the payer's browser to the issuer's ACS with
    /// [`AcsRedirect::form_fields`], then finish with
    /// [`CompleteCardTransfer`](super::CompleteCardTransfer).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; find
    /// out with [`CardTransferStatus`](super::CardTransferStatus).
    ///
    /// The documentation does not say which secret signs transfers [?]: the payment secret
    /// is used, as for the other `/g2g/` card debits (a wrong secret is refused as
    /// "merchant not identified" before any money moves).
    ///
    /// ```
    /// use freedompay_core::gateway::{CardTransfer, TransferSender};
    /// use freedompay_core::{Amount, CardNumber, Currency, Cvc, Description, Expiry, OrderId};
    ///
    /// let transfer = CardTransfer::new(
    ///     OrderId::new("p2p-42")?,
    ///     Amount::parse("5000")?,
    ///     Currency::Kzt,
    ///     Currency::Kzt,
    ///     Description::new("Gift")?,
    ///     TransferSender::card(
    ///         CardNumber::parse("4405645000006150")?,
    ///         Cvc::parse("653")?,
    ///         Expiry::new(9, 2030)?,
    ///         "TEST TESTOV",
    ///     )?,
    ///     CardNumber::parse("4671593866478252")?.into(),
    /// );
    /// assert!(!format!("{transfer:?}").contains("653"));
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CardTransfer => CardTransferResult {
        name: "gateway_card_transfer",
        path: "/g2g/p2p/transfer",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A transfer of `amount` (in `currency_from`, debited from `sender`) to `recipient`,
        /// credited in `currency_to` (converted at the gateway's rate when they differ).
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            currency_from: Currency,
            currency_to: Currency,
            description: Description,
            sender: TransferSender,
            recipient: TransferRecipient,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        /// `pg_amount_to`: the amount to credit, in `currency_to` (the documentation has it
        /// "required if no `pg_amount`" on one page and optional on the other [?]).
        "pg_amount_to" => amount_to: Option<Amount> [check amount_to_send],
        "pg_currency_from" => currency_from,
        "pg_currency_to" => currency_to,
        /// `pg_commission_amount`: the commission charged to the payer, in `currency_from`
        /// (0 or more).
        "pg_commission_amount" => commission_amount: Option<Amount> [check commission],
        "pg_description" => description,
        /// `pg_language`: the language of the pages the payer sees.
        "pg_language" => language: Option<Language>,
        /// `pg_user_id`: the payer's id in the merchant's system (required to save a card).
        "pg_user_id" => user_id: Option<UserId>,
        .. => sender,
        .. => recipient,
        /// `pg_card_recipient_name`: the recipient's name (required when there is no
        /// sender card).
        "pg_card_recipient_name" => recipient_name: Option<String> [check holder_name],
        /// `pg_save_sender_card` = 1: save the sender's card (needs `user_id`; the value `1`
        /// is not spelled out by the documentation [?]).
        "pg_save_sender_card" => save_sender_card: flag = "1",
        /// `pg_save_recipient_card` = 1: save the recipient's card (needs `user_id`) [?].
        "pg_save_recipient_card" => save_recipient_card: flag = "1",
        .. => with Self::rules,
    }
}

impl CardTransfer {
    /// The documented rules across fields, checked before anything is sent.
    fn rules(&self, _fields: &mut Fields) -> Result<(), InvalidInput> {
        if (self.save_sender_card || self.save_recipient_card) && self.user_id.is_none() {
            return Err(InvalidInput::new(
                "pg_user_id",
                "required to save a card (pg_save_sender_card, pg_save_recipient_card)",
            ));
        }
        if self.sender.is_none()
            && matches!(self.recipient, TransferRecipient::Card(_))
            && self.recipient_name.is_none()
        {
            return Err(InvalidInput::new(
                "pg_card_recipient_name",
                "required when there is no sender card",
            ));
        }
        Ok(())
    }
}

fn commission(field: &'static str, amount: &Amount) -> Result<(), InvalidInput> {
    if *amount < Amount::ZERO {
        return Err(InvalidInput::new(field, "must be 0 or more"));
    }
    Ok(())
}

/// The gateway's answer to a transfer (and to its continuation after 3-D Secure).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardTransferResult {
    /// `pg_status`: `ok`/`success`, `process`/`pending` (query the status later).
    pub status: Status,
    /// `pg_payment_id`: the transfer's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// The 3-D Secure step to pass before the transfer completes, when the card asks for it.
    pub three_ds: Option<AcsRedirect>,
}

impl FromReply for CardTransferResult {
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError> {
        Ok(Self {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            order_id: reply.get("pg_order_id")?,
            three_ds: AcsRedirect::read(reply)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::testing::card_wire as wire;
    use crate::{CardNumber, Cvc, ErrorKind, Expiry};

    fn sender() -> TransferSender {
        TransferSender::card(
            CardNumber::parse("4405645000006150").unwrap(),
            Cvc::parse("653").unwrap(),
            Expiry::new(9, 2030).unwrap(),
            "TEST TESTOV",
        )
        .unwrap()
    }

    fn transfer(sender: TransferSender, recipient: TransferRecipient) -> CardTransfer {
        CardTransfer::new(
            OrderId::new("p2p-42").unwrap(),
            Amount::parse("5000").unwrap(),
            Currency::Kzt,
            Currency::Kzt,
            Description::new("Gift").unwrap(),
            sender,
            recipient,
        )
    }

    fn recipient() -> TransferRecipient {
        CardNumber::parse("4671593866478252").unwrap().into()
    }

    fn refusal(op: &CardTransfer) -> String {
        let error =
            crate::prepare(&crate::testing::config(), op, &crate::testing::salt()).unwrap_err();
        assert!(!error.may_have_been_sent());
        match error.kind() {
            ErrorKind::InvalidInput(e) => e.field().to_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wire_request_card_to_card() {
        insta::assert_snapshot!(wire(&transfer(sender(), recipient())));
    }

    #[test]
    fn wire_request_tokens_saved_and_converted() {
        insta::assert_snapshot!(wire(
            &transfer(
                TransferSender::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a").unwrap(),
                TransferRecipient::token("ef741cfc-f85e-41a0-84e6-2ba964912182").unwrap(),
            )
            .amount_to(Amount::parse("10.50").unwrap())
            .commission_amount(Amount::ZERO)
            .language(Language::En)
            .user_id(UserId::new("user-7").unwrap())
            .save_recipient_card()
        ));
    }

    #[test]
    fn debug_shows_no_card_data() {
        let debug = format!("{:?}", transfer(sender(), recipient()));
        for secret in ["653", "5000006", "59386647", "2030", "Expiry(09"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }

    #[test]
    fn saving_a_card_needs_the_user() {
        let op = transfer(sender(), recipient()).save_sender_card();
        assert_eq!(refusal(&op), "pg_user_id");
    }

    #[test]
    fn a_payout_only_transfer_names_the_recipient() {
        let op = transfer(TransferSender::none(), recipient());
        assert_eq!(refusal(&op), "pg_card_recipient_name");
        let named = transfer(TransferSender::none(), recipient()).recipient_name("IVAN IVANOV");
        assert!(crate::prepare(&crate::testing::config(), &named, &crate::testing::salt()).is_ok());
    }

    #[test]
    fn the_acs_form_posts_pareq_md_and_the_return_address() {
        let challenge = AcsRedirect {
            acs_url: "https://bank.com/3ds-validation".into(),
            md: "abc123456".into(),
            pa_req: "xyz789".into(),
        };
        let back = crate::Url::new("https://shop.kz/3ds-return").unwrap();
        assert_eq!(
            challenge.form_fields(&back),
            [
                ("PaReq", "xyz789"),
                ("MD", "abc123456"),
                ("TermUrl", "https://shop.kz/3ds-return")
            ]
        );
        let debug = format!("{challenge:?}");
        assert!(
            !debug.contains("xyz789") && !debug.contains("abc123456"),
            "{debug}"
        );
    }
}
