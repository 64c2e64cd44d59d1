//! The Gateway Async API's requests by `X-Request-Id` (docs/protocol.md §12.3): the first
//! reply of each, kept to answer a repeated request byte for byte.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// One request as first received, and what it was answered.
#[derive(Debug, Clone)]
pub(crate) struct StoredRequest {
    /// The path, `X-Action` and body bytes of the first request with this id.
    pub(crate) fingerprint: Vec<u8>,
    /// The HTTP status of the first reply.
    pub(crate) status: u16,
    /// The first reply's body, byte for byte.
    pub(crate) body: Vec<u8>,
}

/// The Async API's requests by request id. Held locked for the whole of an Async request, so
/// that two requests with one id never both run.
#[derive(Debug, Default)]
pub(crate) struct AsyncRequests(Mutex<HashMap<String, StoredRequest>>);

impl AsyncRequests {
    /// The requests, locked (a panic elsewhere never makes them unusable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<String, StoredRequest>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
