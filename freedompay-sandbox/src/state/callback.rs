//! Callbacks the sandbox sends to the merchant, and what came back.

use serde::{Deserialize, Serialize};

use freedompay_sign::Fields;

use crate::config::SecretChoice;

/// What a callback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CallbackKind {
    /// `pg_check_url`, before a payment is accepted.
    Check,
    /// `pg_result_url`, after a payment.
    Result,
    /// `pg_refund_url`, after a refund.
    Refund,
    /// `pg_capture_url`, after a clearing.
    Capture,
    /// `pg_post_link` of a payout.
    PayoutNotify,
    /// `pg_post_link` of a card-add page.
    CardAdded,
}

impl CallbackKind {
    /// A name for the control API.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CallbackKind::Check => "check",
            CallbackKind::Result => "result",
            CallbackKind::Refund => "refund",
            CallbackKind::Capture => "capture",
            CallbackKind::PayoutNotify => "payout_notify",
            CallbackKind::CardAdded => "card_added",
        }
    }

    /// Whether the merchant's reply must be a signed `<response>` (payment callbacks), or
    /// may also be the documented unsigned `<pg_status>ok</pg_status>` (post links).
    pub(crate) fn post_link(self) -> bool {
        matches!(self, CallbackKind::PayoutNotify | CallbackKind::CardAdded)
    }
}

/// How a callback is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Method {
    /// Fields in the query string.
    Get,
    /// A urlencoded form body.
    Post,
    /// One `pg_xml` form field holding the fields as XML.
    Xml,
}

impl Method {
    /// From `pg_request_method` (`GET`, `POST`, `XML`; anything else is `POST`).
    pub(crate) fn from_field(value: &str) -> Method {
        match value.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "XML" => Method::Xml,
            _ => Method::Post,
        }
    }

    /// The name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Xml => "XML",
        }
    }
}

/// Where a callback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Delivery {
    /// Waiting for its next attempt (`next_at`).
    Pending,
    /// An attempt is on its way.
    InFlight,
    /// The merchant answered acceptably.
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl Delivery {
    /// A name for the control API.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::InFlight => "in_flight",
            Delivery::Delivered => "delivered",
            Delivery::Failed => "failed",
        }
    }
}

/// One attempt at delivering a callback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Attempt {
    /// Sandbox time of the attempt.
    pub(crate) at: i64,
    /// The HTTP status, when there was a response.
    pub(crate) http_status: Option<u16>,
    /// The merchant's `pg_status`, when the reply was acceptable.
    pub(crate) reply_status: Option<String>,
    /// The merchant's `pg_description` / `pg_error_description`, when acceptable.
    pub(crate) reply_description: Option<String>,
    /// Why the attempt counts as failed, if it does.
    pub(crate) error: Option<String>,
    /// The first bytes of the reply body.
    pub(crate) body_excerpt: String,
}

/// A callback and its delivery history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CallbackRecord {
    pub(crate) id: usize,
    pub(crate) kind: CallbackKind,
    /// The payment or payout id it is about.
    pub(crate) subject_id: i64,
    pub(crate) url: String,
    pub(crate) method: Method,
    #[serde(with = "crate::store::SecretChoiceRow")]
    pub(crate) secret: SecretChoice,
    /// The message, without `pg_salt` and `pg_sig` (each attempt sends the same signed
    /// message: the salt is fixed at creation).
    #[serde(with = "crate::store::fields_row")]
    pub(crate) fields: Fields,
    pub(crate) salt: String,
    /// Retries allowed after the first attempt.
    pub(crate) retries: u32,
    pub(crate) can_reject: bool,
    pub(crate) state: Delivery,
    pub(crate) next_at: Option<i64>,
    pub(crate) attempts: Vec<Attempt>,
}
