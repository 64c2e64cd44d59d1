//! XML for the FreedomPay (ex-PayBox.money) merchant API: responses, `pg_xml` callbacks and
//! merchant replies, to and from the message tree of [`freedompay_sign`].
//!
//! FreedomPay answers every API call with an XML document and may call the merchant with one
//! (the `pg_xml` form field); the merchant answers callbacks with signed XML. This crate moves
//! those documents to and from [`Fields`](freedompay_sign::Fields), so that every signature is
//! checked on exactly what arrived:
//!
//! * [`parse`] / [`parse_with`] read a document into a [`Document`] (root name + tree), with
//!   [`Limits`] that keep hostile input cheap to refuse; [`parse_pg_xml`] reads a `pg_xml`
//!   field.
//! * [`verify_response`] / [`parse_and_verify`] check `pg_sig` by the reference algorithm and
//!   keep the outcomes apart: [`Verified`], [`ResponseError::Unsigned`] (an unsigned error
//!   reply, its code kept), [`ResponseError::Mismatch`], [`ResponseError::Sign`].
//! * [`parse_ref`] / [`parse_and_verify_ref`] / [`verify_ref`] do the same into a
//!   [`DocumentRef`] that borrows its names and texts from the body (a few allocations for the
//!   whole document, plus one per text that needed decoding), for reading a reply without
//!   copying it.
//! * [`write()`] / [`write_with_root`] write a tree as a document that [`parse`] reads back
//!   unchanged; [`write_tree`] / [`write_tree_with_root`] write the same bytes for a tree held
//!   in another form (any [`Level`](freedompay_sign::Level)).
//!
//! ```
//! use freedompay_sign::{Fields, ScriptName, SecretKey, sign};
//! use freedompay_xml::{ResponseError, parse_and_verify, write};
//!
//! let script = ScriptName::from_url("https://shop.kz/freedompay/result")?;
//! let secret = SecretKey::new("TESTSECRET")?;
//!
//! // A merchant reply, signed and written...
//! let mut reply = Fields::new();
//! reply.push("pg_status", "ok").push("pg_description", "Order paid").push("pg_salt", "xyz");
//! let sig = sign(&script, &reply, &secret)?;
//! reply.push("pg_sig", sig.as_str());
//! let xml = write(&reply)?;
//!
//! // ...reads back and verifies.
//! let verified = parse_and_verify(xml.as_bytes(), &script, &secret)?;
//! assert_eq!(verified.fields(), &reply);
//!
//! // Any change breaks it.
//! let altered = xml.replace("Order paid", "Order paie");
//! assert_eq!(parse_and_verify(altered.as_bytes(), &script, &secret), Err(ResponseError::Mismatch));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! No quick-xml type appears in this API; errors never carry document text.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's example is compiled and run with the documentation's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod borrowed;
mod chars;
mod error;
mod flat;
mod limits;
mod parse;
mod verify;
mod write;

pub use borrowed::{DocumentRef, FieldsRef, ValueRef};
pub use error::{ParseError, ParseErrorKind, WriteError, WriteErrorKind};
pub use limits::Limits;
pub use parse::{Document, parse, parse_pg_xml, parse_ref, parse_ref_with, parse_with};
pub use verify::{
    ResponseError, UnsignedReply, Verified, VerifiedRef, parse_and_verify, parse_and_verify_ref,
    verify_ref, verify_response,
};
pub use write::{
    REQUEST_ROOT, RESPONSE_ROOT, write, write_tree, write_tree_with_root, write_with_root,
};
