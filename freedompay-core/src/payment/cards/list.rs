//! `POST /v1/merchant/{merchant_id}/cardstorage/list`: a payer's saved cards.

use crate::declare::FromReply;
use crate::payment::MaskedPan;
use crate::{ReadError, Response, SecretKind, Status, UserId};

operation! {
    /// Lists a payer's saved cards (`cardstorage/list`, script `list`, payment secret;
    /// docs/protocol.md §1.5). The reply repeats a `<card>` element per card; no card is an empty
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
    pub struct ListCards => Vec<SavedCard> {
        name: "list_cards",
        path: "/v1/merchant/{merchant_id}/cardstorage/list",
        secret: SecretKind::Payment,
        moves_money: false;
        /// The saved cards of `user_id`.
        pub fn new(user_id: UserId);
        "pg_user_id" => user_id,
    }
}

reply! {
    /// A saved card.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct SavedCard {
        /// `pg_status` of the card.
        status: Option<Status> = "pg_status",
        /// `pg_card_token`: what payments with the card are made with.
        card_token: Option<String> = "pg_card_token",
        /// `pg_card_id` (legacy).
        card_id: Option<String> = "pg_card_id",
        /// `pg_card_hash`: the masked card number.
        card_hash: Option<MaskedPan> = "pg_card_hash",
        /// `pg_recurring_profile_id`: the card's recurring profile.
        recurring_profile_id: Option<String> = "pg_recurring_profile_id",
        /// `pg_merchant_id`.
        merchant_id: Option<String> = "pg_merchant_id",
        /// `created_at`, as received.
        created_at: Option<String> = "created_at",
    }
}

/// The reply repeats a `<card>` element per card.
impl FromReply for Vec<SavedCard> {
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError> {
        reply
            .nested_all("card")
            .map(|card| match card {
                Some(card) => SavedCard::from_reply(&card),
                None => Err(ReadError::invalid("card")),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn list() -> ListCards {
        ListCards::new(UserId::new("user-7").unwrap())
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&list()));
    }
}
