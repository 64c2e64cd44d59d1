//! `POST /v1/merchant/{merchant_id}/cardstorage/remove`: delete a saved card.

use freedompay_sign::Fields;

use crate::payment::MaskedPan;
use crate::{Config, InvalidInput, Operation, ReadError, Response, SecretKind, Status, UserId};

use super::CardRef;

/// Deletes a payer's saved card (`cardstorage/remove`, script `remove`, payment secret;
/// PROTOCOL.md §1.5). Deleting twice is harmless, so it is retried like a query.
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
pub struct RemoveCard {
    user_id: UserId,
    card: CardRef,
}

impl RemoveCard {
    /// Deletes `card` of `user_id`.
    pub fn new(user_id: UserId, card: CardRef) -> Self {
        Self { user_id, card }
    }
}

/// The deleted card, as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemovedCard {
    /// `pg_status` (`deleted`).
    pub status: Status,
    /// `pg_card_hash`: the masked card number.
    pub card_hash: Option<MaskedPan>,
    /// `pg_merchant_id`.
    pub merchant_id: Option<String>,
    /// `deleted_at`, as received.
    pub deleted_at: Option<String>,
}

impl Operation for RemoveCard {
    type Output = RemovedCard;
    const NAME: &'static str = "remove_card";
    const PATH: &'static str = "/v1/merchant/{merchant_id}/cardstorage/remove";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_user_id", self.user_id.as_str());
        self.card.write(fields)
    }

    fn read(&self, reply: &Response<'_>) -> Result<RemovedCard, ReadError> {
        // The card's fields come inside `<card>`; read them at the top level otherwise.
        let card = match reply.fields().get("card").and_then(|c| c.as_map()) {
            Some(card) => Response::new(card),
            None => *reply,
        };
        Ok(RemovedCard {
            status: card.require("pg_status")?,
            card_hash: card.get("pg_card_hash")?,
            merchant_id: card.get("pg_merchant_id")?,
            deleted_at: card.get("deleted_at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

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

    #[test]
    fn signed_with_the_payment_secret() {
        assert_signed_with(&remove(), SecretKind::Payment);
    }

    #[test]
    fn reads_the_reply() {
        let removed = reply(&remove(), "payment/cardstorage_remove.xml").expect("reads");
        assert_eq!(removed.status, Status::Deleted);
        assert_eq!(
            removed.card_hash.as_ref().map(MaskedPan::as_received),
            Some("4405-64XX-XXXX-6150")
        );
        assert_eq!(removed.merchant_id.as_deref(), Some("123456"));
        assert_eq!(removed.deleted_at.as_deref(), Some("2026-03-05 12:00:00"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        assert!(matches!(
            reply(&remove(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
    }
}
