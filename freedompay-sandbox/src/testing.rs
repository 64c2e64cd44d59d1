//! Test helpers for your integration, in one place (feature `testing`): a sandbox with a
//! fixed clock and known secrets, the documented test cards, the control API as methods
//! (pay a payment, finish a payout, save a card, advance time), and a merchant callback
//! server that verifies every callback with the SDK's typed notifications and answers it.
//!
//! ```toml
//! [dev-dependencies]
//! freedompay-sandbox = { version = "0.1", features = ["testing"] }
//! ```
//!
//! ```
//! use freedompay_sandbox::SandboxThread;
//! use freedompay_sandbox::testing::{self, MerchantServer, cards};
//!
//! let sandbox = SandboxThread::start(testing::sandbox_config())?;
//! let merchant = MerchantServer::start(testing::client_config(sandbox.base_url()).build()?)?;
//! // ... your code pays out with a client over `testing::client_config(sandbox.base_url())`,
//! // with `merchant.url("payout_notify")` as the notification URL ...
//! # let _ = (cards::PAYOUT_SUCCESS, &merchant);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The README's "Testing your integration" shows a whole test. The blocking helpers are
//! methods of [`SandboxThread`] (for `#[test]`s without a runtime; they must not be called
//! from inside an async runtime); the same under `async` are methods of [`Sandbox`]. Both
//! go through the sandbox's control API (`/_sandbox/...`), as a test in another language
//! would.

use core::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use freedompay_core::notifications::{
    CallbackRequest, CaptureNotification, CardAddedNotification, CheckNotification,
    PayoutCardAdded, PayoutNotification, RefundNotification, ResultNotification,
};
use freedompay_core::{Config, ConfigBuilder, PaymentId, Url};
use freedompay_sign::SecretKey;
use serde_json::{Value, json};

use crate::{ClockMode, Sandbox, SandboxConfig, SandboxThread};

/// The merchant id of [`sandbox_config`] and [`client_config`].
pub const MERCHANT_ID: &str = "545000";
/// The payment secret of [`sandbox_config`] and [`client_config`].
pub const PAYMENT_SECRET: &str = "sandbox-payment-secret";
/// The payout secret of [`sandbox_config`] and [`client_config`] (a different one, so that
/// using the wrong secret shows).
pub const PAYOUT_SECRET: &str = "sandbox-payout-secret";
/// Where the fixed clock of [`sandbox_config`] starts: 2026-01-01 00:00:00 UTC (05:00:00 in
/// the gateway's UTC+5). Sandbox time moves only when a test advances it.
pub const START: i64 = 1_767_225_600;

/// The documented test cards (`docs/protocol.md §5`), as the sandbox treats them.
pub mod cards {
    /// A purchase test card: the payment succeeds.
    pub const PURCHASE: &str = "4716047261941981";
    /// A valid card number that is no test card: purchases are declined.
    pub const DECLINED: &str = "4111111111111111";
    /// Payout: success.
    pub const PAYOUT_SUCCESS: &str = "4671593866478252";
    /// Payout: refused with error 10000.
    pub const PAYOUT_ERROR_10000: &str = "5325349472901311";
    /// Payout: refused with error 10001.
    pub const PAYOUT_ERROR_10001: &str = "4556046085041740";
    /// Payout: refused with error 8888.
    pub const PAYOUT_ERROR_8888: &str = "5543974702876045";
    /// Payout: `process`, then success (after the process delay, or
    /// [`SandboxThread::complete_payout`](crate::SandboxThread::complete_payout)).
    pub const PAYOUT_PROCESS_SUCCESS: &str = "5507841999732294";
    /// Payout: `process`, then error 10001.
    pub const PAYOUT_PROCESS_ERROR: &str = "4532676596620704";
}

/// A sandbox for tests: merchant [`MERCHANT_ID`] with [`PAYMENT_SECRET`] and
/// [`PAYOUT_SECRET`], a fixed clock at [`START`] (`ClockMode::Fixed`: nothing happens
/// until the test advances time), no unknown extra elements in replies, no request log.
/// Change anything with the [`SandboxConfig`] setters.
pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig::new(MERCHANT_ID, secret(PAYMENT_SECRET))
        .payout_secret_key(secret(PAYOUT_SECRET))
        .clock(ClockMode::Fixed(START))
        .unknown_element_every(0)
        .log_requests(false)
}

