//! `POST /api/reg2reg`: a payout to a card the recipient saved for payouts.

use freedompay_sign::Fields;

use crate::{
    Amount, Config, DateTime, Description, InvalidInput, Operation, OrderId, PaymentId, ReadError,
    Response, SecretKind, Status, Url, UserId,
};

/// A card saved for payouts, as FreedomPay identifies it: its token (`pg_card_token_to`,
/// current) or its legacy numeric id (`pg_card_id_to`, older integrations).
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
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PayoutCard(CardRef);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CardRef {
    Token(String),
    LegacyId(String),
}

impl PayoutCard {
    /// The longest token, in characters (tokens are UUIDs; the limit is the gateway's general
    /// one for parameters).
    pub const MAX_TOKEN_LEN: usize = 255;
    /// The longest legacy id, in digits.
    pub const MAX_LEGACY_ID_LEN: usize = 20;

    /// A card by its token (`pg_card_token`): 1 to 255 visible ASCII characters.
    pub fn token(token: impl Into<String>) -> Result<Self, InvalidInput> {
        let token = token.into();
        if token.is_empty()
            || token.len() > Self::MAX_TOKEN_LEN
            || !token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(InvalidInput::new(
                "pg_card_token_to",
                "a card token is 1 to 255 visible ASCII characters",
            ));
        }
        Ok(Self(CardRef::Token(token)))
    }

    /// A card by its legacy id (`pg_card_id`): 1 to 20 digits. Sent as `pg_card_id_to`.
    pub fn legacy_id(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        if id.is_empty()
            || id.len() > Self::MAX_LEGACY_ID_LEN
            || !id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(InvalidInput::new(
                "pg_card_id_to",
                "a legacy card id is 1 to 20 digits",
            ));
        }
        Ok(Self(CardRef::LegacyId(id)))
    }

    /// The token, when the card is identified by one.
    pub fn as_token(&self) -> Option<&str> {
        match &self.0 {
            CardRef::Token(token) => Some(token),
            CardRef::LegacyId(_) => None,
        }
    }

    /// The legacy id, when the card is identified by one.
    pub fn as_legacy_id(&self) -> Option<&str> {
        match &self.0 {
            CardRef::LegacyId(id) => Some(id),
            CardRef::Token(_) => None,
        }
    }

    fn write(&self, fields: &mut Fields) {
        match &self.0 {
            CardRef::Token(token) => fields.push("pg_card_token_to", token.as_str()),
            CardRef::LegacyId(id) => fields.push("pg_card_id_to", id.as_str()),
        };
    }
}

/// Pays out to a card saved for payouts (`/api/reg2reg`, payout secret; PROTOCOL.md §1.6,
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
pub struct PayoutToSavedCard {
    order_id: OrderId,
    amount: Amount,
    user_id: UserId,
    card: PayoutCard,
    description: Description,
    post_link: Url,
    order_time_limit: DateTime,
    back_link: Option<Url>,
}

impl PayoutToSavedCard {
    /// A payout of `amount` to `card`, saved by `user_id`. FreedomPay notifies `post_link`.
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        user_id: UserId,
        card: PayoutCard,
        description: Description,
        post_link: Url,
        order_time_limit: DateTime,
    ) -> Self {
        Self {
            order_id,
            amount,
            user_id,
            card,
            description,
            post_link,
            order_time_limit,
            back_link: None,
        }
    }

    /// `pg_back_link`: where a recipient who sees a page is sent back (older documentation
    /// and the PayBox SDK send it; the current page does not require it).
    pub fn back_link(mut self, url: Url) -> Self {
        self.back_link = Some(url);
        self
    }
}

/// The gateway's answer to a payout to a saved card.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutToSavedCardResult {
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
    /// `pg_balance`: the payout balance after it.
    pub balance: Option<Amount>,
    /// `pg_card_hash`: the card's masked number (`1234-44XX-XXXX-1234`).
    pub card_hash: Option<String>,
    /// `pg_card_token`: the card's token.
    pub card_token: Option<String>,
    /// `pg_card_id`: the card's legacy id, when the gateway sends it.
    pub card_id: Option<String>,
    /// `pg_payment_date`, as written by the gateway.
    pub payment_date: Option<String>,
}

impl Operation for PayoutToSavedCard {
    type Output = PayoutToSavedCardResult;
    const NAME: &'static str = "payout_to_saved_card";
    const PATH: &'static str = "/api/reg2reg";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_description", self.description.as_str());
        fields.push("pg_order_time_limit", self.order_time_limit.to_string());
        fields.push("pg_user_id", self.user_id.as_str());
        self.card.write(fields);
        fields.push("pg_post_link", self.post_link.as_str());
        if let Some(back_link) = &self.back_link {
            fields.push("pg_back_link", back_link.as_str());
        }
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<PayoutToSavedCardResult, ReadError> {
        Ok(PayoutToSavedCardResult {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
            payment_amount: reply.get("pg_payment_amount")?,
            balance: reply.get("pg_balance")?,
            card_hash: reply.get("pg_card_hash")?,
            card_token: reply.get("pg_card_token")?,
            card_id: reply.get("pg_card_id")?,
            payment_date: reply.get("pg_payment_date")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

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

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&by_token(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_reply() {
        let result = reply(&by_token(), "payout/reg2reg.xml").expect("reads");
        assert_eq!(result.payment_id.get(), 98_728_768);
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.order_id.as_deref(), Some("1234"));
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
        assert_eq!(result.balance, Amount::from_gateway("14284689"));
        assert_eq!(result.payment_amount, Amount::from_gateway("10"));
        assert_eq!(result.card_hash.as_deref(), Some("4405-64XX-XXXX-1234"));
        assert_eq!(
            result.card_token.as_deref(),
            Some("c92741d9-ddd7-4bad-abd0-5594a79eea1a")
        );
        assert_eq!(result.card_id, None);
        assert_eq!(result.payment_date.as_deref(), Some("2020-12-30 15:00:00"));
    }

    #[test]
    fn a_refusal_is_a_gateway_error() {
        let error = reply(&by_token(), "payout/reg2reg_error.xml").unwrap_err();
        match error {
            ErrorKind::Gateway(e) => {
                assert_eq!(e.code(), Some(crate::ErrorCode::PayoutDeclined10001));
            }
            other => panic!("expected a gateway error, got {other:?}"),
        }
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
    }
}
