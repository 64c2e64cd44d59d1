//! The loop that drives an [`Exchange`] to its end, with its tracing: what a client adds to
//! the sans-I/O core (feature `driver`).
//!
//! Both SDK clients are this one function: `freedompay-async` gives it its transport's
//! futures and a timer, `freedompay-blocking` gives it futures that are ready at once (the
//! transport's answer, a `thread::sleep`) and runs it on the calling thread. A client of
//! your own (another runtime, another HTTP stack) can use it the same way, and gets the same
//! retry rules and the same `tracing` span.
//!
//! # Tracing
//!
//! Every call runs in a `tracing` span `freedompay.call` with the fields `operation`,
//! `order_id`, `moves_money`, and at the end `attempts` and `outcome`; each attempt logs a
//! `debug` event and a failed call a `warn` event. Only names, ids, counts and kinds are
//! recorded: never a secret, a card number or a body.
//!
//! ```
//! use std::future::ready;
//! use freedompay_core::{Config, ErrorKind, driver, payout::Balance};
//! use freedompay_sign::Salt;
//! use freedompay_transport::HttpResponse;
//!
//! let config = Config::builder().merchant_id("123456").secret_key("secret").payout_secret_key("payout-secret").build()?;
//! let salt = Salt::new("abc123")?;
//! let call = driver::call(
//!     &config,
//!     &salt,
//!     Balance::new(),
//!     // A gateway that does not know the merchant (an unsigned error 101).
//!     |_request| ready(Ok(HttpResponse::new(200, b"<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code></response>".to_vec()))),
//!     |_delay| ready(()),
//! );
//! // Every future given is ready at once, so the call ends on its first poll.
//! let mut call = std::pin::pin!(call);
//! let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! let std::task::Poll::Ready(result) = call.as_mut().poll(&mut cx) else { unreachable!() };
//! assert!(matches!(result.unwrap_err().kind(), ErrorKind::Unsigned(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use freedompay_sign::SaltSource;
use freedompay_transport::{HttpRequest, HttpResponse, TransportError};
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::{Config, Error, ErrorKind, Exchange, InvalidInput, Operation, Step};

/// Calls `op`: draws a salt from `salts`, then runs the operation's [`Exchange`], sending
/// each request with `send` and waiting each backoff with `wait`, inside the call's span.
///
/// `send` is the transport (its future resolves to the outcome of one HTTP exchange) and
/// `wait` the timer between retries. The future is `Send` when `op`, its output, `salts`,
/// `send`, `wait` and their futures are. Retries follow [`Exchange`]: queries are retried
/// after a failure, a money-moving call that may have reached the gateway never is.
///
/// A salt source that fails ends the call with an [`InvalidInput`] on `pg_salt`, before
/// anything is signed or sent.
pub async fn call<O, S, SendFut, WaitFut>(
    config: &Config,
    salts: &S,
    op: O,
    send: impl FnMut(HttpRequest) -> SendFut,
    wait: impl FnMut(Duration) -> WaitFut,
) -> Result<O::Output, Error>
where
    O: Operation,
    S: SaltSource + ?Sized,
    SendFut: Future<Output = Result<HttpResponse, TransportError>>,
    WaitFut: Future<Output = ()>,
{
    let span = call_span(&op);
    // The loop's future (a large one) is pinned where it is made and polled there inside the
    // span: not moved into an `Instrumented` first.
    let drive = core::pin::pin!(Some(drive(config, salts, op, send, wait)));
    let (attempts, result) = InSpan::new(&span, drive).await;
    finish(&span, attempts, &result);
    result
}

/// A future polled, and dropped, inside a span, as `tracing`'s `Instrumented` does, but
/// borrowed where it was pinned instead of moved in.
struct InSpan<'a, F: Future> {
    span: &'a Span,
    /// `None` once it has completed (or been dropped).
    future: Pin<&'a mut Option<F>>,
}

impl<'a, F: Future> InSpan<'a, F> {
    fn new(span: &'a Span, future: Pin<&'a mut Option<F>>) -> Self {
        Self { span, future }
    }
}

impl<F: Future> Future for InSpan<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let _entered = this.span.enter();
        match this.future.as_mut().as_pin_mut() {
            Some(future) => {
                let output = core::task::ready!(future.poll(cx));
                // Completed: nothing left to drop inside the span.
                this.future.set(None);
                Poll::Ready(output)
            }
            // Polled again after completing: never, `call` awaits it once.
            None => Poll::Pending,
        }
    }
}

impl<F: Future> Drop for InSpan<'_, F> {
    /// A call dropped before its end (a timeout around it) drops the transport's future
    /// inside the span, as `Instrumented` does.
    fn drop(&mut self) {
        if self.future.is_some() {
            let _entered = self.span.enter();
            self.future.set(None);
        }
    }
}

