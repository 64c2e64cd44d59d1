//! `Serialize` for the Gateway's card-data containers (feature `serde`): only what may be
//! logged or stored — the masked card number, the wallet's name, a saved card's token. A
//! security code, an expiry date, a holder's name and a wallet's cryptogram never serialize,
//! and none of these types can be deserialized (the masked form is not the data).

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{TransferRecipient, TransferSender, WalletPaymentData};
use crate::CardData;

impl Serialize for CardData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("CardData", 1)?;
        out.serialize_field("pan", self.pan())?;
        out.end()
    }
}

impl Serialize for WalletPaymentData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("WalletPaymentData", 2)?;
        out.serialize_field("wallet", self.wallet().as_str())?;
        out.serialize_field("card", self.card())?;
        out.end()
    }
}

impl Serialize for TransferSender {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("TransferSender", 1)?;
        match self {
            TransferSender::Card { number, .. } => out.serialize_field("card", number)?,
            TransferSender::Token(token) => out.serialize_field("token", token)?,
        }
        out.end()
    }
}

impl Serialize for TransferRecipient {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("TransferRecipient", 1)?;
        match self {
            TransferRecipient::Card(number) => out.serialize_field("card", number)?,
            TransferRecipient::Token(token) => out.serialize_field("token", token)?,
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::gateway::{TransferSender, Wallet, WalletPaymentData};
    use crate::{CardNumber, Cvc, Expiry};

    #[test]
    fn card_data_serializes_masked_without_cvc_expiry_or_cryptogram() {
        let card = crate::gateway::testing::card();
        let text = serde_json::to_string(&card).unwrap();
        assert!(
            !text.contains("4405645000006150") && !text.contains("653"),
            "{text}"
        );
        assert!(!text.contains("TEST"), "{text}");

        let sender = TransferSender::card(
            CardNumber::parse("4405645000006150").unwrap(),
            Cvc::parse("653").unwrap(),
            Expiry::new(9, 2030).unwrap(),
            "TEST TESTOV",
        )
        .unwrap();
        let text = serde_json::to_string(&sender).unwrap();
        assert!(
            !text.contains("4405645000006150") && !text.contains("653"),
            "{text}"
        );

        let wallet = WalletPaymentData::new(
            Wallet::ApplePay,
            CardNumber::parse("4405645000006150").unwrap(),
            Expiry::new(12, 2029).unwrap(),
            "TEST TESTOV",
            "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
        )
        .unwrap();
        let text = serde_json::to_string(&wallet).unwrap();
        assert!(
            !text.contains("AgAAAA") && !text.contains("4405645000006150"),
            "{text}"
        );
        assert!(text.contains("apple_pay"), "{text}");
    }
}
