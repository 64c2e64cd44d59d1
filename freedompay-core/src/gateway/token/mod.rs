//! Payments by a saved card's token and by wallets (Apple Pay, Google Pay, Samsung Pay):
//! `/g2g/payment` (docs.freedompay.kz api-9888724, api-9856298, doc-776176; docs/protocol.md
//! §11.3).

mod pay;
mod wallet;

pub use pay::{TokenPayment, TokenPaymentResult};
pub use wallet::{Wallet, WalletPayment, WalletPaymentData};
