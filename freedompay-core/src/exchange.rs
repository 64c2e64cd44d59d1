//! The state machine of one call: send, verify, decide retries. No I/O, no clock.

use core::time::Duration;

use freedompay_sign::Salt;
use freedompay_transport::{
    HttpRequest, HttpResponse, SendState, TransportError, TransportErrorKind,
};
use freedompay_xml::{ResponseError, verify_ref};

use crate::operation::{Endpoint, prepare_for};
use crate::wire::Response;
use crate::{
    Config, Error, ErrorCode, ErrorKind, GatewayError, MalformedResponse, NotFoundEvidence,
    Operation, UnsignedError,
};

/// What the driver of an [`Exchange`] must do next.
#[derive(Debug)]
pub enum Step<T> {
    /// Send this request with the transport and give the outcome to [`Exchange::handle`].
    Send(HttpRequest),
    /// Wait this long (backoff before a retry), then call [`Exchange::next`] again.
    Wait(Duration),
    /// The call is over.
    Done(Result<T, Error>),
}

enum State<T> {
    /// The request is ready to be handed out.
    Ready,
    /// The request was handed out; its outcome is awaited.
    InFlight,
    /// A retry waits for its backoff to be yielded.
    Backoff(Duration),
    /// The result, not yet handed out.
    Finished(Result<T, Error>),
    /// The result was handed out; what it said about the request is kept.
    Over {
        may_have_been_sent: bool,
        outcome_unknown: bool,
    },
}

/// Drives one operation: builds and signs the request, verifies the reply, maps `pg_status`
/// and error codes to typed results, and decides retries.
///
/// Queries (statuses, balance, lists) are retried on transport failures, 5xx/408/429
/// statuses and unreadable replies, with the config's [`RetryPolicy`](crate::RetryPolicy).
/// Money-moving calls are resent only after a failure that certainly happened before the
/// request left ([`SendState::NotSent`]); anything else ends the call with an error whose
/// [`Error::outcome_unknown`] is true.
///
/// ```
/// use freedompay_core::{Config, Exchange, Step, payout::Balance};
/// use freedompay_sign::Salt;
/// use freedompay_transport::HttpResponse;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").payout_secret_key("PAYOUTSECRET").base_url("http://127.0.0.1:9").build()?;
/// let mut exchange = Exchange::new(&config, Balance::new(), Salt::new("s4lt")?);
/// loop {
///     match exchange.next() {
///         Step::Send(request) => {
///             // Hand `request` to any transport; here the gateway answers unsigned.
///             let _ = request;
///             exchange.handle(Ok(HttpResponse::new(200, b"<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code></response>".to_vec())));
///         }
///         Step::Wait(delay) => std::thread::sleep(delay),
///         Step::Done(result) => {
///             assert!(result.is_err());
///             break;
///         }
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Exchange<'c, O: Operation> {
    op: O,
    /// The script name and secret, computed once; `None` when the input was refused.
    endpoint: Option<Endpoint<'c>>,
    config: &'c Config,
    request: Option<HttpRequest>,
    attempts: u32,
    state: State<O::Output>,
}