fn secret(text: &str) -> SecretKey {
    SecretKey::new(text).expect("the test secrets are valid")
}

/// A client configuration for the sandbox at `base_url`, with the same merchant and secrets
/// as [`sandbox_config`]. Add your own settings (timeout, retry) before `build()`.
pub fn client_config(base_url: &str) -> ConfigBuilder {
    Config::builder()
        .merchant_id(MERCHANT_ID)
        .secret_key(PAYMENT_SECRET)
        .payout_secret_key(PAYOUT_SECRET)
        .base_url(base_url)
}

// ---------------------------------------------------------------------------------------------
// The control API.

/// A control API call that failed: the sandbox refused it (a payment that cannot be paid,
/// a payout not in `process`, an unknown id) or could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    path: String,
    status: Option<u16>,
    message: String,
}

impl ControlError {
    /// The control path called (`/_sandbox/payments/42/pay`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP status the sandbox answered (404 unknown id, 409 not in a state for it, 400
    /// bad input), or `None` when it could not be reached.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The sandbox's explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(
                f,
                "sandbox control {} answered HTTP {status}: {}",
                self.path, self.message
            ),
            None => write!(f, "sandbox control {}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for ControlError {}

/// What paying a payment did ([`SandboxThread::pay`]): the check and result callbacks were
/// sent (and answered, or failed) before this returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaidPayment {
    /// The payment's status as `get_status3.php` words it (`success`, `failed`, ...).
    pub status: String,
    /// The failure code of a declined payment.
    pub failure_code: Option<u32>,
    /// Where the payer's browser goes next (the merchant's success or failure URL).
    pub redirect_url: Option<String>,
    /// The control API's whole answer (with `payment`, the payment as the sandbox keeps it).
    pub json: Value,
}

impl PaidPayment {
    fn from_json(json: Value) -> Self {
        Self {
            status: json["status"].as_str().unwrap_or_default().to_owned(),
            failure_code: json["failure_code"]
                .as_u64()
                .and_then(|c| u32::try_from(c).ok()),
            redirect_url: json["redirect_url"].as_str().map(str::to_owned),
            json,
        }
    }
}

/// How [`SandboxThread::complete_payout`] ends a payout in `process`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutOutcome {
    /// Paid out.
    Success,
    /// Failed with this error code (10001 is what the test cards give).
    Error(u32),
}

impl PayoutOutcome {
    fn json(self) -> Value {
        match self {
            PayoutOutcome::Success => json!({ "status": "success" }),
            PayoutOutcome::Error(code) => json!({ "status": "error", "code": code }),
        }
    }
}

/// One control call, over HTTP as any client of the sandbox makes it.
async fn control(base_url: &str, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
    let error = |status: Option<u16>, message: String| ControlError {
        path: path.to_owned(),
        status,
        message,
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| error(None, e.to_string()))?;
    let url = format!("{base_url}{path}");
    let request = match body {
        Some(body) => client
            .post(url)
            .header("Content-Type", "application/json")
            .body(body.to_string()),
        None => client.get(url),
    };
    let response = request
        .send()
        .await
        .map_err(|e| error(None, e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .map_err(|e| error(Some(status), e.to_string()))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| error(Some(status), format!("not JSON ({e}): {text}")))?;
    if status != 200 {
        let message = json["error"].as_str().unwrap_or(&text).to_owned();
        return Err(error(Some(status), message));
    }
    Ok(json)
}

/// Runs a control call to completion from synchronous code.
fn blocking<T>(
    future: impl core::future::Future<Output = Result<T, ControlError>>,
) -> Result<T, ControlError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ControlError {
            path: String::new(),
            status: None,
            message: format!("no runtime for the control call: {e}"),
        })?;
    runtime.block_on(future)
}

/// The paths of the control calls.
fn pay_path(id: PaymentId) -> String {
    format!("/_sandbox/payments/{id}/pay")
}
fn complete_path(id: PaymentId) -> String {
    format!("/_sandbox/payouts/{id}/complete")
}
fn payout_page_path(id: PaymentId) -> String {
    format!("/_sandbox/payouts/{id}/pay")
}
fn card_add_path(id: PaymentId) -> String {
    format!("/_sandbox/cards/{id}/add")
}

fn card_token(json: &Value) -> String {
    json["card_token"].as_str().unwrap_or_default().to_owned()
}

