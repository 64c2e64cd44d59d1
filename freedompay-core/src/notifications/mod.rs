//! Every callback FreedomPay sends to the merchant, verified, typed, and answered
//! (docs/protocol.md §2.8–2.9).
//!
//! | Callback | Where FreedomPay sends it | Type | Secret |
//! |---|---|---|---|
//! | check | `pg_check_url` | [`CheckNotification`] | payment |
//! | result | `pg_result_url` | [`ResultNotification`] | payment |
//! | refund | `pg_refund_url` | [`RefundNotification`] | payment |
//! | capture (clearing) | `pg_capture_url` | [`CaptureNotification`] | payment |
//! | card saved for payments | `pg_post_link` of `cardstorage/add2` | [`CardAddedNotification`] | payment |
//! | success / failure redirect | `pg_success_url`, `pg_failure_url` | [`RedirectNotification`] | payment |
//! | payout outcome | `pg_post_link` of a payout | [`PayoutNotification`] | [`Config::payout_notification_secret`](crate::Config::payout_notification_secret) (payout) |
//! | card saved for payouts | `pg_post_link` of `cardstoragepayout/add` | [`PayoutCardAdded`] | [`Config::card_storage_payout_secret`](crate::Config::card_storage_payout_secret) (payment) |
//!
//! FreedomPay signs a callback with the **last path segment of the URL it calls** as the
//! script name, and sends it as a GET query, an urlencoded POST form, one `pg_xml` field
//! holding an XML document, or a `multipart/form-data` POST (the documentation's payout
//! notification, docs.freedompay.kz api-11622162). Every type here reads all of these.
//!
//! # Which API to use
//!
//! **The typed notifications, in a handler**: one call verifies the signature with the right
//! secret of your [`Config`](crate::Config), checks `pg_salt`, and reads the fields that kind
//! of callback carries; its `reply_*` methods build the signed answer, which cannot fail and
//! which refuses what the protocol forbids (rejecting a result that does not allow it).
//! Errors are one [`NotificationError`]: [`Callback`](NotificationError::Callback) (not
//! authentic: answer an HTTP error status) or [`Field`](NotificationError::Field)
//! (authentic, but a field it needs is missing or unreadable).
//!
//! ```
//! use freedompay_core::Config;
//! use freedompay_core::notifications::{CallbackRequest, ResultNotification};
//!
//! # let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").build()?;
//! # let secret = freedompay_core::sign::SecretKey::new("TESTSECRET")?;
//! # let (url, query, content_type) = ("https://shop.kz/freedompay/result", "", "application/x-www-form-urlencoded");
//! # let body = freedompay_core::notifications::testing::signed_form(url, &[("pg_payment_id", "123456"), ("pg_amount", "1500"), ("pg_result", "1"), ("pg_salt", "xyz")], &secret);
//! // The URL FreedomPay called, the raw query, the Content-Type header and the raw body:
//! let request = CallbackRequest::new(url, query, &body).content_type(content_type);
//! let result = ResultNotification::verify_request(request, &config)?;
//! let reply = result.reply_ok_with("Order paid", &config); // HTTP 200, reply.content_type(), reply.body()
//! assert!(reply.body().ends_with("<pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig></response>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! (`ResultNotification::verify(url, query, &body, &config)` is the same without the
//! `Content-Type`: the body's form is then recognised from its first bytes.)
//!
//! **[`VerifiedCallback`] and [`CallbackReply`], for what the types do not cover**: a
//! callback this SDK has no type for, a URL whose callbacks you route yourself, a reply with
//! a status or text the typed replies do not offer, or a tool that only checks signatures
//! (`freedompay verify-callback`). It verifies the signature and `pg_salt` with the secret
//! you give and hands over the raw [`Fields`](crate::sign::Fields); the reply is signed with
//! the callback's script name and salt. A [`VerifiedCallback`] can be typed afterwards with
//! each type's `from_callback`.
//!
//! Replies echo the incoming `pg_salt` and are signed with the same script name, so a
//! repeated callback gets the same bytes for the same decision.
//!
//! With the feature `serde` the typed notifications implement `Serialize` (to store or log
//! what arrived): their typed fields, card numbers masked, without the raw callback (its
//! signature and salt). They have no `Deserialize`: a notification is the proof that a
//! callback verified, which a stored copy is not.

mod body;
mod callback;
mod capture;
mod card_added;
mod check;
mod error;
mod payout;
mod payout_card_added;
mod redirect;
mod refund;
pub(crate) mod reply;
mod result;

pub use body::MultipartError;
pub use callback::{
    CallbackError, CallbackForm, CallbackReply, CallbackRequest, ReplyBody, ReplyError,
    ReplyStatus, VerifiedCallback, testing,
};
pub use capture::CaptureNotification;
pub use card_added::CardAddedNotification;
pub use check::CheckNotification;
pub use error::{NotificationError, RejectNotAllowed};
pub use payout::{NotificationStatus, PayoutNotification};
pub use payout_card_added::PayoutCardAdded;
pub use redirect::RedirectNotification;
pub use refund::RefundNotification;
pub use result::{PaymentResult, ResultNotification};
