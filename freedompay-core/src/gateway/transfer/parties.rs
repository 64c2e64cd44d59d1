//! The two sides of a transfer: the card debited and the card credited.

use freedompay_sign::Fields;

use crate::declare::WriteFields;
use crate::gateway::{card_token, holder_name};
use crate::{CardNumber, Cvc, Expiry, InvalidInput};

/// The special token that stands for "no card on this side" (docs.freedompay.kz
/// api-9885527): as the sender, only the payout to the recipient is made; as the recipient,
/// only the debit of the sender.
const SKIP_TOKEN: &str = "2d0b504c-b95d-4cf6-b782-5a7d13ab2c85";

/// The card a transfer debits.
///
/// Card data (PCI DSS): `Debug` masks the number and shows neither the CVC nor the expiry.
///
/// ```
/// use freedompay_core::gateway::TransferSender;
/// use freedompay_core::{CardNumber, Cvc, Expiry};
///
/// let sender = TransferSender::card(
///     CardNumber::parse("4405645000006150")?,
///     Cvc::parse("653")?,
///     Expiry::new(9, 2030)?,
///     "TEST TESTOV",
/// )?;
/// let debug = format!("{sender:?}");
/// assert!(!debug.contains("653") && !debug.contains("5000006"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferSender {
    /// A card by its data: `pg_card_pan`, `pg_card_cvc`, `pg_card_year`, `pg_card_month`,
    /// `pg_card_name`.
    Card {
        /// The card number.
        number: CardNumber,
        /// The CVC.
        cvc: Cvc,
        /// The expiry date.
        expiry: Expiry,
        /// The holder's name as on the card (Latin letters, dash, space).
        holder: String,
    },
    /// A saved card by its token: `pg_card_token`.
    Token(String),
}

impl TransferSender {
    /// A card by its data; `holder` is the name on the card (1 to 255 characters).
    pub fn card(
        number: CardNumber,
        cvc: Cvc,
        expiry: Expiry,
        holder: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let holder = holder.into();
        holder_name("pg_card_name", &holder)?;
        Ok(Self::Card {
            number,
            cvc,
            expiry,
            holder,
        })
    }

    /// A card saved with FreedomPay, by its token.
    pub fn token(token: impl Into<String>) -> Result<Self, InvalidInput> {
        let token = token.into();
        card_token("pg_card_token", &token)?;
        Ok(Self::Token(token))
    }

    /// No sender: the documented special token, which makes the transfer a payout to the
    /// recipient only (the recipient's name is then required).
    pub fn none() -> Self {
        Self::Token(SKIP_TOKEN.to_owned())
    }

    pub(super) fn is_none(&self) -> bool {
        matches!(self, Self::Token(t) if t == SKIP_TOKEN)
    }
}

impl WriteFields for TransferSender {
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        match self {
            Self::Card {
                number,
                cvc,
                expiry,
                holder,
            } => {
                fields.push("pg_card_pan", number.reveal());
                fields.push("pg_card_cvc", cvc.reveal());
                fields.push("pg_card_year", expiry.wire_year().as_str());
                fields.push("pg_card_month", expiry.wire_month().as_str());
                fields.push("pg_card_name", holder.as_str());
            }
            Self::Token(token) => {
                fields.push("pg_card_token", token.as_str());
            }
        }
        Ok(())
    }
}

/// The card a transfer credits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferRecipient {
    /// A card by its number: `pg_card_recipient`.
    Card(CardNumber),
    /// A saved card by its token: `pg_card_recipient_token`.
    Token(String),
}

impl TransferRecipient {
    /// A card saved with FreedomPay, by its token.
    pub fn token(token: impl Into<String>) -> Result<Self, InvalidInput> {
        let token = token.into();
        card_token("pg_card_recipient_token", &token)?;
        Ok(Self::Token(token))
    }

    /// No recipient: the documented special token, which makes the transfer a debit of the
    /// sender only.
    pub fn none() -> Self {
        Self::Token(SKIP_TOKEN.to_owned())
    }
}

impl From<CardNumber> for TransferRecipient {
    fn from(number: CardNumber) -> Self {
        Self::Card(number)
    }
}

impl WriteFields for TransferRecipient {
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        match self {
            Self::Card(number) => fields.push("pg_card_recipient", number.reveal()),
            Self::Token(token) => fields.push("pg_card_recipient_token", token.as_str()),
        };
        Ok(())
    }
}
