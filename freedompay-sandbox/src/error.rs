//! Errors an endpoint answers with (signed XML with `pg_error_code`).

use freedompay_sign::{Fields, ScriptName, SecretKey};

use crate::app::App;
use crate::reply::{Reply, signed_reply, signed_xml};

/// Validation failure (the sandbox's choice; a third-party validator uses it).
pub(crate) const VALIDATION: u32 = 9403;
/// Transaction (payment, payout, card, profile) not found (seed 002).
pub(crate) const NOT_FOUND: u32 = 340;
/// The merchant balance cannot cover the payout or refund (the sandbox's choice).
pub(crate) const INSUFFICIENT_BALANCE: u32 = 9100;
/// Bad or missing signature (`pg_sig`, `pg_salt`).
pub(crate) const BAD_SIGNATURE: u32 = 9998;
/// Merchant missing or unknown (always unsigned).
pub(crate) const NO_MERCHANT: u32 = 101;
/// A path that is no endpoint (the sandbox's choice: a validation-class refusal, not 340).
pub(crate) const UNKNOWN_METHOD: u32 = 9403;
/// The default code of the "unsigned error" fault.
pub(crate) const INTERNAL: u32 = 9999;

/// A signed error reply: `pg_status=error`, any `extra` fields, `pg_error_code`,
/// `pg_error_description`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) code: u32,
    pub(crate) description: String,
    pub(crate) extra: Fields,
}

impl ApiError {
    pub(crate) fn new(code: u32, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            extra: Fields::new(),
        }
    }

    /// 9403.
    pub(crate) fn validation(description: impl Into<String>) -> Self {
        Self::new(VALIDATION, description)
    }

    /// 340.
    pub(crate) fn not_found(description: impl Into<String>) -> Self {
        Self::new(NOT_FOUND, description)
    }

    /// Adds a field before the error code.
    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.extra.push(name, value);
        self
    }

    /// The reply fields (without salt and signature).
    pub(crate) fn into_fields(self) -> Fields {
        let mut fields = crate::reply::reply_fields(3 + self.extra.len());
        fields.push_static("pg_status", "error");
        for field in self.extra {
            fields.push_field(field);
        }
        fields
            .push_static("pg_error_code", self.code.to_string())
            .push_static("pg_error_description", self.description);
        fields
    }

    /// The signed reply document ([`signed_xml`]) of this error; written without a tree
    /// ([`signed_reply`]) when it has no extra field, as nearly every error has none.
    pub(crate) fn into_signed_xml(
        self,
        app: &App,
        script: &ScriptName,
        secret: &SecretKey,
    ) -> String {
        if !self.extra.is_empty() {
            return signed_xml(app, script, secret, self.into_fields());
        }
        // Its three fields and the signing's (the unknown element, salt and signature).
        let mut reply = Reply::new(self.description.len() + 96);
        reply
            .text("pg_status", "error")
            .decimal("pg_error_code", self.code)
            .text("pg_error_description", &self.description);
        signed_reply(app, script, secret, reply)
    }
}
