//! Payments with a saved card (docs/protocol.md §1.5): create the payment with the card's token,
//! then either let the payer confirm it in a browser (CVC, 3-D Secure) or charge it directly.

mod confirm;
mod direct;
mod init;

pub use confirm::CardPayLink;
pub use direct::{DirectCardPayment, DirectCardPaymentResult};
pub use init::{InitCardPayment, InitCardPaymentResult};
