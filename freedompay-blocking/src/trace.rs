//! The call span and its events, shared by freedompay-blocking and freedompay-async (which
//! includes this file). Only names, ids, counts and kinds are recorded: never a
//! secret, a card number or a body.

use freedompay_core::{Error, ErrorKind, Operation};
use freedompay_transport::{HttpResponse, TransportError};
use tracing::Span;
use tracing::field::Empty;

/// The span of one call: operation name and order id now, attempts and outcome at the end.
pub(crate) fn call_span<O: Operation>(op: &O) -> Span {
    tracing::info_span!(
        "freedompay.call",
        operation = O::NAME,
        order_id = op.order_id(),
        moves_money = O::MOVES_MONEY,
        attempts = Empty,
        outcome = Empty,
    )
}

/// One transport outcome, as a `debug` event inside the call span.
pub(crate) fn attempt(attempt: u32, outcome: &Result<HttpResponse, TransportError>) {
    match outcome {
        Ok(response) => tracing::debug!(
            attempt,
            http_status = response.status(),
            body_len = response.body().len(),
            "freedompay: response received"
        ),
        Err(error) => tracing::debug!(
            attempt,
            transport_error = ?error.kind(),
            may_have_been_sent = error.may_have_been_sent(),
            "freedompay: transport failed"
        ),
    }
}

/// Records how the call ended on its span, and logs failures.
pub(crate) fn finish<T>(span: &Span, attempts: u32, result: &Result<T, Error>) {
    span.record("attempts", attempts);
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
        }
        Err(error) => {
            span.record("outcome", outcome_name(error.kind()));
            // `Error`'s Display prints no secret, card number or body (freedompay-core).
            tracing::warn!(
                parent: span,
                error = %error,
                may_have_been_sent = error.may_have_been_sent(),
                outcome_unknown = error.outcome_unknown(),
                "freedompay: call failed"
            );
        }
    }
}

fn outcome_name(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput(_) => "invalid_input",
        ErrorKind::Transport(_) => "transport_error",
        ErrorKind::HttpStatus(_) => "http_status",
        ErrorKind::Malformed(_) => "malformed_response",
        ErrorKind::SignatureInvalid { .. } => "signature_invalid",
        ErrorKind::Unsigned(_) => "unsigned_error",
        ErrorKind::Gateway(_) => "gateway_error",
        _ => "error",
    }
}
