//! `freedompay-core`: the FreedomPay protocol without I/O.
//!
//! Every operation of the Merchant API is a value implementing [`Operation`]: its path, the
//! secret that signs it (payment or payout, docs/protocol.md §2.6), whether it moves money, its
//! typed fields and how to read its verified reply. An [`Exchange`] drives one call: it yields
//! the signed [`HttpRequest`](freedompay_transport::HttpRequest) to send, takes the response
//! back, verifies it, maps error codes and decides whether a retry is safe. The async and
//! blocking clients are a few-line loop over it; so can yours be.
//!
//! Nothing here reads a clock, draws randomness or touches the network: the salt comes in,
//! so every request is reproducible byte for byte.
//!
//! ```
//! use freedompay_core::{Amount, CardNumber, Config, Description, OrderId, Url, payout::PayoutToCard, prepare};
//! use freedompay_sign::Salt;
//!
//! let config = Config::builder().merchant_id("123456").payout_secret_key("payout-secret").secret_key("pay-secret").build()?;
//! let payout = PayoutToCard::new(
//!     OrderId::new("payout-42")?,
//!     Amount::parse("1500.50")?,
//!     CardNumber::parse("4671593866478252")?,
//!     Description::new("Salary, November")?,
//!     Url::new("https://shop.kz/freedompay/payout-notify")?,
//! );
//! let request = prepare(&config, &payout, &Salt::new("abc123")?)?;
//! assert_eq!(request.url(), "https://api.freedompay.kz/g2g/p2p2nonreg");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//!
//! # Features
//!
//! All off by default, each building alone and with the others:
//!
//! - `serde`: `Serialize` on every request, result, notification, value and error type,
//!   `Deserialize` where it round-trips (values validate on the way in). Amounts are decimal
//!   strings (`"2500.00"`), never floats; card numbers, IBANs and IINs serialize masked and
//!   have no `Deserialize`; secrets, signatures and salts never serialize; [`Error`]
//!   serializes as a summary (operation, order id, kind, code, whether it may have been sent,
//!   whether the outcome is unknown, the message).
//! - `rust_decimal`: [`Amount`] ↔ `rust_decimal::Decimal`.
//! - `chrono`, `jiff`: [`DateTime`] ↔ `chrono::NaiveDateTime`, `jiff::civil::DateTime`.
//! - `uuid`: [`IdempotencyKey`] and [`OrderId`] from a `uuid::Uuid`.
//!
//! It builds for `wasm32-unknown-unknown` as it is.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's example is compiled and run with the documentation's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The generic callback layer's old path; it lives in [`notifications`].
#[doc(hidden)]
pub mod callback {
    pub use crate::notifications::{
        CallbackError, CallbackForm, CallbackReply, CallbackRequest, ReplyBody, ReplyError,
        ReplyStatus, VerifiedCallback, testing,
    };
}
#[macro_use]
mod declare;
mod config;
#[cfg(feature = "driver")]
pub mod driver;
mod error;
mod exchange;
pub mod form;
pub mod gateway;
pub mod json;
pub mod notifications;
mod operation;
pub mod payment;
pub mod payout;
pub mod reconcile;
#[cfg(feature = "chacha")]
mod salt;
mod salts;
mod status;
#[cfg(test)]
mod testing;
mod values;
mod wire;

pub use config::{Config, ConfigBuilder, Region, RetryPolicy, SecretKind};
pub use error::{
    Error, ErrorClass, ErrorCode, ErrorKind, GatewayError, InvalidInput, MalformedResponse,
    UnsignedError,
};
pub use exchange::{Exchange, Step, read_reply};
pub use operation::{Operation, operation_fields, prepare};
pub use reconcile::{Lookup, NotFound, NotFoundEvidence};
#[cfg(feature = "chacha")]
pub use salt::ChaChaSaltSource;
pub use salts::FixedSalt;
pub use status::Status;
pub use values::{
    Amount, CardData, CardHolder, CardNumber, Currency, Cvc, DateTime, Description, Expiry,
    IdempotencyKey, OrderId, PaymentId, Phone, Url, UserId,
};
pub use wire::{FromWire, ReadError, Response};

/// The common imports, in one line: `use freedompay_core::prelude::*;` (the clients
/// re-export it with their client type).
///
/// ```
/// use freedompay_core::prelude::*;
///
/// let payout = payout::PayoutToCard::new(
///     "payout-42".try_into()?,
///     "1500.50".try_into()?,
///     "4671593866478252".try_into()?,
///     "Salary, November".try_into()?,
///     "https://shop.kz/freedompay/payout-notify".try_into()?,
/// )
/// .currency(Currency::Kzt);
/// assert_eq!(payout.order_id(), Some("payout-42"));
/// # Ok::<(), InvalidInput>(())
/// ```
pub mod prelude {
    pub use crate::{
        Amount, CardNumber, Config, Currency, DateTime, Description, Error, ErrorCode, ErrorKind,
        IdempotencyKey, InvalidInput, Operation, OrderId, PaymentId, Phone, SecretKind, Status,
        Url, UserId, payment, payout,
    };
}

/// The signing crate, re-exported for its types (`Salt`, `SecretKey`, `Fields`).
pub use freedompay_sign as sign;
/// The transport crate, re-exported for its types (`HttpRequest`, `HttpResponse`, `Transport`).
pub use freedompay_transport as transport;