/// The control API, blocking (feature `testing`).
impl SandboxThread {
    /// Pays payment `payment_id` (from `init_payment.php`) with `card` as the payer would on
    /// the payment page; the check and result callbacks have been sent by the time it
    /// returns. Use [`cards::PURCHASE`] to succeed, [`cards::DECLINED`] to be declined.
    pub fn pay(&self, payment_id: PaymentId, card: &str) -> Result<PaidPayment, ControlError> {
        self.pay_with(payment_id, json!({ "card": card }))
    }

    /// [`SandboxThread::pay`] with the control API's whole body: `{"card": "…", "amount":
    /// "150.00", "exp": "12/30", "holder": "…"}` (`amount` for a payer-chosen amount).
    pub fn pay_with(
        &self,
        payment_id: PaymentId,
        body: Value,
    ) -> Result<PaidPayment, ControlError> {
        blocking(control(self.base_url(), &pay_path(payment_id), Some(body)))
            .map(PaidPayment::from_json)
    }

    /// Ends payout `payout_id`, in `process`, now (instead of advancing time past the
    /// process delay); its notification has been sent by the time it returns. The payout
    /// as the sandbox keeps it.
    pub fn complete_payout(
        &self,
        payout_id: PaymentId,
        outcome: PayoutOutcome,
    ) -> Result<Value, ControlError> {
        blocking(control(
            self.base_url(),
            &complete_path(payout_id),
            Some(outcome.json()),
        ))
    }

    /// The recipient of a payout page (`reg2nonreg`) enters `card`; the payout as the sandbox
    /// keeps it.
    pub fn pay_payout_page(&self, payout_id: PaymentId, card: &str) -> Result<Value, ControlError> {
        blocking(control(
            self.base_url(),
            &payout_page_path(payout_id),
            Some(json!({ "card": card })),
        ))
    }

    /// Submits the card-add page of `id` (`cardstorage/add2`, `cardstoragepayout/add`) with
    /// `card`; the saved card's token.
    pub fn add_card(&self, id: PaymentId, card: &str) -> Result<String, ControlError> {
        blocking(control(
            self.base_url(),
            &card_add_path(id),
            Some(json!({ "card": card })),
        ))
        .map(|json| card_token(&json))
    }

    /// Every callback the sandbox sent, with its attempts and the merchant's replies.
    pub fn callbacks(&self) -> Result<Value, ControlError> {
        blocking(control(self.base_url(), "/_sandbox/callbacks", None))
    }

    /// Any control route: `GET` without a body, `POST` with one (`/_sandbox/state`,
    /// `/_sandbox/payouts/{id}`, ...).
    pub fn control(&self, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
        blocking(control(self.base_url(), path, body))
    }
}

/// The control API, async (feature `testing`): the same as [`SandboxThread`]'s.
impl Sandbox {
    /// As [`SandboxThread::pay`].
    pub async fn pay(
        &self,
        payment_id: PaymentId,
        card: &str,
    ) -> Result<PaidPayment, ControlError> {
        control(
            self.base_url(),
            &pay_path(payment_id),
            Some(json!({ "card": card })),
        )
        .await
        .map(PaidPayment::from_json)
    }

    /// As [`SandboxThread::complete_payout`].
    pub async fn complete_payout(
        &self,
        payout_id: PaymentId,
        outcome: PayoutOutcome,
    ) -> Result<Value, ControlError> {
        control(
            self.base_url(),
            &complete_path(payout_id),
            Some(outcome.json()),
        )
        .await
    }

    /// As [`SandboxThread::pay_payout_page`].
    pub async fn pay_payout_page(
        &self,
        payout_id: PaymentId,
        card: &str,
    ) -> Result<Value, ControlError> {
        control(
            self.base_url(),
            &payout_page_path(payout_id),
            Some(json!({ "card": card })),
        )
        .await
    }

    /// As [`SandboxThread::add_card`].
    pub async fn add_card(&self, id: PaymentId, card: &str) -> Result<String, ControlError> {
        control(
            self.base_url(),
            &card_add_path(id),
            Some(json!({ "card": card })),
        )
        .await
        .map(|json| card_token(&json))
    }

    /// As [`SandboxThread::callbacks`].
    pub async fn callbacks(&self) -> Result<Value, ControlError> {
        control(self.base_url(), "/_sandbox/callbacks", None).await
    }

