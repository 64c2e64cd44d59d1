//! The card-added notification (`pg_post_link` of [`AddCard`](crate::payment::AddCard)).

use super::{ReplyBody, ReplyStatus, VerifiedCallback};
use crate::payment::MaskedPan;
use crate::{Config, PaymentId, Status};

use super::NotificationError;
use super::reply::{DescriptionField, notification_common, sign};

/// FreedomPay tells the merchant that a payer saved a card (or failed to), at the
/// `post_link` of [`AddCard`](crate::payment::AddCard) (docs/protocol.md §1.5; fields from the
/// PayBox card storage example). Signed with the payment secret.
///
/// Answer [`reply_ok`](Self::reply_ok) or [`reply_error`](Self::reply_error).
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CardAddedNotification {
    /// `pg_status`: `success` when the card was saved.
    pub status: Status,
    /// `pg_type` (`approve`), as received.
    pub kind: Option<String>,
    /// `pg_user_id`: whose card.
    pub user_id: Option<String>,
    /// `pg_card_token`: pay with the card by it.
    pub card_token: Option<String>,
    /// `pg_card_id` (legacy).
    pub card_id: Option<String>,
    /// `pg_card_hash`: the masked card number.
    pub card_hash: Option<MaskedPan>,
    /// `pg_card_month`, as received.
    pub card_month: Option<String>,
    /// `pg_card_year`, as received.
    pub card_year: Option<String>,
    /// `pg_card_3ds`: whether the card went through 3-D Secure.
    pub card_3ds: Option<bool>,
    /// `pg_payment_id`: the card-saving operation.
    pub payment_id: Option<PaymentId>,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(CardAddedNotification, |_config| crate::SecretKind::Payment);

impl CardAddedNotification {
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let f = callback.response();
        Ok(Self {
            status: f.require("pg_status")?,
            kind: f.lenient("pg_type"),
            user_id: f.lenient("pg_user_id"),
            card_token: f.lenient("pg_card_token"),
            card_id: f.lenient("pg_card_id"),
            card_hash: f.lenient("pg_card_hash"),
            card_month: f.lenient("pg_card_month"),
            card_year: f.lenient("pg_card_year"),
            card_3ds: f.lenient("pg_card_3ds"),
            payment_id: f.lenient("pg_payment_id"),
            order_id: f.lenient("pg_order_id"),
            callback,
        })
    }

    /// Whether the card was saved (`pg_status` is `success` or `ok`).
    pub fn is_saved(&self) -> bool {
        matches!(self.status, Status::Success | Status::Ok)
    }

    /// `ok`: recorded.
    pub fn reply_ok(&self, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Ok,
            DescriptionField::Description,
            None,
            config,
            Self::secret_kind(config),
        )
    }

    /// `error`: the merchant cannot record it now.
    pub fn reply_error(&self, reason: &str, config: &Config) -> ReplyBody {
        sign(
            &self.callback,
            ReplyStatus::Error,
            DescriptionField::Description,
            Some(reason),
            config,
            Self::secret_kind(config),
        )
    }
}