/// The loop: the number of requests handed out and the result.
async fn drive<O, S, SendFut, WaitFut>(
    config: &Config,
    salts: &S,
    op: O,
    mut send: impl FnMut(HttpRequest) -> SendFut,
    mut wait: impl FnMut(Duration) -> WaitFut,
) -> (u32, Result<O::Output, Error>)
where
    O: Operation,
    S: SaltSource + ?Sized,
    SendFut: Future<Output = Result<HttpResponse, TransportError>>,
    WaitFut: Future<Output = ()>,
{
    let salt = match salts.next_salt() {
        Ok(salt) => salt,
        Err(_) => return (0, Err(salt_error())),
    };
    let mut exchange = Exchange::new(config, op, salt);
    loop {
        match exchange.next() {
            Step::Send(request) => {
                let outcome = send(request).await;
                attempt(exchange.attempts(), &outcome);
                exchange.handle(outcome);
            }
            Step::Wait(delay) => wait(delay).await,
            Step::Done(result) => return (exchange.attempts(), result),
        }
    }
}

/// The salt source failed (the OS's randomness): nothing was signed or sent.
fn salt_error() -> Error {
    Error::from(InvalidInput::new(
        "pg_salt",
        "no salt could be drawn (the source of randomness failed)",
    ))
}

/// The span of one call: operation name and order id now, attempts and outcome at the end.
fn call_span<O: Operation>(op: &O) -> Span {
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
fn attempt(attempt: u32, outcome: &Result<HttpResponse, TransportError>) {
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
fn finish<T>(span: &Span, attempts: u32, result: &Result<T, Error>) {
    span.record("attempts", attempts);
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
        }
        Err(error) => {
            span.record("outcome", outcome_name(error.kind()));
            // `Error`'s Display prints no secret, card number or body.
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
        ErrorKind::AlreadyDone { .. } => "already_done",
    }
}

/// Calls a JSON operation ([`JsonOperation`](crate::json::JsonOperation)): runs its
/// [`JsonExchange`](crate::json::JsonExchange) with `request_id`, sending each request with
/// `send` and waiting each backoff with `wait`, inside the call's span, by the same rules as
/// [`call`]. Every attempt carries the same request id.
///
/// ```
/// use std::future::ready;
/// use freedompay_core::{Config, driver, json::{JsonApi, JsonCall, RequestId}};
/// use freedompay_transport::HttpResponse;
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret_key").build()?;
/// let call = JsonCall::new(JsonApi::Invoice, "/v5/merchant/invoice/status", b"{}".to_vec()).moves_money(false);
/// let call = driver::call_json(
///     &config,
///     RequestId::new("req-1")?,
///     call,
///     |_request| ready(Ok(HttpResponse::new(200, br#"{"status":"ok"}"#.to_vec()))),
///     |_delay| ready(()),
/// );
/// let mut call = std::pin::pin!(call);
/// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// let std::task::Poll::Ready(result) = call.as_mut().poll(&mut cx) else { unreachable!() };
/// assert_eq!(result?.status, 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn call_json<O, SendFut, WaitFut>(
    config: &Config,
    request_id: crate::json::RequestId,
    op: O,
    mut send: impl FnMut(HttpRequest) -> SendFut,
    mut wait: impl FnMut(Duration) -> WaitFut,
) -> Result<O::Output, Error>
where
    O: crate::json::JsonOperation,
    SendFut: Future<Output = Result<HttpResponse, TransportError>>,
    WaitFut: Future<Output = ()>,
{
    let span = tracing::info_span!(
        "freedompay.call",
        operation = O::NAME,
        order_id = op.order_id(),
        moves_money = op.moves_money(),
        request_id = request_id.as_str(),
        attempts = Empty,
        outcome = Empty,
    );
    let drive = async {
        let mut exchange = crate::json::JsonExchange::new(config, op, request_id);
        loop {
            match exchange.next() {
                Step::Send(request) => {
                    let outcome = send(request).await;
                    attempt(exchange.attempts(), &outcome);
                    exchange.handle(outcome);
                }
                Step::Wait(delay) => wait(delay).await,
                Step::Done(result) => return (exchange.attempts(), result),
            }
        }
    };
    let (attempts, result) = drive.instrument(span.clone()).await;
    finish(&span, attempts, &result);
    result
}

/// A fresh request id for a JSON call: a UUID v7 from the clock and `random` (10 bytes of the
/// operating system's randomness, drawn by the client).
///
/// On `wasm32-unknown-unknown`, which has no system clock (`SystemTime::now` panics there), the
/// time part is 0 and the id rests on its random bits alone: build the id with
/// [`RequestId::uuid_v7`](crate::json::RequestId::uuid_v7) and your runtime's clock for a
/// time-ordered one.
pub fn new_request_id(random: [u8; 10]) -> crate::json::RequestId {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    let millis = 0;
    crate::json::RequestId::uuid_v7(millis, random)
}

/// A fresh request id whose random part comes from the operating system (feature `chacha`,
/// which brings getrandom): what both clients send with every JSON call.
#[cfg(feature = "chacha")]
pub fn os_request_id() -> Result<crate::json::RequestId, Error> {
    let mut random = [0u8; 10];
    getrandom::fill(&mut random).map_err(|_| {
        Error::from(InvalidInput::new(
            "X-Request-Id",
            "no request id could be drawn (the source of randomness failed)",
        ))
    })?;
    Ok(new_request_id(random))
}
