//! The state machine of one JSON call: the same rules as the form kind's
//! [`Exchange`](crate::Exchange), for a JSON body signed with a detached JWS.

use freedompay_sign::SecretKey;
use freedompay_sign::jws::{self, JwsError};
use freedompay_transport::{
    HttpRequest, HttpResponse, SendState, TransportError, TransportErrorKind,
};

use super::settings::{JwsProfile, ReplySignature, key_setting};
use super::{JsonApi, JsonContext, JsonOperation, JsonReply, RequestId};
use crate::{
    Config, Error, ErrorCode, ErrorKind, GatewayError, InvalidInput, MalformedResponse, Step,
    UnsignedError,
};

/// The header a request's detached JWS goes in, and a reply's.
pub(crate) const JWS_HEADER: &str = "X-JWS-Signature";

/// What a JSON call is signed with: the API's profile, key id and secret, computed once.
pub(crate) struct JsonEndpoint<'c> {
    api: JsonApi,
    profile: JwsProfile,
    key_id: &'c str,
    secret: &'c SecretKey,
}

impl<'c> JsonEndpoint<'c> {
    pub(crate) fn of<O: JsonOperation>(config: &'c Config, op: &O) -> Result<Self, InvalidInput> {
        let api = op.api();
        let (key_id, secret) = config.json_key(api).ok_or_else(|| {
            InvalidInput::new(
                key_setting(api),
                "this API is signed with its own key id and secret: set them with json_api_key",
            )
        })?;
        Ok(Self {
            api,
            profile: config.json().profile(api),
            key_id,
            secret,
        })
    }
}

/// Builds the complete signed request of a JSON operation with the request id given: what
/// [`JsonExchange`] sends, and what the wire snapshot tests compare.
pub fn prepare_json<O: JsonOperation>(
    config: &Config,
    op: &O,
    request_id: &RequestId,
) -> Result<HttpRequest, Error> {
    let endpoint = JsonEndpoint::of(config, op).map_err(|e| input_error(op, e))?;
    prepare_for(config, op, request_id, &endpoint)
}

fn input_error<O: JsonOperation>(op: &O, e: InvalidInput) -> Error {
    Error::new(ErrorKind::InvalidInput(e), O::NAME)
        .with_context(op.order_id(), op.moves_money(), 0)
        .with_reconcile_hint(op.reconcile_hint())
}

fn prepare_for<O: JsonOperation>(
    config: &Config,
    op: &O,
    request_id: &RequestId,
    endpoint: &JsonEndpoint<'_>,
) -> Result<HttpRequest, Error> {
    let fail = |e: InvalidInput| input_error(op, e);
    let path = op.path();
    if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
        return Err(fail(InvalidInput::new(
            "path",
            "must start with / and have no query or spaces",
        )));
    }
    let context = JsonContext::new(request_id, endpoint.key_id);
    let body = op.body(&context).map_err(fail)?;
    let method = op.method();
    let header = endpoint.profile.header(endpoint.key_id, method, &path);
    let token = header.sign_detached(&body, endpoint.secret);
    let base = config
        .json()
        .base_url(endpoint.api)
        .unwrap_or(config.base_url());
    let mut request = HttpRequest::new(method, format!("{base}{path}"))
        .with_header("Content-Type", "application/json")
        .with_header("Accept", "application/json")
        .with_header(
            "User-Agent",
            concat!("freedompay-rs/", env!("CARGO_PKG_VERSION")),
        );
    if endpoint.profile.sends_request_id() {
        request = request.with_header("X-Request-Id", request_id.as_str());
    }
    if let Some(action) = op.action() {
        request = request.with_header("X-Action", &*action);
    }
    Ok(request
        .with_header(JWS_HEADER, token)
        .with_body(body)
        .with_timeout(config.timeout()))
}

enum State<T> {
    Ready,
    InFlight,
    Backoff(core::time::Duration),
    Finished(Result<T, Error>),
    Over {
        may_have_been_sent: bool,
        outcome_unknown: bool,
    },
}

