//! The gateway's endpoints (docs/protocol.md §1): the table of paths, script names and secrets,
//! and the pipeline every request goes through: faults, decoding, merchant, signature,
//! idempotency, the operation under the state lock, the signed reply.

mod cardstorage;
mod cbc;
mod clearing;
pub(crate) mod gateway;
pub(crate) mod json;
mod legacy;
mod mfs;
mod mobile_payout;
mod payment;
mod payout;
mod payout_status;
mod status;
mod token;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use freedompay_sign::{Fields, ScriptName, SecretKey};
use futures_util::FutureExt;
use hyper::header::CONTENT_TYPE;

use crate::app::App;
use crate::callbacks;
use crate::error::{ApiError, BAD_SIGNATURE, NO_MERCHANT, UNKNOWN_METHOD, VALIDATION};
use crate::faults::{self, DropConnection, Fault};
use crate::reply::{
    Reply, html_response, json_response, signed_reply, signed_xml, unsigned_error, xml_response,
};
use crate::state::State;
use crate::validate::{self, Usual};
use crate::wire::{self, request_message};

/// The largest request body read (bigger ones are refused).
const MAX_BODY: usize = 2 * 1024 * 1024;

/// Which secret an endpoint's signature uses (docs/protocol.md §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secret {
    Payment,
    Payout,
    /// `cardstoragepayout/add`: configurable.
    CardStoragePayout,
}

/// What an operation answers.
// A `Reply` (a few hundred bytes) is moved a few times on its way out, which costs less than
// the heap allocation of its own that boxing it would add to every reply.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Answer {
    /// A signed XML reply with these fields.
    Xml(Fields),
    /// A signed XML reply with these fields, written without a tree (the busiest endpoints).
    Reply(Reply),
    /// A redirect (the browser endpoint `payment.php`).
    Redirect(String),
    /// An HTML page (`card/pay`).
    Html(String),
}

impl Answer {
    /// The fields of a signed XML reply, as the idempotency store keeps them.
    fn to_fields(&self) -> Option<Fields> {
        match self {
            Answer::Xml(fields) => Some(fields.clone()),
            Answer::Reply(reply) => Some(reply.to_fields()),
            Answer::Redirect(_) | Answer::Html(_) => None,
        }
    }
}

/// What an operation sees.
pub(crate) struct Ctx<'a> {
    pub(crate) app: &'a Arc<App>,
    /// The request's fields ([`Ctx::fields`]).
    request: &'a RequestFields<'a>,
    pub(crate) now: i64,
    /// Callbacks to send once the state is unlocked.
    pub(crate) callbacks: Vec<usize>,
    /// Result callbacks of payments paid by this request.
    pub(crate) results: Vec<ResultCallback>,
}

/// A result callback to send once the state is unlocked, honouring a `rejected` reply.
pub(crate) struct ResultCallback {
    /// The callback.
    pub(crate) callback: usize,
    /// The payment it is about.
    pub(crate) payment: i64,
}

impl<'a> Ctx<'a> {
    /// What an operation sees of a request with these fields, at `now`.
    pub(crate) fn new(app: &'a Arc<App>, request: &'a RequestFields<'a>, now: i64) -> Self {
        Ctx {
            app,
            request,
            now,
            callbacks: Vec::new(),
            results: Vec::new(),
        }
    }

    /// The request's fields as a tree. An [`Op::Read`] operation, which finds the few fields it
    /// reads in the message as it was read ([`validate::Picked`]), gets the tree made on its
    /// first use here: a later change that reads a field this way still sees every field.
    pub(crate) fn fields(&self) -> &'a Fields {
        self.request.get()
    }

    /// The merchant id, as configured (and as checked in the request).
    pub(crate) fn merchant(&self) -> &str {
        &self.app.config.merchant_id
    }
}

/// A request's fields for [`Ctx`]: a tree, or the message as it was read, made a tree (at
/// most once) only when asked for.
pub(crate) struct RequestFields<'a> {
    source: Source<'a>,
    tree: OnceCell<Fields>,
}

