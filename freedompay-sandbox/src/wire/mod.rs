//! The wire forms of a request, decoded as the gateway (a PHP server) decodes them, into the
//! message tree that is verified: query strings, `application/x-www-form-urlencoded`,
//! `multipart/form-data`, the bracket names of nested arrays, and the single `pg_xml` field.
//!
//! Written here on purpose rather than shared with the clients: the sandbox must decode what
//! a client actually sent, so that an encoding mistake shows up as a refused signature. The
//! multipart syntax is read by `multer`; PHP's naming rules (`parse_str`), which no library
//! reproduces, are ours (`php.rs`).

mod encode;
mod form;
mod multipart;
mod php;
mod request;

pub(crate) use encode::{encode_form, percent_encode};
pub(crate) use form::{FlatForm, KNOWN_NAMES, known_id, known_place, parse_urlencoded};
pub(crate) use php::PhpArray;
pub(crate) use request::{Message, request_message};
