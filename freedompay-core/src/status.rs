//! The request outcome `pg_status`.

use core::fmt;

use crate::wire::FromWire;

/// `pg_status` of a reply: the outcome of the request, or of a payout or cash-by-code
/// operation (PROTOCOL.md §3). Unknown values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `ok`
    Ok,
    /// `error`
    Error,
    /// `success`
    Success,
    /// `process`: still being processed; query the status later.
    Process,
    /// `pending`
    Pending,
    /// `need_approve`: a confirmation code must be sent.
    NeedApprove,
    /// `new`
    New,
    /// `rejected`
    Rejected,
    /// `deleted` (a removed card)
    Deleted,
    /// A value this SDK does not know, as received.
    Unknown(String),
}

impl Status {
    /// The status of a wire value.
    pub fn from_wire_str(text: &str) -> Self {
        match text {
            "ok" => Status::Ok,
            "error" => Status::Error,
            "success" => Status::Success,
            "process" => Status::Process,
            "pending" => Status::Pending,
            "need_approve" => Status::NeedApprove,
            "new" => Status::New,
            "rejected" => Status::Rejected,
            "deleted" => Status::Deleted,
            other => Status::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Success => "success",
            Status::Process => "process",
            Status::Pending => "pending",
            Status::NeedApprove => "need_approve",
            Status::New => "new",
            Status::Rejected => "rejected",
            Status::Deleted => "deleted",
            Status::Unknown(s) => s,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromWire for Status {
    fn from_wire(text: &str) -> Option<Self> {
        Some(Status::from_wire_str(text.trim()))
    }
}