enum Source<'a> {
    Tree(&'a Fields),
    Message(wire::Message<'a>),
}

impl<'a> RequestFields<'a> {
    /// Fields already in a tree.
    pub(crate) fn tree(fields: &'a Fields) -> Self {
        RequestFields {
            source: Source::Tree(fields),
            tree: OnceCell::new(),
        }
    }

    /// A message as it was read, made a tree only if [`RequestFields::get`] is called.
    fn message(message: wire::Message<'a>) -> Self {
        RequestFields {
            source: Source::Message(message),
            tree: OnceCell::new(),
        }
    }

    /// The fields as a tree.
    fn get(&self) -> &Fields {
        match &self.source {
            Source::Tree(fields) => fields,
            Source::Message(message) => self.tree.get_or_init(|| message.to_fields()),
        }
    }

    /// The first value of each usual name.
    fn picked(&self) -> validate::Picked<'_> {
        match &self.source {
            Source::Tree(fields) => validate::Picked::new(fields),
            Source::Message(message) => validate::Picked::of_message(message),
        }
    }
}

/// An operation.
#[derive(Clone, Copy)]
pub(crate) enum Op {
    /// Runs with the state locked (most operations).
    Locked(fn(&mut Ctx<'_>, &mut State) -> Result<Answer, ApiError>),
    /// Locks the state itself, for no longer than it must, or not at all; it then runs
    /// [`State::retain`] before it unlocks, as [`Op::Locked`] operations have done for them.
    /// It reads a few usual fields, and finds them in the message as it was read
    /// ([`validate::Picked`]); [`Ctx::fields`] makes the whole tree if it needs more.
    Read(fn(&mut Ctx<'_>, &validate::Picked<'_>) -> Result<Answer, ApiError>),
}

/// One endpoint.
pub(crate) struct Endpoint {
    /// The axum route.
    pub(crate) route: &'static str,
    pub(crate) secret: Secret,
    op: Op,
    /// The script name of its requests: the route's last segment (never a parameter), which
    /// is the last segment of the request's path.
    script: &'static str,
}

/// The last segment of a route.
const fn script_of(route: &'static str) -> &'static str {
    let bytes = route.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes[start - 1] != b'/' {
        start -= 1;
    }
    let (_, segment) = bytes.split_at(start);
    match std::str::from_utf8(segment) {
        Ok(segment) => segment,
        Err(_) => panic!("a route is UTF-8"),
    }
}

const fn ep(
    route: &'static str,
    secret: Secret,
    op: fn(&mut Ctx<'_>, &mut State) -> Result<Answer, ApiError>,
) -> Endpoint {
    Endpoint {
        route,
        secret,
        op: Op::Locked(op),
        script: script_of(route),
    }
}

/// An endpoint whose operation reads a few usual fields only ([`Op::Read`]).
const fn read(
    route: &'static str,
    secret: Secret,
    op: fn(&mut Ctx<'_>, &validate::Picked<'_>) -> Result<Answer, ApiError>,
) -> Endpoint {
    Endpoint {
        route,
        secret,
        op: Op::Read(op),
        script: script_of(route),
    }
}

/// Every endpoint the sandbox serves.
pub(crate) static ENDPOINTS: &[Endpoint] = &[
    ep("/init_payment.php", Secret::Payment, payment::init_payment),
    ep("/payment.php", Secret::Payment, payment::payment_php),
    ep("/g2g/any_amount", Secret::Payment, payment::any_amount),
    ep(
        "/make_recurring_payment.php",
        Secret::Payment,
        payment::recurring,
    ),
    ep("/get_status3.php", Secret::Payment, status::get_status3),
    ep("/get_status2.php", Secret::Payment, status::get_status2),
    ep("/get_status.php", Secret::Payment, legacy::get_status),
    ep("/cancel.php", Secret::Payment, clearing::cancel),
    ep("/do_capture.php", Secret::Payment, clearing::capture),
    ep("/revoke.php", Secret::Payment, clearing::revoke),
    ep(
        "/v1/merchant/{merchant_id}/cardstorage/add2",
        Secret::Payment,
        cardstorage::add2,
    ),
    ep(
        "/v1/merchant/{merchant_id}/cardstorage/add",
        Secret::Payment,
        legacy::cardstorage_add,
    ),
    ep(
        "/v1/merchant/{merchant_id}/cardstorage/list",
        Secret::Payment,
        cardstorage::list,
    ),
    ep(
        "/v1/merchant/{merchant_id}/cardstorage/remove",
        Secret::Payment,
        cardstorage::remove,
    ),
    ep(
        "/v1/merchant/{merchant_id}/cardstoragepayout/add",
        Secret::CardStoragePayout,
        cardstorage::payout_add,
    ),
    ep(
        "/v1/merchant/{merchant_id}/card/init",
        Secret::Payment,
        token::init,
    ),
    ep(
        "/v1/merchant/{merchant_id}/card/pay",
        Secret::Payment,
        token::pay,
    ),
    ep(
        "/v1/merchant/{merchant_id}/card/direct",
        Secret::Payment,
        token::direct,
    ),
    ep("/mfs/pay", Secret::Payment, mfs::pay),
    ep("/mfs/approve", Secret::Payment, mfs::approve),
    ep("/api/reg2nonreg", Secret::Payout, payout::reg2nonreg),
    ep("/api/reg2reg", Secret::Payout, payout::reg2reg),
    read("/g2g/p2p2nonreg", Secret::Payout, payout::p2p2nonreg),
    ep("/api/to_iban", Secret::Payout, payout::to_iban),
    read(
        "/api/balance_status",
        Secret::Payout,
        payout_status::balance,
    ),
    ep(
        "/api/payment_status",
        Secret::Payout,
        payout_status::payment_status,
    ),
    ep(
        "/api/payment_status2",
        Secret::Payout,
        payout_status::payment_status2,
    ),
    ep(
        "/init_payout.php",
        Secret::Payout,
        mobile_payout::init_payout,
    ),
    ep("/mfs/payout", Secret::Payout, mobile_payout::payout),
    ep("/api/cbc/check", Secret::Payout, cbc::check),
    ep("/api/cbc/exec", Secret::Payout, cbc::exec),
    ep("/api/cbc/status", Secret::Payout, cbc::status),
    // The Gateway API (docs/protocol.md §11).
    ep("/g2g/payment", Secret::Payment, gateway::pay::payment),
    ep(
        "/g2g/paymentAcs",
        Secret::Payment,
        gateway::pay::payment_acs,
    ),
    ep("/g2g/cancel", Secret::Payment, gateway::pay::cancel),
    ep("/g2g/clearing", Secret::Payment, gateway::pay::clearing),
    ep("/g2g/refund", Secret::Payment, gateway::pay::refund),
    ep("/g2g/status_v2", Secret::Payment, gateway::pay::status_v2),
    ep("/g2g/cardstorage/add", Secret::Payment, gateway::card::add),
    ep(
        "/g2g/cardstorage/payment_acs",
        Secret::Payment,
        gateway::card::payment_acs,
    ),
    ep(
        "/g2g/cardstorage/list",
        Secret::Payment,
        gateway::card::list,
    ),
    ep(
        "/g2g/cardstorage/remove",
        Secret::Payment,
        gateway::card::remove,
    ),
    ep(
        "/g2g/p2p/transfer",
        Secret::Payment,
        gateway::transfer::transfer,
    ),
    ep(
        "/g2g/p2p/transfer_acs",
        Secret::Payment,
        gateway::transfer::transfer_acs,
    ),
    ep(
        "/g2g/p2p/status",
        Secret::Payment,
        gateway::transfer::status,
    ),
];

/// The routes of every endpoint.
pub(crate) fn router() -> Router<Arc<App>> {
    let mut router = Router::new();
    for endpoint in ENDPOINTS {
        router = router.route(
            endpoint.route,
            any(
                move |AxumState(app): AxumState<Arc<App>>, request: Request| async move {
                    handle(&app, endpoint, request).await
                },
            ),
        );
    }
    router
}

/// The endpoint at exactly this path, for the paths without parameters: the server calls these
/// straight away, without the router (the busiest paths of a load test are all such paths).
/// Answers as the router would: every method, the same handler.
pub(crate) fn exact(path: &str) -> Option<&'static Endpoint> {
    // foldhash rather than SipHash: the keys are the sandbox's own routes.
    type Table = HashMap<&'static str, &'static Endpoint, foldhash::fast::RandomState>;
    static EXACT: LazyLock<Table> = LazyLock::new(|| {
        ENDPOINTS
            .iter()
            .filter(|e| !e.route.contains('{'))
            .map(|e| (e.route, e))
            .collect()
    });
    EXACT.get(path).copied()
}

/// Serves one request to `endpoint` (what its route does). The sandbox is borrowed: its
/// reference count is touched only for a request that waits in a task of its own (the
/// latency fault).
pub(crate) async fn serve(
    app: &Arc<App>,
    endpoint: &'static Endpoint,
    request: Request,
) -> Response {
    handle(app, endpoint, request).await
}

fn secret_for(app: &App, secret: Secret) -> &SecretKey {
    match secret {
        Secret::Payment => app.config.payment_secret(),
        Secret::Payout => app.config.payout_secret(),
        Secret::CardStoragePayout => app.config.secret(app.config.cardstoragepayout_secret),
    }
}

/// The answer to a path that is no endpoint (the router's fallback): an XML error reply, as
/// the gateway writes its errors, never an empty 404 that a client parsing XML would choke on.
/// The control API's unknown routes get a JSON error instead.
///
/// Signed or not follows the gateway's documented rule (docs.freedompay.kz doc-643556: `pg_salt`
/// and `pg_sig` are absent only when the merchant could not be identified): an unknown or
/// missing merchant gets the unsigned error 101; a known one gets a signed error 9403 (the
/// sandbox's choice, deliberately not 340, which would read as "transaction not found" on a
/// mistyped status path), signed with the payment secret and the path's last segment as the
/// script name. The request's own signature is not checked: there is no endpoint to check it
/// for. A path whose last segment is empty (`/`, `/api/`) has no script name to sign with: its
/// error 9403 is unsigned.
pub(crate) async fn unknown_path(
    AxumState(app): AxumState<Arc<App>>,
    request: Request,
) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        return json_response(
            hyper::StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": format!("no control route {path}") }),
        );
    }
    let (parts, body) = request.into_parts();
    let Some(body) = read_body(body, MAX_BODY).await else {
        return xml_response(unsigned_error(
            VALIDATION,
            "The request body is too large or was cut off",
        ));
    };
    let description = format!("Unknown method {path}");
    if ScriptName::new(last_segment(&path)).is_err() {
        // No script name to sign with (`/`, a trailing slash).
        return xml_response(unsigned_error(UNKNOWN_METHOD, &description));
    }
    let message = match Message::read(&app, &parts, &body, &path, None).await {
        Ok(message) => message,
        Err(response) => return *response,
    };
    let error = ApiError::new(UNKNOWN_METHOD, description);
    let secret = app.config.payment_secret();
    xml_response(signed_xml(
        &app,
        &message.script,
        secret,
        error.into_fields(),
    ))
}

/// The whole body of a request, as `axum::body::to_bytes` reads it (trailers ignored), `None`
/// past `limit` bytes or when it fails: its one chunk as it came (nearly always, without a
/// copy), else its chunks joined.
async fn read_body(mut body: Body, limit: usize) -> Option<Bytes> {
    use http_body::Body as _;
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame.ok()?.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        total = total.saturating_add(data.len());
        if total > limit {
            return None;
        }
        match &first {
            None => first = Some(data),
            Some(earlier) => {
                if joined.is_empty() {
                    joined.extend_from_slice(earlier);
                }
                joined.extend_from_slice(&data);
            }
        }
    }
    if joined.is_empty() {
        Some(first.unwrap_or_default())
    } else {
        Some(Bytes::from(joined))
    }
}

