//! `POST /api/reg2reg`: a payout to a card the recipient saved for payouts.

use freedompay_sign::Fields;

use crate::declare::{WriteFields, amount_to_send};
use crate::{
    Amount, DateTime, Description, InvalidInput, OrderId, PaymentId, SecretKind, Status, Url,
    UserId,
};

/// A card saved for payouts, as FreedomPay identifies it: its token (`pg_card_token_to`,
/// current), its legacy numeric id (`pg_card_id_to`, older integrations), or both, as the
/// documented reg2reg sample sends them (seed 002).
///
/// Both come from the card-added notification ([`PayoutCardAdded`](super::PayoutCardAdded))
/// after [`AddPayoutCard`](super::AddPayoutCard).
///
/// ```
/// use freedompay_core::payout::PayoutCard;
///
/// let card = PayoutCard::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a")?;
/// assert_eq!(card.as_token(), Some("c92741d9-ddd7-4bad-abd0-5594a79eea1a"));
/// let legacy = PayoutCard::legacy_id("1234")?;
/// assert_eq!(legacy.as_legacy_id(), Some("1234"));
/// assert!(PayoutCard::token("").is_err());
/// assert!(PayoutCard::legacy_id("12a4").is_err());
/// let both = PayoutCard::token_and_legacy_id("c92741d9-ddd7-4bad-abd0-5594a79eea1a", "1234")?;
/// assert_eq!(both.as_legacy_id(), Some("1234"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayoutCard(CardRef);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
enum CardRef {
    Token(String),
    LegacyId(String),
    Both { token: String, id: String },
}

impl PayoutCard {
    /// The longest token, in characters (tokens are UUIDs; the limit is the gateway's general
    /// one for parameters).
    pub const MAX_TOKEN_LEN: usize = 255;
    /// The longest legacy id, in digits.
    pub const MAX_LEGACY_ID_LEN: usize = 20;

    /// A card by its token (`pg_card_token`): 1 to 255 visible ASCII characters.
    pub fn token(token: impl Into<String>) -> Result<Self, InvalidInput> {
        Ok(Self(CardRef::Token(Self::checked_token(token.into())?)))
    }

    fn checked_token(token: String) -> Result<String, InvalidInput> {
        if token.is_empty()
            || token.len() > Self::MAX_TOKEN_LEN
            || !token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(InvalidInput::new(
                "pg_card_token_to",
                "a card token is 1 to 255 visible ASCII characters",
            ));
        }
        Ok(token)
    }

    /// A card by its legacy id (`pg_card_id`): 1 to 20 digits. Sent as `pg_card_id_to`.
    pub fn legacy_id(id: impl Into<String>) -> Result<Self, InvalidInput> {
        Ok(Self(CardRef::LegacyId(Self::checked_legacy_id(id.into())?)))
    }

    /// A card by both its token and its legacy id, sent as `pg_card_id_to` and
    /// `pg_card_token_to`, as the documented reg2reg sample does (seed 002).
    pub fn token_and_legacy_id(
        token: impl Into<String>,
        id: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        Ok(Self(CardRef::Both {
            token: Self::checked_token(token.into())?,
            id: Self::checked_legacy_id(id.into())?,
        }))
    }

    fn checked_legacy_id(id: String) -> Result<String, InvalidInput> {
        if id.is_empty()
            || id.len() > Self::MAX_LEGACY_ID_LEN
            || !id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(InvalidInput::new(
                "pg_card_id_to",
                "a legacy card id is 1 to 20 digits",
            ));
        }
        Ok(id)
    }

    /// The token, when the card is identified by one.
    pub fn as_token(&self) -> Option<&str> {
        match &self.0 {
            CardRef::Token(token) | CardRef::Both { token, .. } => Some(token),
            CardRef::LegacyId(_) => None,
        }
    }

    /// The legacy id, when the card is identified by one.
    pub fn as_legacy_id(&self) -> Option<&str> {
        match &self.0 {
            CardRef::LegacyId(id) | CardRef::Both { id, .. } => Some(id),
            CardRef::Token(_) => None,
        }
    }
}

impl WriteFields for PayoutCard {
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if let Some(id) = self.as_legacy_id() {
            fields.push("pg_card_id_to", id);
        }
        if let Some(token) = self.as_token() {
            fields.push("pg_card_token_to", token);
        }
        Ok(())
    }
}

