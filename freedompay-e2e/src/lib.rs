//! End-to-end tests of `freedompay-blocking` and `freedompay-async` against
//! `freedompay-sandbox` over loopback; the tests are in `tests/`. A crate of its own so that
//! neither client crate has the sandbox (and its tokio) among its dependencies.
//!
//! Every test is one function run once per client flavour (blocking over ureq, async over
//! reqwest), against a sandbox of its own and a small merchant server that verifies and
//! answers FreedomPay's callbacks with the core's typed notifications:
//!
//! * `tests/payouts.rs`: every payout operation, the payout flow with its notification, every
//!   payout test card;
//! * `tests/payments.rs`: every payment operation, the payment flow with its check and result
//!   callbacks;
//! * `tests/gateway.rs`: every Gateway API operation, the 3-D Secure round trips through the
//!   sandbox's ACS page and the merchant's `TermUrl`;
//! * `tests/faults.rs`: every injected fault, a wrong merchant id, wrong secrets, a refused
//!   connection;
//! * `tests/support/mod.rs`: the flavours behind one client type, the sandbox, the merchant
//!   server and the sandbox's control API;
//! * `tests/table_blocking.rs` and `tests/table_async.rs`: the behaviour table of
//!   `tests/table/mod.rs` (round trips, bad signatures, HTML errors, refused and stalled
//!   connections, redirects, tracing) against a small HTTP server of its own, once per flavour
//!   over its default transport. It lives here, not in the client crates, so that each client
//!   crate's package builds and tests from its own files.
//!
//! ```sh
//! cargo test -p freedompay-e2e
//! ```