/// What follows the last `/` of a path (all of it when it has none).
fn last_segment(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, last)| last)
}

/// `pg_merchant_id`, read from every request.
const MERCHANT: Usual = Usual::new("pg_merchant_id");
/// `pg_salt`, read from every request.
const SALT: Usual = Usual::new(freedompay_sign::SALT_FIELD);
/// `pg_idempotency_key`, read from every request.
const IDEMPOTENCY_KEY: Usual = Usual::new("pg_idempotency_key");

/// A request's message, decoded, from the configured merchant, with its script name.
struct Message<'a> {
    /// The message: a flat form as read, or a tree.
    form: wire::Message<'a>,
    script: ScriptName,
}

impl<'a> Message<'a> {
    /// Decodes the message and checks the merchant; the unsigned error reply otherwise.
    /// `known` is the endpoint's script name, kept without a copy when the path ends with it.
    async fn read(
        app: &App,
        parts: &'a Parts,
        body: &'a Bytes,
        path: &str,
        known: Option<&'static str>,
    ) -> Result<Message<'a>, Box<Response>> {
        let unsigned = |text: &str| Box::new(xml_response(unsigned_error(NO_MERCHANT, text)));
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let form = request_message(parts.method.as_str(), parts.uri.query(), content_type, body)
            .await
            .map_err(|e| unsigned(&format!("Empty merchant ({})", e.describe())))?;
        // The merchant: unknown means unsigned, as the gateway cannot know whose secret to use.
        let merchant = match validate::find(&form, MERCHANT) {
            Some(validate::Found::Text(merchant)) => merchant,
            _ => "",
        };
        if merchant.is_empty() {
            return Err(unsigned("Empty merchant"));
        }
        let path_merchant = path
            .strip_prefix("/v1/merchant/")
            .and_then(|rest| rest.split('/').next());
        if merchant != app.config.merchant_id
            || path_merchant.is_some_and(|m| m != app.config.merchant_id)
        {
            return Err(unsigned("Merchant not found"));
        }
        // The script name is the last path segment: the endpoint's own script name when the
        // path ends with `/` and that name (or is just that name), seen without a search for
        // the last `/`.
        let ends_with_known = known.filter(|script| {
            path.strip_suffix(script)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
        });
        let script = match ends_with_known {
            Some(script) => ScriptName::from_static(script),
            None => ScriptName::new(last_segment(path)),
        }
        .map_err(|_| unsigned("Empty merchant"))?;
        Ok(Message { form, script })
    }
}