operation! {
    /// Pays out to a card saved for payouts (`/api/reg2reg`, payout secret; docs/protocol.md §1.6,
    /// seed 002).
    ///
    /// The card belongs to `user_id` (the id it was saved under with
    /// [`AddPayoutCard`](super::AddPayoutCard)). The result comes in the reply and in the
    /// notification to `post_link`; `order_time_limit` bounds how long the gateway may take.
    /// Never resent after a failure that may have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::{Amount, DateTime, Description, OrderId, Url, UserId};
    /// use freedompay_core::payout::{PayoutCard, PayoutToSavedCard};
    ///
    /// let payout = PayoutToSavedCard::new(
    ///     OrderId::new("payout-43")?,
    ///     Amount::parse("2500")?,
    ///     UserId::new("user-7")?,
    ///     PayoutCard::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a")?,
    ///     Description::new("Winnings")?,
    ///     Url::new("https://shop.kz/freedompay/payout-notify")?,
    ///     DateTime::parse("2026-12-31 12:00:00")?,
    /// );
    /// # let _ = payout;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PayoutToSavedCard => PayoutToSavedCardResult {
        name: "payout_to_saved_card",
        path: "/api/reg2reg",
        secret: SecretKind::Payout,
        moves_money: true,
        order_id: order_id;
        /// A payout of `amount` to `card`, saved by `user_id`. FreedomPay notifies `post_link`.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            user_id: UserId,
            card: PayoutCard,
            description: Description,
            post_link: Url,
            order_time_limit: DateTime,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        "pg_order_time_limit" => order_time_limit,
        "pg_user_id" => user_id,
        .. => card,
        "pg_post_link" => post_link,
        /// `pg_back_link`: where a recipient who sees a page is sent back (older documentation
        /// and the PayBox SDK send it; the current page does not require it).
        "pg_back_link" => back_link: Option<Url>,
    }
}

reply! {
    /// The gateway's answer to a payout to a saved card.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct PayoutToSavedCardResult {
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
        /// `pg_balance`: the payout balance after it.
        balance: Option<Amount> = "pg_balance",
        /// `pg_card_hash`: the card's masked number (`1234-44XX-XXXX-1234`).
        card_hash: Option<String> = "pg_card_hash",
        /// `pg_card_token`: the card's token.
        card_token: Option<String> = "pg_card_token",
        /// `pg_card_id`: the card's legacy id, when the gateway sends it.
        card_id: Option<String> = "pg_card_id",
        /// `pg_payment_date`, as written by the gateway.
        payment_date: Option<String> = "pg_payment_date",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn payout(card: PayoutCard) -> PayoutToSavedCard {
        PayoutToSavedCard::new(
            OrderId::new("1234").unwrap(),
            Amount::parse("10").unwrap(),
            UserId::new("1234").unwrap(),
            card,
            Description::new("Payment description").unwrap(),
            Url::new("http://site.kz/post").unwrap(),
            DateTime::parse("2020-12-31 12:00:00").unwrap(),
        )
    }

    fn by_token() -> PayoutToSavedCard {
        payout(PayoutCard::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a").unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&by_token()));
    }

    #[test]
    fn wire_request_legacy_card_id_and_back_link() {
        insta::assert_snapshot!(wire(
            &payout(PayoutCard::legacy_id("1234").unwrap())
                .back_link(Url::new("http://site.kz/back").unwrap())
        ));
    }

    /// Seed 002's documented sample sends both the legacy id and the token.
    #[test]
    fn wire_request_with_both_card_id_and_token() {
        insta::assert_snapshot!(wire(
            &payout(
                PayoutCard::token_and_legacy_id("c92741d9-ddd7-4bad-abd0-5594a79eea1a", "1234")
                    .unwrap()
            )
            .back_link(Url::new("http://site.kz/back").unwrap())
        ));
    }

    #[test]
    fn card_references_are_checked() {
        assert!(PayoutCard::token("x".repeat(255)).is_ok());
        assert!(PayoutCard::token("x".repeat(256)).is_err());
        assert!(PayoutCard::token("has space").is_err());
        assert!(PayoutCard::legacy_id("1".repeat(20)).is_ok());
        assert!(PayoutCard::legacy_id("1".repeat(21)).is_err());
        assert!(PayoutCard::legacy_id("").is_err());
        assert_eq!(
            PayoutCard::legacy_id("x").unwrap_err().field(),
            "pg_card_id_to"
        );
        assert!(PayoutCard::token_and_legacy_id("t", "x").is_err());
        assert!(PayoutCard::token_and_legacy_id("", "1").is_err());
    }
}