    /// As [`SandboxThread::control`].
    pub async fn control(&self, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
        control(self.base_url(), path, body).await
    }
}

// ---------------------------------------------------------------------------------------------
// The merchant callback server.

/// A callback [`MerchantServer`] received, verified and typed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Received {
    /// At `/shop/check`, answered `ok`.
    Check(CheckNotification),
    /// At `/shop/result`, answered `ok`.
    Result(Box<ResultNotification>),
    /// At `/shop/refund`, answered `ok`.
    Refund(RefundNotification),
    /// At `/shop/capture`, answered `ok`.
    Capture(CaptureNotification),
    /// At `/shop/card_added` (a card saved for payments), answered `ok`.
    CardAdded(CardAddedNotification),
    /// At `/shop/payout_card_added` (a card saved for payouts), answered with the documented
    /// unsigned `ok`.
    PayoutCardAdded(PayoutCardAdded),
    /// At `/shop/payout_notify`, answered with the signed `ok`.
    Payout(PayoutNotification),
    /// A callback that failed verification (a wrong signature or secret, a missing field),
    /// answered HTTP 400.
    Refused {
        /// The request path.
        path: String,
        /// Why it was refused.
        reason: String,
    },
}

struct Shared {
    config: Config,
    received: Mutex<Vec<Received>>,
    changed: Condvar,
    stop: AtomicBool,
}

/// A merchant's callback endpoints on `127.0.0.1`, for tests: every callback is verified
/// with the merchant's [`Config`] by the SDK's typed notifications, recorded, and answered
/// with their reply builders (what your handler does; this one answers `ok` to everything
/// authentic and HTTP 400 to everything else).
///
/// | URL ([`MerchantServer::url`]) | Verified as |
/// |---|---|
/// | `url("check")` | [`CheckNotification`] |
/// | `url("result")` | [`ResultNotification`] |
/// | `url("refund")` | [`RefundNotification`] |
/// | `url("capture")` | [`CaptureNotification`] |
/// | `url("card_added")` | [`CardAddedNotification`] |
/// | `url("payout_card_added")` | [`PayoutCardAdded`] |
/// | `url("payout_notify")` | [`PayoutNotification`] |
///
/// A thread per connection, one request each; it stops when dropped.
pub struct MerchantServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for MerchantServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// How long the waiting methods of [`MerchantServer`] wait.
pub const WAIT: Duration = Duration::from_secs(10);