/// The whole life of one API request.
///
/// The gateway finishes what it received even when the client hangs up while waiting (a
/// timeout), so once the body is read the request is carried out whatever the client does, as
/// the latency fault documents. After the body, nothing here waits on the network or a timer,
/// except the latency fault, which therefore runs the rest in a task of its own; everything
/// else runs to its end in the poll that read the last of the body, so that a hang-up cannot
/// cut it short, without the cost of a task per request.
async fn handle(app: &Arc<App>, endpoint: &'static Endpoint, request: Request) -> Response {
    // Read the whole request first, once: what arrived is processed even if the client goes
    // away.
    let (parts, body) = request.into_parts();
    let Some(body) = read_body(body, MAX_BODY).await else {
        return xml_response(unsigned_error(
            VALIDATION,
            "The request body is too large or was cut off",
        ));
    };
    let fault = app.take_fault(parts.uri.path());
    match fault {
        Some(fault) if fault.latency_ms > 0 => tokio::spawn({
            let app = Arc::clone(app);
            async move {
                tokio::time::sleep(std::time::Duration::from_millis(fault.latency_ms)).await;
                respond(&app, endpoint, parts.uri.path(), &parts, &body, Some(fault)).await
            }
        })
        .await
        .unwrap_or_else(|_| faults::error_page(500)),
        // A bug that panics answers a 500 page, as a task of its own would.
        fault => AssertUnwindSafe(respond(
            app,
            endpoint,
            parts.uri.path(),
            &parts,
            &body,
            fault,
        ))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| faults::error_page(500)),
    }
}

