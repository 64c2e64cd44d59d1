//! The request outcome `pg_status`.

wire_enum! {
    /// `pg_status` of a reply: the outcome of the request, or of a payout or cash-by-code
    /// operation (docs/protocol.md §3). Unknown values are kept.
    Status {
        /// `ok`
        Ok = "ok",
        /// `error`
        Error = "error",
        /// `success`
        Success = "success",
        /// `process`: still being processed; query the status later.
        Process = "process",
        /// `pending`
        Pending = "pending",
        /// `need_approve`: a confirmation code must be sent.
        NeedApprove = "need_approve",
        /// `new`
        New = "new",
        /// `rejected`
        Rejected = "rejected",
        /// `deleted` (a removed card)
        Deleted = "deleted",
    }
}
