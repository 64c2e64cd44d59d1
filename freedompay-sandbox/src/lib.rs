//! `freedompay-sandbox`: a local emulator of the FreedomPay (ex-PayBox.money) merchant API,
//! a real HTTP server on loopback that any FreedomPay client, in any language, can be pointed
//! at.
//!
//! It behaves like the gateway as docs/protocol.md describes it:
//!
//! * every endpoint of the classic merchant API (payments, status, clearing, refunds,
//!   recurring, saved cards, mobile commerce, payouts, balance, cash by code), taking
//!   urlencoded forms, `multipart/form-data`, query strings and `pg_xml`, with PHP bracket
//!   names for nested data, decoded as a PHP server decodes them;
//! * `pg_sig` checked by the reference algorithm, with the script name from the request path
//!   and the payment or payout secret per endpoint; replies as signed XML (a fresh `pg_salt`,
//!   and now and then an unknown extra element, as a newer gateway might send); an unknown
//!   merchant gets the unsigned error 101, a bad signature error 9998; replies say
//!   `text/xml; charset=UTF-8`, and a path that is no endpoint gets an XML error too;
//! * the legacy `get_status.php` and `cardstorage/add` that older clients still call;
//! * the Gateway Sync API (`/g2g/payment`, `paymentAcs`, `cancel`, `clearing`, `refund`,
//!   `status_v2`, `cardstorage/*`, `p2p/*`) with 3-D Secure through an ACS page of its own;
//! * payments and payouts with their statuses and transitions, a balance that moves, the
//!   documented test cards, idempotency keys;
//! * pages for the payer (card form), the payout recipient and saved cards;
//! * signed callbacks (check, result, refund, capture, payout notifications, card added) with
//!   the merchant's signed reply verified and retries on failure;
//! * a dashboard at `/` for people (payments, payouts, cards, callbacks with their replies;
//!   buttons that pay, complete payouts, set faults, advance time and replay callbacks);
//! * a control API under `/_sandbox/` and injected faults (latency, dropped connections, 5xx
//!   pages, truncated bodies, wrong signatures, unsigned errors).
//!
//! Embed it in a test on a tokio runtime with [`Sandbox`], or from synchronous code with
//! [`SandboxThread`]; run it as the `freedompay-sandbox` binary otherwise. The feature
//! `testing` adds the helpers for testing an integration: the control API as methods, the
//! test cards, a merchant callback server (`testing`). The crate's
//! README lists the routes, the flags and the choices made where the documentation is silent.
//!
//! ```
//! use freedompay_sandbox::{ClockMode, SandboxConfig, SandboxThread};
//! use freedompay_sign::SecretKey;
//!
//! let config = SandboxConfig::new("545000", SecretKey::new("payment-secret")?)
//!     .payout_secret_key(SecretKey::new("payout-secret")?)
//!     .clock(ClockMode::Fixed(1_767_225_600))
//!     .unknown_element_every(0);
//! let sandbox = SandboxThread::start(config)?;
//! println!("FreedomPay sandbox at {}", sandbox.base_url());
//! // ... point a client at sandbox.base_url() ...
//! sandbox.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod app;
#[cfg(feature = "cli")]
mod args;
mod callbacks;
mod cards;
mod config;
mod control;
mod dashboard;
mod endpoints;
mod error;
mod faults;
mod flow;
mod html;
mod money;
mod pages;
mod qr;
mod reply;
mod request_log;
mod scheduler;
mod server;
mod state;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod thread;
mod time;
mod validate;
mod wire;

#[cfg(feature = "cli")]
pub use args::{ArgsError, PAYOUT_SECRET_ENV, SECRET_ENV, SandboxArgs};
pub use config::{
    DEFAULT_CARD_API_KEY, DEFAULT_PARTNER_API_KEY, DEFAULT_RETENTION, JsonApiKeyText,
    RetrySchedule, SandboxConfig, SecretChoice,
};
pub use endpoints::json::GIFT_CARD_TEST_OTP;
pub use faults::{Fault, FaultError};
/// The secret key type of the configuration, from `freedompay-sign`.
pub use freedompay_sign::SecretKey;
pub use server::Sandbox;
pub use thread::SandboxThread;
pub use time::ClockMode;

/// Parses an amount as the sandbox does (`"1000000"`, `"25.50"`; at most two decimals, no
/// sign) into minor units; `None` when it is not one.
///
/// ```
/// assert_eq!(freedompay_sandbox::parse_minor_units("1000000.00"), Some(100_000_000));
/// assert_eq!(freedompay_sandbox::parse_minor_units("1.005"), None);
/// ```
pub fn parse_minor_units(text: &str) -> Option<i64> {
    money::parse_minor(text)
}