/// The reply to a request whose body has been read, with the fault set for it (its latency
/// already waited).
async fn respond(
    app: &Arc<App>,
    endpoint: &'static Endpoint,
    path: &str,
    parts: &Parts,
    body: &Bytes,
    fault: Option<Fault>,
) -> Response {
    if let Some(fault) = &fault {
        if let Some(status) = fault.status_5xx {
            return faults::error_page(status);
        }
        if fault.unsigned_error {
            let code = fault.error_code.unwrap_or(crate::error::INTERNAL);
            return xml_response(unsigned_error(
                code,
                "Internal error, try again later (sandbox fault)",
            ));
        }
    }
    let mut response = process(app, endpoint, path, parts, body).await;
    if let Some(fault) = fault {
        if fault.wrong_signature {
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let text = faults::corrupt_signature(&String::from_utf8_lossy(&bytes));
            response = Response::from_parts(parts, Body::from(text));
            response.headers_mut().remove(hyper::header::CONTENT_LENGTH);
        }
        if fault.truncate_body {
            response = faults::truncate(response).await;
        }
        if fault.drop_connection {
            response.extensions_mut().insert(DropConnection);
        }
    }
    response
}

async fn process(
    app: &Arc<App>,
    endpoint: &'static Endpoint,
    path: &str,
    parts: &Parts,
    body: &Bytes,
) -> Response {
    let Message { form, script } =
        match Message::read(app, parts, body, path, Some(endpoint.script)).await {
            Ok(message) => message,
            Err(response) => return *response,
        };

    // The signature: script = the last path segment, secret by endpoint.
    let secret = secret_for(app, endpoint.secret);
    let salted = matches!(
        validate::text_of(validate::find(&form, SALT), SALT.name),
        Ok(Some(_))
    );
    let verified = salted
        && match &form {
            wire::Message::Flat(flat) => freedompay_sign::verify_tree(&script, flat, secret),
            wire::Message::Tree(fields) => freedompay_sign::verify(&script, fields, secret),
        }
        .is_ok();
    if !verified {
        let description = "Некорректная подпись запроса";
        if !app.config.signed_signature_errors {
            return xml_response(unsigned_error(BAD_SIGNATURE, description));
        }
        let error = ApiError::new(BAD_SIGNATURE, description);
        return xml_response(signed_xml(app, &script, secret, error.into_fields()));
    }

    // Idempotency: the first reply again, re-signed, nothing done twice.
    let key = match validate::idempotency_key_of(validate::find(&form, IDEMPOTENCY_KEY)) {
        Ok(key) => key.map(|k| (path.to_owned(), k.to_owned())),
        Err(e) => return xml_response(signed_xml(app, &script, secret, e.into_fields())),
    };
    if let Some(key) = &key {
        let stored = app.state().idempotent_reply(key).cloned();
        if let Some(reply) = stored {
            return xml_response(signed_xml(app, &script, secret, reply));
        }
    }

    // The tree of the message, for the operations that read it; those that read a few
    // fields only ([`Op::Read`]) find them in the message as it was read, and get the tree
    // only if they ask for it.
    let tree;
    let request = match endpoint.op {
        Op::Read(_) => RequestFields::message(form),
        Op::Locked(_) => {
            tree = form.into_fields();
            RequestFields::tree(&tree)
        }
    };
    let mut ctx = Ctx::new(app, &request, app.clock.now_ms());
    let answer = match endpoint.op {
        Op::Locked(op) => {
            let mut state = app.state();
            let answer = op(&mut ctx, &mut state);
            if let Some(key) = key
                && let Ok(Some(reply)) = answer.as_ref().map(Answer::to_fields)
            {
                state.remember_reply(key, reply);
            }
            state.retain(app.config.retention);
            answer
        }
        Op::Read(op) => {
            let answer = op(&mut ctx, &request.picked());
            if let Some(key) = key
                && let Ok(Some(reply)) = answer.as_ref().map(Answer::to_fields)
            {
                let mut state = app.state();
                state.remember_reply(key, reply);
                state.retain(app.config.retention);
            }
            answer
        }
    };
    callbacks::spawn_all(app, std::mem::take(&mut ctx.callbacks));
    for ResultCallback { callback, payment } in std::mem::take(&mut ctx.results) {
        crate::flow::payment::spawn_result(app, callback, payment);
    }
    match answer {
        Ok(Answer::Xml(reply)) => xml_response(signed_xml(app, &script, secret, reply)),
        Ok(Answer::Reply(reply)) => xml_response(signed_reply(app, &script, secret, reply)),
        Ok(Answer::Redirect(url)) => Redirect::to(&url).into_response(),
        Ok(Answer::Html(page)) => html_response(page),
        Err(error) => xml_response(error.into_signed_xml(app, &script, secret)),
    }
}

