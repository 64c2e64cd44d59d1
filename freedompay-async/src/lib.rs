//! `freedompay-async`: the async client of the FreedomPay merchant API (Kazakhstan,
//! Uzbekistan, Kyrgyzstan; formerly PayBox.money).
//!
//! [`AsyncClient`] has one method per operation of the gateway (`balance`, `payout_to_card`,
//! ...), each taking the operation's value from [`payout`] or [`payment`] and returning its
//! typed result or an [`Error`] that says whether the request may have reached FreedomPay
//! ([`Error::may_have_been_sent`]) and, for money-moving calls, whether the outcome is
//! unknown ([`Error::outcome_unknown`]). A payout is never resent after a failure that may
//! have reached the gateway.
//!
//! ```no_run
//! use freedompay_async::{AsyncClient, Config, payout::Balance};
//!
//! # #[cfg(feature = "reqwest")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::builder()
//!     .merchant_id("123456")
//!     .secret_key("payment-secret")
//!     .payout_secret_key("payout-secret")
//!     .build()?;
//! let client = AsyncClient::new(config)?;
//! let info = client.balance(Balance::new()).await?;
//! println!("payout balance: {}", info.balance);
//! # Ok(())
//! # }
//! ```
//!
//! This crate re-exports the whole protocol core (`freedompay-core`), the transport types and
//! the signing types a user needs, so it is the only dependency an application adds.
//!
//! # Features
//!
//! - `reqwest` (default): [`ReqwestTransport`] and [`AsyncClient::new`]. Without it, bring a
//!   transport of your own with [`AsyncClient::with_transport`]: nothing of reqwest is built.
//! - `time` (default): waits between retries use tokio's timer when called inside a tokio
//!   runtime. Without it (or outside tokio) a short-lived helper thread wakes the task, so the
//!   client runs on any executor.
//!
//! # Your own HTTP stack
//!
//! Any [`Transport`] works, closures included ([`transport_fn`]). One trap: a *blocking*
//! transport (one that does its I/O synchronously inside `send`) blocks the runtime's worker
//! thread for the whole call; give such a stack to `freedompay-blocking` instead, or keep it
//! off the async workers.
//!
//! # Tracing
//!
//! Every call runs in a `tracing` span `freedompay.call` with the fields `operation`,
//! `order_id`, `attempts` and `outcome`; each attempt logs a `debug` event. No secret, card
//! number or body is ever recorded.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's example is compiled and run with the documentation's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod client;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
mod sleep;

pub use client::AsyncClient;

/// The common imports, in one line: `use freedompay_async::prelude::*;` (the core's
/// [`prelude`](freedompay_core::prelude) and the client).
pub mod prelude {
    pub use crate::AsyncClient;
    pub use freedompay_core::prelude::*;
}
#[cfg(feature = "reqwest")]
pub use reqwest_transport::ReqwestTransport;

/// The reqwest crate this transport is built on, re-exported for version parity (to build a
/// `reqwest::Client` for [`ReqwestTransport::from_client`]).
#[cfg(feature = "reqwest")]
pub use reqwest;

pub use freedompay_core::*;
pub use freedompay_sign::{OsSaltSource, Salt, SaltError, SaltSource, SecretKey};
pub use freedompay_transport::{
    BlockingFn, FnTransport, Headers, HttpRequest, HttpResponse, Method, SendState, Transport,
    TransportError, TransportErrorKind, async_trait, blocking_fn, transport_fn,
};
