//! The callbacks FreedomPay sends about payments, typed, with their signed replies
//! (PROTOCOL.md §2.8–2.9): [`CheckNotification`] (`pg_check_url`), [`ResultNotification`]
//! (`pg_result_url`), [`RefundNotification`] (`pg_refund_url`), [`CaptureNotification`]
//! (`pg_capture_url`), [`CardAddedNotification`] (the `post_link` of a saved card) and
//! [`RedirectNotification`] (the success and failure URLs).
//!
//! Each verifies a GET query, a POST form or a `pg_xml` document against the **last path
//! segment of the URL FreedomPay called** and the payment secret, then reads the fields it
//! needs; a callback that verifies but lacks them is a [`NotificationError::Field`]. Two
//! lines in a handler:
//!
//! ```
//! use freedompay_core::Config;
//! use freedompay_core::payment::notifications::ResultNotification;
//!
//! # let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
//! # let secret = freedompay_core::sign::SecretKey::new("TESTSECRET")?;
//! # let (url, query) = ("https://shop.kz/freedompay/result", "");
//! # let body = freedompay_core::callback::testing::signed_form(url, &[("pg_payment_id", "123456"), ("pg_amount", "1500"), ("pg_result", "1"), ("pg_salt", "xyz")], &secret);
//! let result = ResultNotification::verify(url, query, &body, &config)?;
//! let reply = result.reply_ok_with("Order paid", &config); // HTTP 200, reply.content_type(), reply.body()
//! assert!(reply.body().ends_with("<pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Replies echo the incoming `pg_salt` and are signed with the same script name, so a
//! repeated callback gets the same bytes for the same decision.

mod capture;
mod card_added;
mod check;
mod error;
mod redirect;
mod refund;
mod reply;
mod result;

pub use capture::CaptureNotification;
pub use card_added::CardAddedNotification;
pub use check::CheckNotification;
pub use error::{NotificationError, RejectNotAllowed};
pub use redirect::RedirectNotification;
pub use refund::RefundNotification;
pub use result::{PaymentResult, ResultNotification};