impl MerchantServer {
    /// Starts the server on a free port of `127.0.0.1`; it verifies with `config`'s
    /// secrets (its merchant id and secrets; the base URL is not used).
    pub fn start(config: Config) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            received: Mutex::new(Vec::new()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("merchant-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if serving.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = Arc::clone(&serving);
                    std::thread::spawn(move || serve(&shared, addr, stream));
                }
            })?;
        Ok(Self {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of one endpoint: `http://127.0.0.1:PORT/shop/{name}` (see the table above).
    pub fn url(&self, name: &str) -> Url {
        Url::new(format!("http://{}/shop/{name}", self.addr))
            .expect("a loopback URL with a name is valid")
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Received>> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.lock().clone()
    }

    /// Waits at most `timeout` until `find` finds something in what was received.
    pub fn wait_for<T>(
        &self,
        timeout: Duration,
        mut find: impl FnMut(&[Received]) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut received = self.lock();
        loop {
            if let Some(found) = find(&received) {
                return Some(found);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            received = self
                .shared
                .changed
                .wait_timeout(received, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    fn expect<T>(&self, what: &str, find: impl FnMut(&[Received]) -> Option<T>) -> T {
        match self.wait_for(WAIT, find) {
            Some(found) => found,
            None => panic!("no {what} within {WAIT:?}; received {:#?}", self.received()),
        }
    }

    /// The payout notification of `order_id`, waiting for it ([`WAIT`]).
    ///
    /// # Panics
    ///
    /// When none came in time (the message lists what did come).
    pub fn payout_notification(&self, order_id: &str) -> PayoutNotification {
        self.expect("payout notification", |received| {
            received.iter().find_map(|r| match r {
                Received::Payout(n) if n.order_id.as_deref() == Some(order_id) => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The result callback of a payment, waiting for it ([`WAIT`]).
    ///
    /// # Panics
    ///
    /// When none came in time.
    pub fn result(&self, payment_id: PaymentId) -> ResultNotification {
        self.expect("result callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Result(n) if n.payment_id == payment_id => Some(n.as_ref().clone()),
                _ => None,
            })
        })
    }

    /// The check callback of a payment, waiting for it ([`WAIT`]).
    ///
    /// # Panics
    ///
    /// When none came in time.
    pub fn check(&self, payment_id: PaymentId) -> CheckNotification {
        self.expect("check callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Check(n) if n.payment_id == payment_id => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The refund callback of a payment, waiting for it ([`WAIT`]).
    ///
    /// # Panics
    ///
    /// When none came in time.
    pub fn refund(&self, payment_id: PaymentId) -> RefundNotification {
        self.expect("refund callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Refund(n) if n.payment_id == payment_id => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The capture callback of a payment, waiting for it ([`WAIT`]).
    ///
    /// # Panics
    ///
    /// When none came in time.
    pub fn capture(&self, payment_id: PaymentId) -> CaptureNotification {
        self.expect("capture callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Capture(n) if n.payment_id == payment_id => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The callbacks refused (path and reason): empty when every callback verified.
    pub fn refused(&self) -> Vec<(String, String)> {
        self.lock()
            .iter()
            .filter_map(|r| match r {
                Received::Refused { path, reason } => Some((path.clone(), reason.clone())),
                _ => None,
            })
            .collect()
    }
}

impl Drop for MerchantServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One HTTP request as the merchant server reads it.
struct Request {
    path: String,
    query: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// The largest callback body read (a callback is a few kilobytes).
const MAX_BODY: usize = 1 << 20;

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| std::io::Error::other("no request line"))?
        .to_owned();
    let mut length = 0usize;
    let mut content_type = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("the headers were cut off"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value
                    .trim()
                    .parse()
                    .map_err(|_| std::io::Error::other("a bad Content-Length"))?;
            } else if name.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_owned());
            }
        }
    }
    if length > MAX_BODY {
        return Err(std::io::Error::other("the body is too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Ok(Request {
        path: path.to_owned(),
        query: query.to_owned(),
        content_type,
        body,
    })
}

/// Verifies one callback with the typed notification of its endpoint and answers it: the
/// record, the reply body and its content type.
fn answer(
    config: &Config,
    url: &str,
    request: &Request,
) -> Result<(Received, String, &'static str), String> {
    let mut callback = CallbackRequest::new(url, &request.query, &request.body);
    if let Some(content_type) = &request.content_type {
        callback = callback.content_type(content_type);
    }
    let name = request.path.rsplit('/').next().unwrap_or("");
    let fail = |e: &dyn fmt::Display| e.to_string();
    macro_rules! typed {
        ($ty:ident, $variant:expr, |$n:ident| $reply:expr) => {{
            let $n = $ty::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = $reply;
            (
                ($variant)($n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }};
    }
    Ok(match name {
        "check" => typed!(CheckNotification, Received::Check, |n| n.reply_ok(config)),
        "result" => typed!(ResultNotification, |n| Received::Result(Box::new(n)), |n| n
            .reply_ok(config)),
        "refund" => typed!(RefundNotification, Received::Refund, |n| n.reply_ok(config)),
        "capture" => typed!(CaptureNotification, Received::Capture, |n| n
            .reply_ok(config)),
        "card_added" => typed!(CardAddedNotification, Received::CardAdded, |n| n
            .reply_ok(config)),
        "payout_card_added" => {
            typed!(PayoutCardAdded, Received::PayoutCardAdded, |n| n.reply())
        }
        "payout_notify" => typed!(PayoutNotification, Received::Payout, |n| n
            .signed_reply(config)
            .map_err(|e| fail(&e))?),
        other => return Err(format!("no merchant endpoint {other:?}")),
    })
}

fn serve(shared: &Shared, addr: SocketAddr, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(request) = read_request(&stream) else {
        return;
    };
    let url = format!("http://{addr}{}", request.path);
    let (received, status, body, content_type) = match answer(&shared.config, &url, &request) {
        Ok((received, body, content_type)) => (received, "200 OK", body, content_type),
        Err(reason) => (
            Received::Refused {
                path: request.path.clone(),
                reason: reason.clone(),
            },
            "400 Bad Request",
            reason,
            "text/plain; charset=utf-8",
        ),
    };
    // Recorded before answering: once the sandbox has the answer, the test sees the callback.
    shared
        .received
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(received);
    shared.changed.notify_all();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}