/// `pg_status=ok` and the given fields.
pub(crate) fn ok(pairs: &[(&str, String)]) -> Fields {
    let mut fields = crate::reply::reply_fields(1 + pairs.len());
    fields.push_static("pg_status", "ok");
    for (name, value) in pairs {
        fields.push(*name, value.as_str());
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn an_op_read_request_gives_its_whole_tree_when_asked() {
        let body = Bytes::from_static(
            b"pg_merchant_id=545000&pg_amount=1.00&pg_extra=a+b&pg_salt=s&pg_sig=x",
        );
        let read = || {
            request_message(
                "POST",
                None,
                Some("application/x-www-form-urlencoded"),
                &body,
            )
        };
        let expected = read().await.unwrap().into_fields();
        let request = RequestFields::message(read().await.unwrap());
        // The usual names without the tree, the rest from the tree made once on demand.
        assert!(matches!(
            request.picked().get(MERCHANT),
            Some(validate::Found::Text("545000"))
        ));
        assert!(request.tree.get().is_none());
        assert_eq!(request.get(), &expected);
        assert_eq!(request.get().text("pg_extra"), Some("a b"));
        assert!(std::ptr::eq(request.get(), request.get()));
    }

    #[test]
    fn exact_finds_every_path_without_parameters_and_nothing_else() {
        for endpoint in ENDPOINTS {
            let found = exact(endpoint.route).map(|e| e.route);
            if endpoint.route.contains('{') {
                assert_eq!(found, None);
            } else {
                assert_eq!(found, Some(endpoint.route));
                for other in [
                    format!("{}/", endpoint.route),
                    format!("/x{}", endpoint.route),
                    endpoint.route[1..].to_owned(),
                    endpoint.route.to_uppercase(),
                ] {
                    assert!(exact(&other).is_none(), "{other}");
                }
            }
        }
        for path in ["", "/", "/_sandbox", "/g2g", "/api/balance_statuS"] {
            assert!(exact(path).is_none(), "{path}");
        }
    }
}
