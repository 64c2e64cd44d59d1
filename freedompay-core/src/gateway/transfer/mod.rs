//! Transfers between cards (P2P): `/g2g/p2p/…` (docs.freedompay.kz api-9885527,
//! freedompay.kz/docs-en/gateway-api/transfer; docs/protocol.md §11).

mod acs;
mod card;
mod parties;
mod status;

pub use acs::CompleteCardTransfer;
pub use card::{CardTransfer, CardTransferResult};
pub use parties::{TransferRecipient, TransferSender};
pub use status::{CardTransferStatus, CardTransferStatusInfo};