/// Drives one JSON operation: builds and signs the request once, verifies the reply, sets
/// error replies apart, and decides retries by the rules of [`Exchange`](crate::Exchange):
/// queries are retried on transport failures, 5xx/408/429 statuses and unreadable replies;
/// a money-moving call is resent only after a failure that certainly happened before the
/// request left. Every attempt sends the same bytes with the same request id.
///
/// ```
/// use freedompay_core::{Config, Step, json::{JsonApi, JsonCall, JsonExchange, RequestId}};
/// use freedompay_transport::HttpResponse;
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret_key").build()?;
/// let call = JsonCall::new(JsonApi::Invoice, "/v5/merchant/invoice/status", b"{}".to_vec()).moves_money(false);
/// let mut exchange = JsonExchange::new(&config, call, RequestId::new("req-1")?);
/// let Step::Send(request) = exchange.next() else { unreachable!() };
/// assert!(request.headers().get("X-JWS-Signature").is_some());
/// exchange.handle(Ok(HttpResponse::new(200, br#"{"status":"ok"}"#.to_vec())));
/// let Step::Done(Ok(reply)) = exchange.next() else { unreachable!() };
/// assert_eq!(reply.body, br#"{"status":"ok"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JsonExchange<'c, O: JsonOperation> {
    op: O,
    endpoint: Option<JsonEndpoint<'c>>,
    config: &'c Config,
    request_id: RequestId,
    request: Option<HttpRequest>,
    attempts: u32,
    state: State<O::Output>,
}

