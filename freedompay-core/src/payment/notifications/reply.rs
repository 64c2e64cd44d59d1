//! What every typed notification shares: verification with the payment secret, the
//! merchant's own fields, and signed replies that cannot fail.

use freedompay_sign::Fields;

use crate::callback::xml_text;
use crate::callback::{CallbackReply, ReplyBody, ReplyStatus, VerifiedCallback};
use crate::{Config, ReadError, SecretKind};

use super::NotificationError;

/// Which field carries the reply's text: `pg_error_description` for check replies,
/// `pg_description` for the others (PROTOCOL.md §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DescriptionField {
    Description,
    ErrorDescription,
}

/// Verifies a callback with the payment secret (PROTOCOL.md §2.6) and checks that its salt
/// can be echoed in an XML reply.
pub(crate) fn verify(
    url: &str,
    query: &str,
    body: &[u8],
    config: &Config,
) -> Result<VerifiedCallback, NotificationError> {
    let callback =
        VerifiedCallback::from_request(url, query, body, config.secret(SecretKind::Payment))?;
    check_salt(&callback)?;
    Ok(callback)
}

pub(crate) fn check_salt(callback: &VerifiedCallback) -> Result<(), NotificationError> {
    match callback.salt() {
        Some(salt) if xml_text(salt) != salt => {
            Err(NotificationError::Field(ReadError::invalid("pg_salt")))
        }
        _ => Ok(()),
    }
}

/// The merchant's own top-level fields (names not starting with `pg_`), in order.
pub(crate) fn custom_fields(fields: &Fields) -> impl Iterator<Item = (&str, &str)> {
    fields
        .iter()
        .filter(|f| !f.name().starts_with("pg_"))
        .filter_map(|f| f.text().map(|t| (f.name(), t)))
}

/// A signed reply, echoing the callback's salt, with its script name and the payment secret.
///
/// [`CallbackReply`] drops what XML cannot carry from the description, and the salt was
/// checked at verification, so signing cannot fail; were it to, the reply is an unsigned
/// `error`, which FreedomPay answers by calling again.
pub(crate) fn sign(
    callback: &VerifiedCallback,
    status: ReplyStatus,
    field: DescriptionField,
    description: Option<&str>,
    config: &Config,
) -> ReplyBody {
    let mut reply = CallbackReply::new(status);
    if let Some(text) = description {
        reply = match field {
            DescriptionField::Description => reply.description(text),
            DescriptionField::ErrorDescription => reply.error_description(text),
        };
    }
    reply
        .sign(callback, config.secret(SecretKind::Payment))
        .unwrap_or_else(|_| {
            ReplyBody::new(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_status>error</pg_status></response>".to_owned(),
                "application/xml; charset=utf-8",
            )
        })
}

/// The constructors and accessors every typed notification has.
macro_rules! notification_common {
    ($type:ident) => {
        impl $type {
            /// Verifies a callback from what a web framework hands over (the URL FreedomPay
            /// called, whose last path segment is the script name; the raw query; the raw
            /// body) with the payment secret, then reads it.
            pub fn verify(
                url: &str,
                query: &str,
                body: &[u8],
                config: &$crate::Config,
            ) -> Result<Self, $crate::payment::notifications::NotificationError> {
                let callback =
                    $crate::payment::notifications::reply::verify(url, query, body, config)?;
                Self::read(callback)
            }

            /// Reads a callback already verified with
            /// [`VerifiedCallback`](crate::callback::VerifiedCallback) (with the payment
            /// secret).
            pub fn from_callback(
                callback: $crate::callback::VerifiedCallback,
            ) -> Result<Self, $crate::payment::notifications::NotificationError> {
                $crate::payment::notifications::reply::check_salt(&callback)?;
                Self::read(callback)
            }

            /// The verified callback: every field as received, its script name and form.
            pub fn callback(&self) -> &$crate::callback::VerifiedCallback {
                &self.callback
            }

            /// The merchant's own fields (names not starting with `pg_`, the URL's own query
            /// parameters of a GET callback included), in order.
            pub fn custom_fields(&self) -> impl Iterator<Item = (&str, &str)> {
                $crate::payment::notifications::reply::custom_fields(self.callback.fields())
            }

            /// One of the merchant's own fields.
            pub fn custom_field(&self, name: &str) -> Option<&str> {
                self.custom_fields()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v)
            }
        }
    };
}

pub(crate) use notification_common;
