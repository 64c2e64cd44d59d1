//! `POST /g2g/cardstorage/list` and `/g2g/cardstorage/remove`: a payer's stored cards.

use crate::gateway::not_empty;
use crate::payment::{RemovedCard, SavedCard};
use crate::{SecretKind, UserId};

operation! {
    /// Lists a payer's stored cards (`/g2g/cardstorage/list`, payment secret; freedompay.kz
    /// /docs-en/gateway-api/save-card "Getting a list of cards"). The reply is taken to have
    /// the Merchant API list's shape, a `<card>` element per card (docs.freedompay.uz
    /// api-13679502) [?]; no card is an empty list. A query: retried on transport failures.
    ///
    /// ```
    /// use freedompay_core::gateway::ListStoredCards;
    /// use freedompay_core::UserId;
    ///
    /// let list = ListStoredCards::new(UserId::new("1234")?);
    /// # let _ = list;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ListStoredCards => Vec<SavedCard> {
        name: "gateway_list_cards",
        path: "/g2g/cardstorage/list",
        secret: SecretKind::Payment,
        moves_money: false;
        /// The stored cards of `user_id`.
        pub fn new(user_id: UserId);
        "pg_user_id" => user_id,
    }
}

operation! {
    /// Removes a payer's stored card (`/g2g/cardstorage/remove`, payment secret;
    /// docs.freedompay.uz api-13679464, freedompay.kz /docs-en/gateway-api/save-card
    /// "Deleting a card"). Removing twice is harmless, so it is retried like a query.
    ///
    /// ```
    /// use freedompay_core::gateway::RemoveStoredCard;
    /// use freedompay_core::UserId;
    ///
    /// let remove = RemoveStoredCard::new(UserId::new("1234")?, "ef741cfc-f85e-41a0-84e6-2ba964912182");
    /// # let _ = remove;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RemoveStoredCard => RemovedCard {
        name: "gateway_remove_card",
        path: "/g2g/cardstorage/remove",
        secret: SecretKind::Payment,
        moves_money: false;
        fn checked(user_id: UserId, card_token: String);
        "pg_user_id" => user_id,
        "pg_card_token" => card_token [check not_empty],
    }
}

impl RemoveStoredCard {
    /// Removes the card with `card_token` of `user_id`.
    pub fn new(user_id: UserId, card_token: impl Into<String>) -> Self {
        Self::checked(user_id, card_token.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::assert_gateway_snapshot;
    use crate::testing::wire;

    #[test]
    fn wire_list() {
        assert_gateway_snapshot!(wire(&ListStoredCards::new(UserId::new("1234").unwrap())));
    }

    #[test]
    fn wire_remove() {
        assert_gateway_snapshot!(wire(&RemoveStoredCard::new(
            UserId::new("1234").unwrap(),
            "ef741cfc-f85e-41a0-84e6-2ba964912182"
        )));
    }
}
