//! What every typed notification shares: verification with its secret, the merchant's own
//! fields, and signed replies that cannot fail.

use freedompay_sign::Fields;

use crate::{Config, SecretKind};

use super::{CallbackReply, ReplyBody, ReplyStatus, VerifiedCallback};

/// Which field carries the reply's text: `pg_error_description` for check replies,
/// `pg_description` for the others (docs/protocol.md §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DescriptionField {
    Description,
    ErrorDescription,
}

/// The merchant's own top-level fields (names not starting with `pg_`), in order.
pub(crate) fn custom_fields(fields: &Fields) -> impl Iterator<Item = (&str, &str)> {
    fields
        .iter()
        .filter(|f| !f.name().starts_with("pg_"))
        .filter_map(|f| f.text().map(|t| (f.name(), t)))
}

/// The documented answer to a post link (payout notification, payout card added;
/// docs.freedompay.kz api-11622162): an XML declaration and a lone `pg_status`, unsigned.
pub(crate) fn documented_reply() -> ReplyBody {
    ReplyBody::new(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><pg_status>ok</pg_status>".to_owned(),
        XML,
    )
}

const XML: &str = "application/xml; charset=utf-8";

/// A signed reply, echoing the callback's salt, with its script name and `secret`.
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
    secret: SecretKind,
) -> ReplyBody {
    let mut reply = CallbackReply::new(status);
    if let Some(text) = description {
        reply = match field {
            DescriptionField::Description => reply.description(text),
            DescriptionField::ErrorDescription => reply.error_description(text),
        };
    }
    reply
        .sign(callback, config.secret(secret))
        .unwrap_or_else(|_| {
            ReplyBody::new(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_status>error</pg_status></response>".to_owned(),
                XML,
            )
        })
}

/// The constructors and accessors every typed notification has. `$secret` is an expression
/// of `config: &Config` giving the [`SecretKind`] that verifies it.
macro_rules! notification_common {
    ($type:ident, |$config:ident| $secret:expr) => {
        impl $type {
            /// Verifies a callback from what a web framework hands over (the URL FreedomPay
            /// called, whose last path segment is the script name; the raw query; the raw
            /// body, whose form is recognised from its first bytes) with the secret of
            /// [`secret_kind`](Self::secret_kind), then reads it. Give the `Content-Type`
            /// too with [`verify_request`](Self::verify_request).
            pub fn verify(
                url: &str,
                query: &str,
                body: &[u8],
                config: &$crate::Config,
            ) -> Result<Self, $crate::notifications::NotificationError> {
                Self::verify_request(
                    $crate::notifications::CallbackRequest::new(url, query, body),
                    config,
                )
            }

            /// Verifies a callback request (with its `Content-Type`, so that a
            /// `multipart/form-data` body is read by its declared boundary), then reads it.
            pub fn verify_request(
                request: $crate::notifications::CallbackRequest<'_>,
                config: &$crate::Config,
            ) -> Result<Self, $crate::notifications::NotificationError> {
                let callback = $crate::notifications::VerifiedCallback::verify(
                    request,
                    config.secret(Self::secret_kind(config)),
                )?;
                Self::read(callback)
            }

            /// Reads a callback already verified with
            /// [`VerifiedCallback`]($crate::notifications::VerifiedCallback) (with the same
            /// secret).
            pub fn from_callback(
                callback: $crate::notifications::VerifiedCallback,
            ) -> Result<Self, $crate::notifications::NotificationError> {
                Self::read(callback)
            }

            /// Which of `config`'s secrets verifies this notification (and signs its replies).
            pub fn secret_kind($config: &$crate::Config) -> $crate::SecretKind {
                $secret
            }

            /// The verified callback: every field as received, its script name and form.
            pub fn callback(&self) -> &$crate::notifications::VerifiedCallback {
                &self.callback
            }

            /// The merchant's own fields (names not starting with `pg_`, the URL's own query
            /// parameters of a GET callback included), in order.
            pub fn custom_fields(&self) -> impl Iterator<Item = (&str, &str)> {
                $crate::notifications::reply::custom_fields(self.callback.fields())
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
