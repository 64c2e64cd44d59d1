//! `POST /v1/merchant/{merchant_id}/cardstorage/remove`: delete a saved card.

use crate::payment::MaskedPan;
use crate::{Response, SecretKind, Status, UserId};

use super::CardRef;

operation! {
    /// Deletes a payer's saved card (`cardstorage/remove`, script `remove`, payment secret;
    /// docs/protocol.md §1.5). Deleting twice is harmless, so it is retried like a query.
    ///
    /// ```
    /// use freedompay_core::payment::{CardRef, RemoveCard};
    /// use freedompay_core::UserId;
    ///
    /// let remove = RemoveCard::new(UserId::new("user-7")?, CardRef::token("b2e4f7a0")?);
    /// # let _ = remove;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RemoveCard => RemovedCard {
        name: "remove_card",
        path: "/v1/merchant/{merchant_id}/cardstorage/remove",
        secret: SecretKind::Payment,
        moves_money: false;
        /// Deletes `card` of `user_id`.
        pub fn new(user_id: UserId, card: CardRef);
        "pg_user_id" => user_id,
        .. => card,
    }
}

reply! {
    /// The deleted card, as the gateway reports it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct RemovedCard [in card_or_top_level] {
        /// `pg_status` (`deleted`).
        status: Status = "pg_status",
        /// `pg_card_hash`: the masked card number.
        card_hash: Option<MaskedPan> = "pg_card_hash",
        /// `pg_merchant_id`.
        merchant_id: Option<String> = "pg_merchant_id",
        /// `deleted_at`, as received.
        deleted_at: Option<String> = "deleted_at",
    }
}

/// The card's fields come inside `<card>`; read them at the top level otherwise.
fn card_or_top_level<'a>(reply: &Response<'a>) -> Response<'a> {
    reply.nested("card").unwrap_or(*reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    fn remove() -> RemoveCard {
        RemoveCard::new(
            UserId::new("user-7").unwrap(),
            CardRef::token("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        assert_payment_snapshot!(wire(&remove()));
    }

    #[test]
    fn wire_request_with_a_legacy_card_id() {
        assert_payment_snapshot!(wire(&RemoveCard::new(
            UserId::new("user-7").unwrap(),
            CardRef::legacy_id("1001").unwrap(),
        )));
    }
}
