//! `POST /v1/merchant/{merchant_id}/cardstorage/list`: a payer's saved cards.

use freedompay_sign::Fields;

use crate::payment::MaskedPan;
use crate::{Config, InvalidInput, Operation, ReadError, Response, SecretKind, Status, UserId};

/// Lists a payer's saved cards (`cardstorage/list`, script `list`, payment secret;
/// PROTOCOL.md §1.5). The reply repeats a `<card>` element per card; no card is an empty
/// list. A query: retried on transport failures.
///
/// ```
/// use freedompay_core::payment::ListCards;
/// use freedompay_core::UserId;
///
/// let list = ListCards::new(UserId::new("user-7")?);
/// # let _ = list;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCards {
    user_id: UserId,
}

impl ListCards {
    /// The saved cards of `user_id`.
    pub fn new(user_id: UserId) -> Self {
        Self { user_id }
    }
}

/// A saved card.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedCard {
    /// `pg_status` of the card.
    pub status: Option<Status>,
    /// `pg_card_token`: what payments with the card are made with.
    pub card_token: Option<String>,
    /// `pg_card_id` (legacy).
    pub card_id: Option<String>,
    /// `pg_card_hash`: the masked card number.
    pub card_hash: Option<MaskedPan>,
    /// `pg_recurring_profile_id`: the card's recurring profile.
    pub recurring_profile_id: Option<String>,
    /// `pg_merchant_id`.
    pub merchant_id: Option<String>,
    /// `created_at`, as received.
    pub created_at: Option<String>,
}

impl SavedCard {
    pub(crate) fn read(card: &Response<'_>) -> Result<Self, ReadError> {
        Ok(SavedCard {
            status: card.get("pg_status")?,
            card_token: card.get("pg_card_token")?,
            card_id: card.get("pg_card_id")?,
            card_hash: card.get("pg_card_hash")?,
            recurring_profile_id: card.get("pg_recurring_profile_id")?,
            merchant_id: card.get("pg_merchant_id")?,
            created_at: card.get("created_at")?,
        })
    }
}

impl Operation for ListCards {
    type Output = Vec<SavedCard>;
    const NAME: &'static str = "list_cards";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/cardstorage/list";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_user_id", self.user_id.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<Vec<SavedCard>, ReadError> {
        reply
            .fields()
            .get_all("card")
            .map(|card| match card.as_map() {
                Some(card) => SavedCard::read(&Response::new(card)),
                None => Err(ReadError::invalid("card")),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

    fn list() -> ListCards {
        ListCards::new(UserId::new("user-7").unwrap())
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&list()));
    }

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&list(), SecretKind::Payment);
    }

    #[test]
    fn reads_every_card() {
        let cards = reply(&list(), "payment/cardstorage_list.xml").expect("reads");
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].status, Some(Status::Success));
        assert_eq!(
            cards[0].card_token.as_deref(),
            Some("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e")
        );
        assert_eq!(cards[0].card_id.as_deref(), Some("1001"));
        assert_eq!(
            cards[0].card_hash.as_ref().map(MaskedPan::as_received),
            Some("4405-64XX-XXXX-6150")
        );
        assert_eq!(cards[0].recurring_profile_id.as_deref(), Some("35768492"));
        assert_eq!(cards[0].merchant_id.as_deref(), Some("123456"));
        assert_eq!(cards[0].created_at.as_deref(), Some("2026-03-01 10:00:00"));
        assert_eq!(
            cards[1].card_token.as_deref(),
            Some("7c1d2e3f-0000-4000-8000-000000000002")
        );
        assert_eq!(cards[1].recurring_profile_id, None);
    }

    #[test]
    fn no_card_is_an_empty_list() {
        let cards = reply(&list(), "payment/cardstorage_list_empty.xml").expect("reads");
        assert!(cards.is_empty());
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&list(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
    }
}
