//! Validated values: what the gateway accepts, checked before anything is signed or sent.
//!
//! Every constructor refuses input outside the documented limits (docs/protocol.md §1.1, §5) with
//! an [`InvalidInput`](crate::InvalidInput) naming the field and the rule, never the value.

mod amount;
mod card;
mod card_data;
mod currency;
mod datetime;
mod ids;
mod interop;
mod text;
mod url;

pub use amount::Amount;
pub use card::CardNumber;
pub use card_data::{CardData, CardHolder, Cvc, Expiry};
pub use currency::Currency;
pub use datetime::DateTime;
pub use ids::{IdempotencyKey, OrderId, PaymentId, UserId};
pub use text::{Description, Phone};
pub use url::Url;
