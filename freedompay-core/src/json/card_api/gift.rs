//! Gift cards (prepaid cards of a partner bank, paid from the merchant's funds when issued):
//! freedompay.money/docs-en/cards-api/gift, docs.freedompay.kz api-12075782.
//!
//! Only **confirm** is published with its path. *List*, *issue*, *resend*, *resend code* and
//! *status* have members and samples (the fixtures under `tests/fixtures/json/card_api/`) but
//! no path on the pages we could read (docs/protocol.md §12.4 [?]): send them with a
//! [`JsonCall`](crate::json::JsonCall); issuing a gift card moves money (a `JsonCall` counts
//! as moving money unless told otherwise).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::json::JsonApi;
use crate::json::values::amount_text;
use crate::{Amount, InvalidInput};

/// `POST /v5/cards/activate_card`: confirms (activates) an issued gift card with the code the
/// cardholder received by SMS (docs.freedompay.kz api-12075782; the path is under `/v5/cards`,
/// not `/v5/card-api`, as published). Body: `otp` (required), `card_id` (the issue reply's).
/// The code is a secret: `Debug` shows `***`. Not a money movement (the card was paid when
/// issued); not retried blindly either way as the code may be single-use [?].
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ConfirmGiftCard {
    otp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    card_id: Option<u64>,
}

impl ConfirmGiftCard {
    /// Confirms with the SMS code `otp` (digits).
    pub fn new(otp: impl Into<String>) -> Result<Self, InvalidInput> {
        let otp = otp.into();
        if otp.is_empty() || otp.len() > 16 || !otp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new("otp", "1 to 16 digits"));
        }
        Ok(Self { otp, card_id: None })
    }

    /// `card_id`: the card the code is for (the issue reply's `card_id`).
    pub fn card_id(mut self, card_id: u64) -> Self {
        self.card_id = Some(card_id);
        self
    }
}

impl fmt::Debug for ConfirmGiftCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmGiftCard")
            .field("otp", &"***")
            .field("card_id", &self.card_id)
            .finish()
    }
}

/// The activated gift card (docs.freedompay.kz api-12075782): `datetime`, `status` (`0` in
/// the sample; other values are not published [?]), `card_status`, `card_currency`,
/// `card_balance` (a decimal, never a float), `card_mask` (already masked by FreedomPay).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct GiftCardConfirmed {
    /// `datetime`, as sent (`2022-05-01 12:01:15`).
    #[serde(default)]
    pub datetime: Option<String>,
    /// `status`: `0` in the sample.
    #[serde(default)]
    pub status: Option<i64>,
    /// `card_status`: `1` in the sample; the codes are not published [?].
    #[serde(default)]
    pub card_status: Option<i64>,
    /// `card_currency` (`USD`).
    #[serde(default)]
    pub card_currency: Option<String>,
    /// `card_balance`.
    #[serde(default, deserialize_with = "amount_text::deserialize")]
    pub card_balance: Option<Amount>,
    /// `card_mask` (`1234********5678`).
    #[serde(default)]
    pub card_mask: Option<String>,
}

crate::json_operation! {
    ConfirmGiftCard => GiftCardConfirmed {
        name: "gift_card_confirm",
        api: JsonApi::Card,
        path: "/v5/cards/activate_card",
        moves_money: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    #[test]
    fn confirm_writes_the_documented_body() {
        let op = ConfirmGiftCard::new("1234").unwrap().card_id(555);
        let wire = json_wire(&op);
        let documented: serde_json::Value =
            serde_json::from_slice(&fixture("card_api/gift_confirm_request.json")).unwrap();
        assert_eq!(super::super::wire_body(&wire), documented, "{wire}");
        assert!(wire.contains(r#"{"otp":"1234","card_id":555}"#), "{wire}");
        // The SMS code is a secret: hidden in the snapshot (the JWS is over the real one).
        let wire = wire.replace(r#""otp":"1234""#, r#""otp":"***""#);
        insta::assert_snapshot!(wire);
        assert!(!format!("{op:?}").contains("1234"));
    }

    #[test]
    fn the_documented_confirm_reply_parses() {
        let op = ConfirmGiftCard::new("1234").unwrap();
        let card = read_fixture(&op, "card_api/gift_confirm_reply.json").unwrap();
        assert_eq!(card.card_balance, Some(Amount::whole(100).unwrap()));
        assert_eq!(card.card_mask.as_deref(), Some("1234********5678"));
        assert_eq!(card.card_currency.as_deref(), Some("USD"));
        assert_eq!((card.status, card.card_status), (Some(0), Some(1)));
    }

    #[test]
    fn the_published_list_sample_is_not_json() {
        // The list sample misses two commas after "name_en" (freedompay.money/docs-en/cards-api/gift):
        // kept byte for byte; reading it is a clear error, never a panic.
        assert!(
            serde_json::from_slice::<serde_json::Value>(&fixture("card_api/gift_list_reply.json"))
                .is_err()
        );
    }

    #[test]
    fn a_bad_code_is_refused() {
        assert_eq!(ConfirmGiftCard::new("12a4").unwrap_err().field(), "otp");
    }
}
