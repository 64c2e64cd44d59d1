//! The Card family of the Gateway API: storing a card with its data (and its 3-D Secure
//! step), listing and removing stored cards (docs/protocol.md §11.1).

mod manage;
mod store;

pub use manage::{ListStoredCards, RemoveStoredCard};
pub use store::{CardStored, CompleteStoreCard, StoreCard, StoreCardResult};