impl<'c, O: Operation> Exchange<'c, O> {
    /// Prepares the call with this salt (a fresh random one per call, from
    /// `ChaChaSaltSource` in the clients). Invalid input ends
    /// the exchange at once: the first [`Exchange::next`] is `Done(Err(..))`.
    pub fn new(config: &'c Config, op: O, salt: Salt) -> Self {
        let refused = |op: O, error: Error| Self {
            op,
            endpoint: None,
            config,
            request: None,
            attempts: 0,
            state: State::Finished(Err(error)),
        };
        let endpoint = match Endpoint::of(config, &op) {
            Ok(endpoint) => endpoint,
            Err(e) => {
                let error = Error::new(ErrorKind::InvalidInput(e), O::NAME).with_context(
                    op.order_id(),
                    O::MOVES_MONEY,
                    0,
                );
                return refused(op, error);
            }
        };
        // The salt is moved into the request's fields, not copied.
        match prepare_for(config, &op, salt, &endpoint) {
            Ok(request) => Self {
                op,
                endpoint: Some(endpoint),
                config,
                request: Some(request),
                attempts: 0,
                state: State::Ready,
            },
            Err(error) => refused(op, error),
        }
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// The signed request, unless the input was refused.
    pub fn request(&self) -> Option<&HttpRequest> {
        self.request.as_ref()
    }

    /// How many times the request has been handed out.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The next thing to do.
    ///
    /// Calling it again while a request is in flight (without [`Exchange::handle`]) counts as
    /// a lost answer: the call ends as a transport failure that may have been sent, and is
    /// never sent twice. After `Done`, it keeps answering `Done` with an
    /// [`ErrorKind::AlreadyDone`] error that keeps what the real result said: whether the
    /// request may have been sent, and whether money may have moved.
    // Not an `Iterator`: a step depends on what `handle` was given in between.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Step<O::Output> {
        match core::mem::replace(&mut self.state, State::InFlight) {
            State::Ready => match &self.request {
                Some(request) => {
                    self.attempts += 1;
                    // A cheap clone: the body is a shared buffer.
                    Step::Send(request.clone())
                }
                None => {
                    let error = self.error(ErrorKind::InvalidInput(crate::InvalidInput::new(
                        "request",
                        "the exchange has no request",
                    )));
                    self.finish(Err(error))
                }
            },
            State::Backoff(delay) => {
                self.state = State::Ready;
                Step::Wait(delay)
            }
            State::InFlight => {
                let lost = TransportError::new(TransportErrorKind::Other, SendState::MaybeSent);
                let error = self.error(ErrorKind::Transport(lost));
                self.finish(Err(error))
            }
            State::Finished(result) => self.finish(result),
            State::Over {
                may_have_been_sent,
                outcome_unknown,
            } => {
                self.state = State::Over {
                    may_have_been_sent,
                    outcome_unknown,
                };
                Step::Done(Err(self.error(ErrorKind::AlreadyDone {
                    may_have_been_sent,
                    outcome_unknown,
                })))
            }
        }
    }

    /// Hands out the result, keeping what it says about the request.
    fn finish(&mut self, result: Result<O::Output, Error>) -> Step<O::Output> {
        let (may_have_been_sent, outcome_unknown) = match &result {
            // A success that the caller asks for again is lost to them: for a money-moving
            // call that is an unknown outcome, to reconcile.
            Ok(_) => (self.attempts > 0, O::MOVES_MONEY && self.attempts > 0),
            Err(error) => (error.may_have_been_sent(), error.outcome_unknown()),
        };
        self.state = State::Over {
            may_have_been_sent,
            outcome_unknown,
        };
        Step::Done(result)
    }

    /// Gives the transport's outcome of the last [`Step::Send`].
    pub fn handle(&mut self, outcome: Result<HttpResponse, TransportError>) {
        if !matches!(self.state, State::InFlight) {
            return;
        }
        let kind = match outcome {
            Ok(response) => match self.read(&response) {
                Ok(output) => {
                    self.state = State::Finished(Ok(output));
                    return;
                }
                Err(kind) => kind,
            },
            Err(error) => ErrorKind::Transport(error),
        };
        if self.attempts < self.config.retry().max_attempts && self.may_retry(&kind) {
            let delay = self.config.retry().backoff(self.attempts + 1);
            self.state = if delay.is_zero() {
                State::Ready
            } else {
                State::Backoff(delay)
            };
        } else {
            self.state = State::Finished(Err(self.error(kind)));
        }
    }

    fn may_retry(&self, kind: &ErrorKind) -> bool {
        if O::MOVES_MONEY {
            return matches!(kind, ErrorKind::Transport(e) if e.send_state() == SendState::NotSent);
        }
        match kind {
            ErrorKind::Transport(_) | ErrorKind::Malformed(_) => true,
            ErrorKind::HttpStatus(status) => *status >= 500 || *status == 408 || *status == 429,
            ErrorKind::Gateway(e) => e
                .code()
                .is_some_and(|code| code.class() == crate::ErrorClass::Retryable),
            _ => false,
        }
    }

    fn error(&self, kind: ErrorKind) -> Error {
        let error = Error::new(kind, O::NAME).with_context(
            self.op.order_id(),
            O::MOVES_MONEY,
            self.attempts,
        );
        match &self.endpoint {
            Some(endpoint) => error.with_secret(endpoint.secret_kind),
            None => error,
        }
    }