impl<'c, O: JsonOperation> JsonExchange<'c, O> {
    /// Prepares the call with this request id (a fresh one per call; the clients draw a
    /// UUID v7). Invalid input ends the exchange at once: the first
    /// [`JsonExchange::next`] is `Done(Err(..))`.
    pub fn new(config: &'c Config, op: O, request_id: RequestId) -> Self {
        let prepared = JsonEndpoint::of(config, &op)
            .map_err(|e| input_error(&op, e))
            .and_then(|endpoint| {
                prepare_for(config, &op, &request_id, &endpoint).map(|r| (endpoint, r))
            });
        match prepared {
            Ok((endpoint, request)) => Self {
                op,
                endpoint: Some(endpoint),
                config,
                request_id,
                request: Some(request),
                attempts: 0,
                state: State::Ready,
            },
            Err(error) => Self {
                op,
                endpoint: None,
                config,
                request_id,
                request: None,
                attempts: 0,
                state: State::Finished(Err(error)),
            },
        }
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// The call's request id.
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The signed request, unless the input was refused.
    pub fn request(&self) -> Option<&HttpRequest> {
        self.request.as_ref()
    }

    /// How many times the request has been handed out.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The next thing to do; the same contract as [`Exchange::next`](crate::Exchange::next).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Step<O::Output> {
        match core::mem::replace(&mut self.state, State::InFlight) {
            State::Ready => match &self.request {
                Some(request) => {
                    self.attempts += 1;
                    Step::Send(request.clone())
                }
                None => {
                    let error = self.error(ErrorKind::InvalidInput(InvalidInput::new(
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

    fn finish(&mut self, result: Result<O::Output, Error>) -> Step<O::Output> {
        let (may_have_been_sent, outcome_unknown) = match &result {
            Ok(_) => (
                self.attempts > 0,
                self.op.moves_money() && self.attempts > 0,
            ),
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
            Ok(response) => match &self.endpoint {
                Some(endpoint) => match read_with(endpoint, &self.op, &response) {
                    Ok(output) => {
                        self.state = State::Finished(Ok(output));
                        return;
                    }
                    Err(kind) => kind,
                },
                None => ErrorKind::InvalidInput(InvalidInput::new("request", "refused")),
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
        if self.op.moves_money() {
            return matches!(kind, ErrorKind::Transport(e) if e.send_state() == SendState::NotSent);
        }
        match kind {
            ErrorKind::Transport(_) | ErrorKind::Malformed(_) => true,
            ErrorKind::HttpStatus(status) => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, O::NAME)
            .with_context(self.op.order_id(), self.op.moves_money(), self.attempts)
            .with_reconcile_hint(self.op.reconcile_hint())
    }
}

/// Reads an HTTP response of a JSON operation: verify its `X-JWS-Signature` (when it has
/// one, or always where the API requires it), set error replies apart, then the operation's
/// own reading. This is what [`JsonExchange`] does with each response; public for drivers
/// that send the request themselves.
pub fn read_json_reply<O: JsonOperation>(
    config: &Config,
    op: &O,
    response: &HttpResponse,
) -> Result<O::Output, ErrorKind> {
    let endpoint = JsonEndpoint::of(config, op).map_err(ErrorKind::InvalidInput)?;
    read_with(&endpoint, op, response)
}

fn read_with<O: JsonOperation>(
    endpoint: &JsonEndpoint<'_>,
    op: &O,
    response: &HttpResponse,
) -> Result<O::Output, ErrorKind> {
    let status = response.status();
    let body = response.body();
    // A server error or a throttle is a status, whatever its body: the retry rules read it.
    if status >= 500 || status == 408 || status == 429 {
        return Err(ErrorKind::HttpStatus(status));
    }
    let signed = match response.headers().get(JWS_HEADER) {
        Some(token) => {
            match jws::verify_detached_with(
                endpoint.profile.algorithm(),
                token.trim(),
                body,
                endpoint.secret,
            ) {
                Ok(_) => true,
                Err(JwsError::SignatureMismatch | JwsError::AlgorithmMismatch { .. }) => {
                    return Err(ErrorKind::SignatureInvalid {
                        http_status: status,
                    });
                }
                Err(_) => {
                    return Err(ErrorKind::Malformed(MalformedResponse::new(
                        "the reply's X-JWS-Signature is not a detached JWS",
                        status,
                    )));
                }
            }
        }
        None if endpoint.profile.replies() == ReplySignature::Required => {
            return Err(ErrorKind::Malformed(MalformedResponse::new(
                "the reply has no X-JWS-Signature",
                status,
            )));
        }
        None => false,
    };
    let mut value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    // The Invoice page shows its reply as XML under a JSON API (docs/protocol.md §12.2 [?]): a
    // flat XML reply is read as the JSON object of the same members (every value a string).
    let mut converted = None;
    if value.is_none()
        && let Some(xml) = xml_reply(body)
    {
        converted = serde_json::to_vec(&xml).ok();
        value = Some(xml);
    }
    let body = converted.as_deref().unwrap_or(body);
    let Some(value) = value else {
        return Err(if response.is_success() {
            let reason = if body.iter().all(u8::is_ascii_whitespace) {
                "the body is empty"
            } else {
                "the body is not JSON (truncated, an HTML page, or not JSON)"
            };
            ErrorKind::Malformed(MalformedResponse::new(reason, status))
        } else {
            ErrorKind::HttpStatus(status)
        });
    };
    if !response.is_success() || is_error_reply(&value) {
        let (code, description) = error_of(&value);
        return Err(if signed {
            ErrorKind::Gateway(GatewayError::new(code, description))
        } else {
            ErrorKind::Unsigned(UnsignedError::new(code, description, status))
        });
    }
    let reply = JsonReply::new(status, response.headers(), body, signed);
    op.read(&reply)
        .map_err(|e| ErrorKind::Malformed(MalformedResponse::field(e, status)))
}

/// An XML reply (not an HTML page) as a JSON object: elements are members, texts strings,
/// repeated elements arrays.
fn xml_reply(body: &[u8]) -> Option<serde_json::Value> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'<' {
        return None;
    }
    let document = freedompay_xml::parse(body).ok()?;
    if document.root_name().eq_ignore_ascii_case("html") {
        return None;
    }
    Some(fields_to_json(document.fields()))
}

fn fields_to_json(fields: &freedompay_sign::Fields) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for field in fields {
        object.insert(field.name().to_owned(), value_to_json(field.value()));
    }
    serde_json::Value::Object(object)
}

fn value_to_json(value: &freedompay_sign::Value) -> serde_json::Value {
    match value {
        freedompay_sign::Value::Text(text) => serde_json::Value::String(text.clone()),
        freedompay_sign::Value::Map(fields) => fields_to_json(fields),
        freedompay_sign::Value::List(items) => {
            serde_json::Value::Array(items.iter().map(value_to_json).collect())
        }
    }
}

/// A 2xx reply that says it failed: `"status": "error"` (the Invoice reply's form), or a
/// top-level `error` object.
fn is_error_reply(value: &serde_json::Value) -> bool {
    let status_error = value
        .get("status")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("error"));
    status_error || value.get("error").is_some_and(serde_json::Value::is_object)
}

/// The code and description of an error reply, from the members the APIs use:
/// `error_code`/`error_description` (Invoice), `code`/`message`, or an `error` object with
/// them. JSON API codes are not the `pg_error_code` table: a number is kept as
/// [`ErrorCode::Unknown`], whose class is "outcome unknown".
fn error_of(value: &serde_json::Value) -> (Option<ErrorCode>, Option<String>) {
    let scope = value
        .get("error")
        .filter(|e| e.is_object())
        .unwrap_or(value);
    let code = ["error_code", "code"]
        .iter()
        .find_map(|name| scope.get(*name))
        .and_then(|code| match code {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .and_then(|n| u32::try_from(n).ok())
        .map(ErrorCode::Unknown);
    let description = [
        "error_description",
        "message",
        "description",
        "error_message",
    ]
    .iter()
    .find_map(|name| scope.get(*name))
    .and_then(serde_json::Value::as_str)
    .map(|s| s.chars().take(500).collect());
    (code, description)
}
