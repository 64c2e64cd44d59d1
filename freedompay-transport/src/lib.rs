//! `freedompay-transport`: the HTTP request and response types of the FreedomPay SDK and the
//! one [`Transport`] trait that every HTTP stack implements.
//!
//! The protocol crate (`freedompay-core`) builds an [`HttpRequest`] and reads an
//! [`HttpResponse`]; it never does I/O. Whatever sends the request in between (reqwest, ureq,
//! a company HTTP client, a closure in a test) implements [`Transport`], and reports failures
//! as a [`TransportError`] that says honestly whether the request may have reached the
//! gateway ([`SendState`]). That one bit decides whether a payout may be retried.
//!
//! ```
//! use freedompay_transport::{HttpRequest, HttpResponse, Method, Transport, TransportError, transport_fn};
//!
//! // A closure is a transport: handy in tests and for wrapping your own client.
//! let transport = transport_fn(|request: HttpRequest| async move {
//!     assert_eq!(request.method(), Method::Post);
//!     Ok::<_, TransportError>(HttpResponse::new(200, b"<response/>".to_vec()))
//! });
//! # let _ = &transport;
//! ```
//!
//! The crate is tiny on purpose: no HTTP client, no runtime. With the `http` feature it
//! converts to and from the `http` 1.x crate's types.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's example is compiled and run with the documentation's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod body;
mod error;
mod headers;
#[cfg(feature = "http")]
mod http_compat;
mod prepared;
mod request;
mod response;
mod transport;

pub use body::Body;
pub use error::{SendState, TransportError, TransportErrorKind};
pub use headers::Headers;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use http_compat::HeaderMaps;
pub use prepared::Prepared;
pub use request::{HttpRequest, Method};
pub use response::HttpResponse;
pub use transport::{BlockingFn, FnTransport, Transport, blocking_fn, transport_fn};

/// The attribute macro the [`Transport`] trait is declared with, re-exported so that an
/// implementation needs no dependency of its own: put `#[async_trait]` on the `impl`.
pub use async_trait::async_trait;
