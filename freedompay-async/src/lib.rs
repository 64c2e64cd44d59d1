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
//!   client runs on any executor; or give it your runtime's timer with
//!   [`AsyncClient::with_sleep`] ([`Sleep`], [`sleep_fn`]).
//! - `os-rng` (default): salts from the operating system's randomness ([`OsSaltSource`],
//!   [`AsyncClient::with_transport`]). Without it, pass a [`SaltSource`] to
//!   [`AsyncClient::with_salts`].
//! - `wasm_js`: `os-rng` on `wasm32-unknown-unknown` with a JavaScript host (browsers,
//!   Cloudflare Workers, Deno), through `crypto.getRandomValues` (getrandom's `wasm_js`
//!   backend). Off by default: it would break WebAssembly builds without JavaScript.
//! - `serde`, `rust_decimal`, `chrono`, `jiff`, `uuid`: the core's features of the same names
//!   (serde for requests, results and notifications; conversions of amounts, dates and
//!   idempotency keys).
//!
//! # WebAssembly (Cloudflare Workers, browsers)
//!
//! With `default-features = false` (no reqwest, no tokio, no getrandom) the client builds for
//! `wasm32-unknown-unknown`. There are no threads and no OS there, so bring three things: a
//! transport over the runtime's `fetch`, the runtime's timer ([`AsyncClient::with_sleep`]),
//! and salts (feature `wasm_js`, or a [`SaltSource`] of your own with
//! [`AsyncClient::with_salts`]). The reconciliation helpers (`reconcile_payout`,
//! `reconcile_payment`) read the system clock, which that target lacks: they are not built
//! there; drive the core's [`Reconciler`](freedompay_core::reconcile::Reconciler) with the
//! runtime's clock instead.
//!
//! A transport for Cloudflare Workers over the `worker` crate's `Fetch` (`features =
//! ["wasm_js"]`, and `worker`, `js-sys`, `gloo-timers` with its `futures` feature in your
//! worker's dependencies):
//!
//! ```ignore
//! use freedompay_async::{
//!     AsyncClient, Config, HttpRequest, HttpResponse, Method, SendState, Transport,
//!     TransportError, TransportErrorKind, async_trait, sleep_fn,
//! };
//! use worker::send::SendFuture;
//!
//! struct WorkerFetch;
//!
//! #[async_trait]
//! impl Transport for WorkerFetch {
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         // The Workers runtime is single-threaded: its futures are not `Send`, and
//!         // `SendFuture` says so soundly.
//!         SendFuture::new(async move {
//!             let before = |e: worker::Error| {
//!                 TransportError::new(TransportErrorKind::InvalidRequest, SendState::NotSent)
//!                     .with_source(e.to_string())
//!             };
//!             let headers = worker::Headers::new();
//!             for (name, value) in request.headers().iter() {
//!                 headers.set(name, value).map_err(before)?;
//!             }
//!             let mut init = worker::RequestInit::new();
//!             init.with_method(match request.method() {
//!                 Method::Get => worker::Method::Get,
//!                 _ => worker::Method::Post,
//!             })
//!             .with_headers(headers)
//!             // Never follow a redirect (the Transport contract).
//!             .with_redirect(worker::RequestRedirect::Manual)
//!             .with_body(Some(js_sys::Uint8Array::from(request.body()).into()));
//!             let outgoing = worker::Request::new_with_init(request.url(), &init).map_err(before)?;
//!             // Once fetch is called the request may have left: any failure is MaybeSent,
//!             // so a payout is never resent blindly.
//!             let after = |e: worker::Error| {
//!                 TransportError::new(TransportErrorKind::Io, SendState::MaybeSent)
//!                     .with_source(e.to_string())
//!             };
//!             let mut response = worker::Fetch::Request(outgoing).send().await.map_err(after)?;
//!             let status = response.status_code();
//!             let body = response.bytes().await.map_err(after)?;
//!             Ok(HttpResponse::new(status, body))
//!         })
//!         .await
//!     }
//! }
//!
//! fn client(config: Config) -> AsyncClient {
//!     AsyncClient::with_transport(config, WorkerFetch)
//!         .with_sleep(sleep_fn(|delay| SendFuture::new(gloo_timers::future::sleep(delay))))
//! }
//! ```
//!
//! In a browser, `web_sys::window().fetch_with_request(..)` through
//! `wasm_bindgen_futures::JsFuture` is the same shape. Honour the request's
//! [`timeout`](HttpRequest::timeout) with an `AbortSignal` where the runtime has one.
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
pub mod sleep;

pub use client::AsyncClient;
pub use sleep::{DefaultSleep, Sleep, sleep_fn};

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
#[cfg(feature = "os-rng")]
pub use freedompay_sign::OsSaltSource;
pub use freedompay_sign::{Salt, SaltError, SaltSource, SecretKey};
pub use freedompay_transport::{
    BlockingFn, FnTransport, Headers, HttpRequest, HttpResponse, Method, SendState, Transport,
    TransportError, TransportErrorKind, async_trait, blocking_fn, transport_fn,
};
