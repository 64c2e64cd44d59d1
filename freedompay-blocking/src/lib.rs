//! `freedompay-blocking`: the blocking client of the FreedomPay merchant API (Kazakhstan,
//! Uzbekistan, Kyrgyzstan; formerly PayBox.money). No async runtime anywhere in it.
//!
//! [`BlockingClient`] has one method per operation of the gateway (`balance`,
//! `payout_to_card`, ...), each taking the operation's value from [`payout`] or [`payment`]
//! and returning its typed result or an [`Error`] that says whether the request may have
//! reached FreedomPay ([`Error::may_have_been_sent`]) and, for money-moving calls, whether the
//! outcome is unknown ([`Error::outcome_unknown`]). A payout is never resent after a failure
//! that may have reached the gateway.
//!
//! ```no_run
//! use freedompay_blocking::{BlockingClient, Config, payout::Balance};
//!
//! # #[cfg(feature = "ureq")]
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::builder()
//!     .merchant_id("123456")
//!     .secret_key("payment-secret")
//!     .payout_secret_key("payout-secret")
//!     .build()?;
//! let client = BlockingClient::new(config);
//! let info = client.balance(Balance::new())?;
//! println!("payout balance: {}", info.balance);
//! # Ok(())
//! # }
//! ```
//!
//! The methods and their arguments are those of `freedompay-async`'s `AsyncClient`, generated
//! from the same lists of operations. This crate re-exports the whole protocol core
//! (`freedompay-core`), the transport types and the signing types a user needs, so it is the
//! only dependency an application adds.
//!
//! # Features
//!
//! - `ureq` (default): [`UreqTransport`] and [`BlockingClient::new`]. Without it, bring a
//!   transport of your own with [`BlockingClient::with_transport`]: nothing of ureq is built.
//!
//! # Your own HTTP stack
//!
//! Any [`Transport`] works. A blocking stack does its work inside `send` (a closure made a
//! transport with [`blocking_fn`] is the shortest way), so its future is ready at once; the
//! client drives it with a minimal executor of its own (it parks the calling thread until the
//! future wakes it). A transport that needs an async runtime (tokio's reactor) does not work
//! here: use `freedompay-async` for it.
//!
//! Calling the blocking client from inside an async runtime blocks that runtime's worker
//! thread for the whole call (retries and backoff included): call it from a blocking thread
//! (`spawn_blocking`) there, or use `freedompay-async`.
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

mod block_on;
mod client;
#[cfg(feature = "ureq")]
mod ureq_transport;

pub use client::BlockingClient;

/// The common imports, in one line: `use freedompay_blocking::prelude::*;` (the core's
/// [`prelude`](freedompay_core::prelude) and the client).
pub mod prelude {
    pub use crate::BlockingClient;
    pub use freedompay_core::prelude::*;
}
#[cfg(feature = "ureq")]
pub use ureq_transport::UreqTransport;

/// The ureq crate this transport is built on, re-exported for version parity (to build a
/// `ureq::Agent` for [`UreqTransport::from_agent`]).
#[cfg(feature = "ureq")]
pub use ureq;

pub use freedompay_core::*;
pub use freedompay_sign::{OsSaltSource, Salt, SaltError, SaltSource, SecretKey};
pub use freedompay_transport::{
    BlockingFn, FnTransport, Headers, HttpRequest, HttpResponse, Method, SendState, Transport,
    TransportError, TransportErrorKind, async_trait, blocking_fn, transport_fn,
};