    fn read(&self, response: &HttpResponse) -> Result<O::Output, ErrorKind> {
        match &self.endpoint {
            Some(endpoint) => read_with(endpoint, &self.op, response),
            None => read_reply(self.config, &self.op, response),
        }
    }
}

/// Reads an HTTP response of an operation: parse, verify with the operation's script name and
/// secret, map `pg_status = error`, then the operation's own reading.
///
/// This is what [`Exchange`] does with each response; it is public for drivers that send the
/// request themselves.
pub fn read_reply<O: Operation>(
    config: &Config,
    op: &O,
    response: &HttpResponse,
) -> Result<O::Output, ErrorKind> {
    let endpoint = Endpoint::of(config, op).map_err(ErrorKind::InvalidInput)?;
    read_with(&endpoint, op, response)
}

/// An error reply coded 340 is a status query's "not found" ([`Operation::not_found`]).
fn not_found_output<O: Operation>(
    op: &O,
    code: Option<ErrorCode>,
    signed: bool,
) -> Option<O::Output> {
    match code {
        Some(code @ ErrorCode::TransactionNotFound) => {
            op.not_found(NotFoundEvidence::ErrorReply { code, signed })
        }
        _ => None,
    }
}

fn read_with<O: Operation>(
    endpoint: &Endpoint<'_>,
    op: &O,
    response: &HttpResponse,
) -> Result<O::Output, ErrorKind> {
    let status = response.status();
    let malformed = |reason: &'static str| {
        if response.is_success() {
            ErrorKind::Malformed(MalformedResponse::new(reason, status))
        } else {
            ErrorKind::HttpStatus(status)
        }
    };
    // The reply is read from a tree that borrows from the body: only the texts kept in the
    // typed output are copied.
    let document = match freedompay_xml::parse_ref(response.body()) {
        Ok(document) => document,
        Err(_) if response.body().is_empty() => return Err(malformed("the body is empty")),
        Err(_) if looks_like_html(response.body()) => {
            return Err(malformed(
                "the body is an HTML page, not a FreedomPay reply",
            ));
        }
        Err(_) => {
            return Err(malformed(
                "the body is not a well-formed XML reply (truncated, or not XML)",
            ));
        }
    };
    if document.root_name().eq_ignore_ascii_case("html") {
        return Err(malformed(
            "the body is an HTML page, not a FreedomPay reply",
        ));
    }
    let verified = match verify_ref(document, &endpoint.script, endpoint.secret) {
        Ok(verified) => verified,
        Err(ResponseError::Unsigned(reply)) => {
            if reply.status().is_none() && reply.error_code().is_none() {
                return Err(malformed("the reply is neither signed nor an error reply"));
            }
            let code = reply
                .error_code()
                .and_then(|c| c.trim().parse::<u32>().ok())
                .map(ErrorCode::from_code);
            if let Some(output) = not_found_output(op, code, false) {
                return Ok(output);
            }
            return Err(ErrorKind::Unsigned(UnsignedError::new(
                code,
                reply.error_description().map(str::to_owned),
                status,
            )));
        }
        Err(ResponseError::Mismatch) => {
            return Err(ErrorKind::SignatureInvalid {
                http_status: status,
            });
        }
        Err(_) => {
            return Err(ErrorKind::Malformed(MalformedResponse::new(
                "the reply cannot be canonicalised for its signature",
                status,
            )));
        }
    };
    let reply = Response::borrowed(verified.fields());
    if !O::ERROR_STATUS_IS_OUTPUT && reply.text("pg_status").map(str::trim) == Some("error") {
        let code = reply
            .text("pg_error_code")
            .and_then(|c| c.trim().parse::<u32>().ok())
            .map(ErrorCode::from_code);
        if let Some(output) = not_found_output(op, code, true) {
            return Ok(output);
        }
        return Err(ErrorKind::Gateway(GatewayError::new(
            code,
            reply.text("pg_error_description").map(str::to_owned),
        )));
    }
    op.read(&reply)
        .map_err(|e| ErrorKind::Malformed(MalformedResponse::field(e, status)))
}

/// `<!DOCTYPE html` or `<html` at the start, in any case: a proxy's or a web server's page.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head: Vec<u8> = body[start..]
        .iter()
        .take(14)
        .map(u8::to_ascii_lowercase)
        .collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}
