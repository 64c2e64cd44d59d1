//! Saved cards for payments (docs/protocol.md §1.5): save a card, list and remove saved cards.
//! Paying with a saved card is in [`token`](super::token).

mod add;
mod list;
mod remove;

pub use add::{AddCard, AddCardResult};
pub use list::{ListCards, SavedCard};
pub use remove::{RemoveCard, RemovedCard};

use freedompay_sign::Fields;

use crate::InvalidInput;
use crate::declare::WriteFields;

/// Which saved card: its token (`pg_card_token`, current) or its legacy id (`pg_card_id`).
///
/// ```
/// use freedompay_core::payment::CardRef;
///
/// let card = CardRef::token("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e")?;
/// assert!(CardRef::token("").is_err());
/// # let _ = card;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum CardRef {
    /// `pg_card_token`.
    Token(String),
    /// `pg_card_id` (legacy).
    LegacyId(String),
}

impl CardRef {
    /// A card by its token: 1 to 255 visible ASCII characters.
    pub fn token(token: impl Into<String>) -> Result<Self, InvalidInput> {
        let token = token.into();
        check("pg_card_token", &token)?;
        Ok(CardRef::Token(token))
    }

    /// A card by its legacy id: 1 to 255 visible ASCII characters.
    pub fn legacy_id(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        check("pg_card_id", &id)?;
        Ok(CardRef::LegacyId(id))
    }
}

impl WriteFields for CardRef {
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        match self {
            CardRef::Token(token) => {
                check("pg_card_token", token)?;
                fields.push("pg_card_token", token.as_str());
            }
            CardRef::LegacyId(id) => {
                check("pg_card_id", id)?;
                fields.push("pg_card_id", id.as_str());
            }
        }
        Ok(())
    }
}

fn check(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.is_empty() || value.len() > 255 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            field,
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}
