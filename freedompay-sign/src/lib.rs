//! Signatures for the FreedomPay (ex-PayBox.money) merchant API.
//!
//! This crate is the foundation of `freedompay-rs`: everything that goes to or comes from the
//! gateway passes through its [`Fields`] tree and its signature rules.
//!
//! * [`Fields`]: the ordered message tree (named texts, nested maps, lists, same-name siblings).
//! * [`sign`] / [`verify`]: the MD5 `pg_sig` of the reference algorithm (`PG_Signature` of the
//!   official plugins): flattened keys with 3-digit position suffixes, byte-wise sort, `pg_sig`
//!   dropped, script name first, secret last, `;` joined, lowercase hex.
//! * [`sign_tree`] / [`verify_tree`]: the same for a tree held in another form, seen through
//!   the [`Level`] trait (`freedompay-xml` verifies responses it borrows from the body this way).
//! * [`explain`]: the canonical string with the secret masked, for debugging a mismatch.
//! * [`ScriptName`]: the script name from a URL (its last path segment).
//! * [`SecretKey`], [`Salt`] and [`SaltSource`].
//! * [`jws`]: detached JWS with HMAC (HS256, HS512) for the `/v5` JSON APIs.
//!
//! ```
//! use freedompay_sign::{Fields, ScriptName, SecretKey};
//!
//! let mut fields = Fields::new();
//! fields
//!     .push("pg_order_id", "23")
//!     .push("pg_merchant_id", "123456")
//!     .push("pg_amount", "25")
//!     .push("pg_description", "test")
//!     .push("pg_salt", "molbulak");
//! let script = ScriptName::from_url("https://api.freedompay.kz/init_payment.php").unwrap();
//! let secret = SecretKey::new("TESTSECRET").unwrap();
//!
//! let sig = freedompay_sign::sign(&script, &fields, &secret).unwrap();
//! assert_eq!(sig.as_str(), "fe9aa0d66e010d645bafe82364540b1a");
//!
//! fields.push("pg_sig", sig.as_str());
//! assert!(freedompay_sign::verify(&script, &fields, &secret).is_ok());
//! ```
//!
//! `no_std` + `alloc`: disable the default features (`std`, `os-rng`) and bring a
//! [`SaltSource`] of your own.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's example is compiled and run with the documentation's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod canonical;
mod error;
pub mod jws;
mod salt;
mod script;
mod secret;
mod signature;
mod tree;

pub use canonical::{
    CanonicalEntry, Level, Node, canonical_entries, explain, fast_order, sign, sign_tree, verify,
    verify_tree,
};
pub use error::{SignError, VerifyError};
#[cfg(feature = "os-rng")]
pub use salt::OsSaltSource;
pub use salt::{Salt, SaltError, SaltSource};
pub use script::{ScriptName, ScriptNameError};
pub use secret::{SecretKey, SecretKeyError};
pub use signature::{Signature, SignatureParseError};
pub use tree::{Field, Fields, Value};

/// The name of the signature field, dropped from every level before signing.
pub const SIG_FIELD: &str = "pg_sig";
/// The name of the salt field.
pub const SALT_FIELD: &str = "pg_salt";
