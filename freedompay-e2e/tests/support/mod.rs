//! What every end-to-end test shares: both client flavours behind one type (so that each test
//! runs the very same steps on each), a sandbox on a thread of its own, a small merchant
//! server that answers FreedomPay's callbacks with the core's typed notifications, and the
//! sandbox's control API.
//!
//! A test is a function taking a [`Flavour`]; [`for_both_flavours!`] turns a list of them into
//! one `#[test]` per flavour, so the blocking (ureq) and async (reqwest) clients cannot drift.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use freedompay_async::AsyncClient;
use freedompay_blocking::BlockingClient;
use freedompay_core::notifications::{
    CallbackRequest, CaptureNotification, CardAddedNotification, CheckNotification,
    PayoutCardAdded, PayoutNotification, RefundNotification, ResultNotification,
};
use freedompay_core::{
    Amount, CardNumber, Config, ConfigBuilder, DateTime, Description, Error, ErrorCode, ErrorKind,
    Operation, OrderId, PaymentId, RetryPolicy, Url, UserId,
};
use freedompay_sandbox::{
    ClockMode, Fault, RetrySchedule, SandboxConfig, SandboxThread, SecretKey,
};
use serde_json::{Value, json};

/// The one merchant the sandbox knows.
pub(crate) const MERCHANT_ID: &str = "545000";
/// The payment ("receiving") secret, with non-ASCII characters to exercise UTF-8 signing.
pub(crate) const PAYMENT_SECRET: &str = "e2e-payment-secret-Жк";
/// The payout secret, different from the payment one so that a wrong choice shows.
pub(crate) const PAYOUT_SECRET: &str = "e2e-payout-secret";
/// Sandbox time starts at 2026-01-01 00:00:00 UTC (05:00:00 in the gateway's UTC+5) and moves
/// only when a test advances it.
pub(crate) const START: i64 = 1_767_225_600;
/// "Now" as the sandbox writes dates in replies.
pub(crate) const START_LOCAL: &str = "2026-01-01 05:00:00";
/// How long (sandbox time) a payout stays in `process`.
pub(crate) const PROCESS_DELAY: Duration = Duration::from_secs(30);
/// The client timeout of every test but the latency ones.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);
/// Queries are retried quickly.
pub(crate) const RETRY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    initial_backoff: Duration::from_millis(10),
    max_backoff: Duration::from_millis(40),
};
/// How long a test waits for a callback that the sandbox sends in the background.
const WAIT: Duration = Duration::from_secs(10);

/// The documented test cards (docs/protocol.md §5).
pub(crate) mod cards {
    /// A purchase test card: pays.
    pub(crate) const PURCHASE: &str = "4716047261941981";
    /// Another purchase test card.
    pub(crate) const PURCHASE_2: &str = "4916307416334310";
    /// A valid card number that is no test card: purchases are declined.
    pub(crate) const DECLINED: &str = "4111111111111111";
    /// Payout: success.
    pub(crate) const PAYOUT_SUCCESS: &str = "4671593866478252";
    /// Payout: error 10000.
    pub(crate) const PAYOUT_ERROR_10000: &str = "5325349472901311";
    /// Payout: error 10001.
    pub(crate) const PAYOUT_ERROR_10001: &str = "4556046085041740";
    /// Payout: error 8888.
    pub(crate) const PAYOUT_ERROR_8888: &str = "5543974702876045";
    /// Payout: process, then success.
    pub(crate) const PAYOUT_PROCESS_SUCCESS: &str = "5507841999732294";
    /// Payout: process, then error 10001.
    pub(crate) const PAYOUT_PROCESS_ERROR: &str = "4532676596620704";
}

/// Declares, for each test function `fn name(flavour: Flavour)`, a module `name` with one
/// `#[test]` per client flavour.
macro_rules! for_both_flavours {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[test]
                fn blocking_ureq() {
                    super::$case(crate::support::Flavour::Blocking);
                }

                #[test]
                fn async_reqwest() {
                    super::$case(crate::support::Flavour::Async);
                }
            }
        )*
    };
}
pub(crate) use for_both_flavours;

// ---------------------------------------------------------------------------------------------
// The two flavours behind one client.

/// Which client a test drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `freedompay-blocking` over ureq.
    Blocking,
    /// `freedompay-async` over reqwest, on a tokio runtime of the test's own.
    Async,
}

/// A client of either flavour, with the same methods as both: the generic `call` and one
/// method per operation, generated from the core's lists like the clients' own.
pub(crate) struct Client {
    inner: Inner,
}

enum Inner {
    Blocking(BlockingClient),
    Async {
        client: AsyncClient,
        runtime: tokio::runtime::Runtime,
    },
}

impl Client {
    /// A client of `flavour` over its default transport.
    pub(crate) fn new(flavour: Flavour, config: Config) -> Self {
        let inner = match flavour {
            Flavour::Blocking => Inner::Blocking(BlockingClient::new(config)),
            Flavour::Async => Inner::Async {
                client: AsyncClient::new(config).expect("the reqwest transport starts"),
                runtime: tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime starts"),
            },
        };
        Self { inner }
    }

    /// Calls any operation.
    pub(crate) fn call<O: Operation>(&self, op: O) -> Result<O::Output, Error> {
        match &self.inner {
            Inner::Blocking(client) => client.call(op),
            Inner::Async { client, runtime } => runtime.block_on(client.call(op)),
        }
    }

    /// Calls any JSON operation.
    pub(crate) fn call_json<O: freedompay_core::json::JsonOperation>(
        &self,
        op: O,
    ) -> Result<O::Output, Error> {
        match &self.inner {
            Inner::Blocking(client) => client.call_json(op),
            Inner::Async { client, runtime } => runtime.block_on(client.call_json(op)),
        }
    }
}

impl Client {
    /// The flavour's `reconcile_payout_with`.
    pub(crate) fn reconcile_payout_with(
        &self,
        order_id: OrderId,
        last_attempt_at: std::time::SystemTime,
        policy: freedompay_core::reconcile::ReconcilePolicy,
    ) -> Result<freedompay_core::reconcile::Reconciliation, Error> {
        match &self.inner {
            Inner::Blocking(client) => {
                client.reconcile_payout_with(order_id, last_attempt_at, policy)
            }
            Inner::Async { client, runtime } => {
                runtime.block_on(client.reconcile_payout_with(order_id, last_attempt_at, policy))
            }
        }
    }

    /// The flavour's `reconcile_payment_with`.
    pub(crate) fn reconcile_payment_with(
        &self,
        order_id: OrderId,
        last_attempt_at: std::time::SystemTime,
        policy: freedompay_core::reconcile::ReconcilePolicy,
    ) -> Result<freedompay_core::reconcile::Reconciliation, Error> {
        match &self.inner {
            Inner::Blocking(client) => {
                client.reconcile_payment_with(order_id, last_attempt_at, policy)
            }
            Inner::Async { client, runtime } => {
                runtime.block_on(client.reconcile_payment_with(order_id, last_attempt_at, policy))
            }
        }
    }
}

/// One method per operation, calling the flavour's own generated method.
macro_rules! flavour_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl Client {
            $(
                pub(crate) fn $method(
                    &self,
                    op: $op,
                ) -> Result<$output, Error> {
                    match &self.inner {
                        Inner::Blocking(client) => client.$method(op),
                        Inner::Async { client, runtime } => runtime.block_on(client.$method(op)),
                    }
                }
            )*
        }
    };
}

freedompay_core::for_each_payout_operation!(flavour_methods);
freedompay_core::for_each_payment_operation!(flavour_methods);
freedompay_core::for_each_gateway_operation!(flavour_methods);

/// One method per JSON operation, calling the flavour's own generated method.
macro_rules! flavour_json_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl Client {
            $(
                #[allow(dead_code)]
                pub(crate) fn $method(&self, op: $op) -> Result<$output, Error> {
                    match &self.inner {
                        Inner::Blocking(client) => client.$method(op),
                        Inner::Async { client, runtime } => runtime.block_on(client.$method(op)),
                    }
                }
            )*
        }
    };
}
freedompay_core::for_each_json_operation!(flavour_json_methods);

/// The client configuration of the tests, pointed at `base_url`.
pub(crate) fn client_config(base_url: &str) -> ConfigBuilder {
    Config::builder()
        .merchant_id(MERCHANT_ID)
        .secret_key(PAYMENT_SECRET)
        .payout_secret_key(PAYOUT_SECRET)
        .base_url(base_url)
        .timeout(TIMEOUT)
        .retry(RETRY)
}

/// The sandbox configuration of the tests: a fixed clock, an unknown element in every third
/// reply (clients must ignore it), quick callback timeouts.
pub(crate) fn sandbox_config() -> SandboxConfig {
    SandboxConfig::new(
        MERCHANT_ID,
        SecretKey::new(PAYMENT_SECRET).expect("a secret"),
    )
    .payout_secret_key(SecretKey::new(PAYOUT_SECRET).expect("a secret"))
    .clock(ClockMode::Fixed(START))
    .unknown_element_every(3)
    .callback_retry(RetrySchedule {
        interval: Duration::from_secs(60),
        retries: 2,
    })
    .payout_process_delay(PROCESS_DELAY)
    .callback_timeout(Duration::from_secs(3))
}

// ---------------------------------------------------------------------------------------------
// The environment of one test.

/// A sandbox, a merchant server and a client of one flavour.
pub(crate) struct Env {
    pub(crate) flavour: Flavour,
    pub(crate) sandbox: SandboxThread,
    pub(crate) merchant: Merchant,
    pub(crate) client: Client,
    control: ureq::Agent,
}

impl Env {
    /// The default sandbox and client.
    pub(crate) fn start(flavour: Flavour) -> Self {
        Self::start_with(flavour, |sandbox| sandbox, |client| client)
    }

    /// With changes to the sandbox's and the client's configurations.
    pub(crate) fn start_with(
        flavour: Flavour,
        sandbox: impl FnOnce(SandboxConfig) -> SandboxConfig,
        client: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
    ) -> Self {
        let sandbox = SandboxThread::start(sandbox(sandbox_config())).expect("the sandbox starts");
        let config = client(client_config(sandbox.base_url()))
            .build()
            .expect("a valid client config");
        let control = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Self {
            flavour,
            merchant: Merchant::start(),
            client: Client::new(flavour, config),
            sandbox,
            control,
        }
    }

    /// Another client of the same flavour, its configuration changed (a wrong secret...).
    pub(crate) fn client_with(
        &self,
        change: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
    ) -> Client {
        let config = change(client_config(self.sandbox.base_url()))
            .build()
            .expect("a valid client config");
        Client::new(self.flavour, config)
    }

    /// An absolute URL on the sandbox.
    pub(crate) fn sandbox_url(&self, path: &str) -> String {
        self.sandbox.url(path)
    }

    /// The merchant balance, in minor units, as the sandbox keeps it.
    pub(crate) fn balance(&self) -> i64 {
        self.sandbox.balance_minor()
    }

    /// Moves sandbox time; the number of callbacks this sent (their first attempts are over).
    pub(crate) fn advance(&self, by: Duration) -> usize {
        self.sandbox.advance(by)
    }

    /// Sets a fault on one API path.
    pub(crate) fn set_fault(&self, path: &str, fault: Fault) {
        self.sandbox.set_fault(Some(path), fault);
    }

    /// Removes every fault.
    pub(crate) fn clear_faults(&self) {
        self.sandbox.clear_faults();
    }

    /// How many more requests the counted fault on `path` applies to (`None` once used up):
    /// a fault set with `count: Some(n)` tells how many requests the sandbox received.
    pub(crate) fn fault_uses_left(&self, path: &str) -> Option<u64> {
        let faults = self.control_get("/_sandbox/faults");
        faults
            .as_array()
            .expect("a list of faults")
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["fault"]["count"].as_u64().expect("a counted fault"))
    }

    fn control_request(&self, path: &str, body: Option<Value>) -> Value {
        let url = self.sandbox.url(path);
        let result = match &body {
            Some(body) => self
                .control
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            None => self.control.get(&url).call(),
        };
        let mut response = result.unwrap_or_else(|e| panic!("control API {path}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .unwrap_or_else(|e| panic!("control API {path}: {e}"));
        assert_eq!(status, 200, "control API {path} answered {status}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("control API {path}: {e}: {text}"))
    }

    fn control_get(&self, path: &str) -> Value {
        self.control_request(path, None)
    }

    fn control_post(&self, path: &str, body: Value) -> Value {
        self.control_request(path, Some(body))
    }

    /// Pays a payment as its page would, with `card`; the control API's answer (`status`,
    /// `failure_code`, `redirect_url`, `payment`). The check and result callbacks are answered
    /// by the time it returns.
    pub(crate) fn pay_payment(&self, id: PaymentId, card: &str) -> Value {
        self.pay_payment_with(id, json!({ "card": card }))
    }

    /// [`Env::pay_payment`] with the whole body (`amount` for any-amount pages...).
    pub(crate) fn pay_payment_with(&self, id: PaymentId, body: Value) -> Value {
        self.control_post(&format!("/_sandbox/payments/{id}/pay"), body)
    }

    /// The recipient of a `reg2nonreg` payout page types `card`; the payout as the sandbox
    /// keeps it (its notification is answered by the time it returns).
    pub(crate) fn pay_payout_page(&self, id: PaymentId, card: &str) -> Value {
        self.control_post(
            &format!("/_sandbox/payouts/{id}/pay"),
            json!({ "card": card }),
        )
    }

    /// Ends a payout in `process` (`{"status": "success"}`, `{"status": "error", "code": N}`).
    pub(crate) fn complete_payout(&self, id: PaymentId, body: Value) -> Value {
        self.control_post(&format!("/_sandbox/payouts/{id}/complete"), body)
    }

    /// Submits a card-add page with `card`; the saved card's token.
    pub(crate) fn add_card_page(&self, id: PaymentId, card: &str) -> String {
        let added = self.control_post(
            &format!("/_sandbox/cards/{id}/add"),
            json!({ "card": card }),
        );
        added["card_token"]
            .as_str()
            .expect("the card-add page answers a token")
            .to_owned()
    }

    /// A payment as the sandbox keeps it.
    pub(crate) fn sandbox_payment(&self, id: PaymentId) -> Value {
        self.control_get(&format!("/_sandbox/payments/{id}"))
    }

    /// The payouts the sandbox holds for an order id.
    pub(crate) fn sandbox_payouts(&self, order_id: &str) -> Vec<Value> {
        self.control_get("/_sandbox/payouts")
            .as_array()
            .expect("a list of payouts")
            .iter()
            .filter(|p| p["order_id"] == order_id)
            .cloned()
            .collect()
    }

    /// Every callback the sandbox sent, with its attempts.
    pub(crate) fn callbacks(&self) -> Vec<Value> {
        self.control_get("/_sandbox/callbacks")
            .as_array()
            .expect("a list of callbacks")
            .clone()
    }

    /// Waits until the sandbox counts the callback of `kind` about `subject` as delivered
    /// (HTTP 200 and a reply it verified), and checks that the merchant answered `ok` at the
    /// first attempt.
    pub(crate) fn assert_delivered(&self, kind: &str, subject: PaymentId) {
        let deadline = Instant::now() + WAIT;
        loop {
            let callbacks = self.callbacks();
            let found = callbacks
                .iter()
                .find(|c| c["kind"] == kind && c["subject_id"] == subject.get());
            if let Some(callback) = found
                && callback["state"] == "delivered"
            {
                let attempts = callback["attempts"].as_array().expect("attempts");
                assert_eq!(attempts.len(), 1, "{kind} callback: {callback:#}");
                assert_eq!(attempts[0]["http_status"], 200, "{callback:#}");
                assert_eq!(attempts[0]["reply_status"], "ok", "{callback:#}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no delivered {kind} callback about {subject}: {callbacks:#?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values.

/// An order id.
pub(crate) fn order(text: &str) -> OrderId {
    OrderId::new(text).expect("a valid order id")
}

/// An amount.
pub(crate) fn amount(text: &str) -> Amount {
    Amount::parse(text).expect("a valid amount")
}

/// An amount in minor units.
pub(crate) fn minor(text: &str) -> i64 {
    amount(text).minor_units()
}

/// A description.
pub(crate) fn description(text: &str) -> Description {
    Description::new(text).expect("a valid description")
}

/// A card number.
pub(crate) fn card(pan: &str) -> CardNumber {
    CardNumber::parse(pan).expect("a valid card number")
}

/// A user id.
pub(crate) fn user(text: &str) -> UserId {
    UserId::new(text).expect("a valid user id")
}

/// A payout's time limit, a day after the sandbox's start.
pub(crate) fn time_limit() -> DateTime {
    DateTime::new(2026, 1, 2, 5, 0, 0).expect("a valid date")
}

/// A card number as the sandbox masks it: `4671-59XX-XXXX-8252`.
pub(crate) fn masked(pan: &str) -> String {
    format!(
        "{}-{}XX-XXXX-{}",
        &pan[..4],
        &pan[4..6],
        &pan[pan.len() - 4..]
    )
}

/// The code of a signed gateway error, failing the test on any other error.
pub(crate) fn gateway_code(error: &Error) -> ErrorCode {
    match error.kind() {
        ErrorKind::Gateway(gateway) => gateway.code().expect("a numeric pg_error_code"),
        other => panic!("expected a signed gateway error, got {other:?} ({error})"),
    }
}

/// A port on loopback that nothing listens on.
pub(crate) fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

// ---------------------------------------------------------------------------------------------
// The merchant server.

/// What the merchant server received, verified and typed.
#[derive(Debug, Clone)]
pub(crate) enum Received {
    /// At `/shop/check`, answered `ok`.
    Check(CheckNotification),
    /// At `/shop/result`, answered `ok` (boxed: it is by far the largest).
    Result(Box<ResultNotification>),
    /// At `/shop/refund`, answered `ok`.
    Refund(RefundNotification),
    /// At `/shop/capture`, answered `ok`.
    Capture(CaptureNotification),
    /// At `/shop/card_added` (a card saved for purchases), answered `ok`.
    CardAdded(CardAddedNotification),
    /// At `/shop/payout_card_added` (a card saved for payouts), answered with the documented
    /// unsigned `ok`.
    PayoutCardAdded(PayoutCardAdded),
    /// At `/shop/payout_notify`, answered with the signed `ok`.
    Payout(PayoutNotification),
    /// At `/shop/3ds_return` (a 3-D Secure `TermUrl`): what the issuer's ACS posted back
    /// through the payer's browser, answered with a page.
    AcsReturn {
        /// `MD`.
        md: String,
        /// `PaRes`.
        pa_res: String,
    },
    /// Anything that failed verification, answered HTTP 400.
    Refused {
        /// The request path.
        path: String,
        /// Why.
        reason: String,
    },
}

struct Shared {
    config: Config,
    received: Mutex<Vec<Received>>,
    changed: Condvar,
    stop: AtomicBool,
}

/// A merchant's callback endpoint on loopback (a thread per connection, one request each),
/// verifying every callback with the merchant's config and answering with the core's reply
/// builders.
pub(crate) struct Merchant {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Merchant {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("the merchant server binds");
        let addr = listener.local_addr().expect("an address");
        let config = Config::builder()
            .merchant_id(MERCHANT_ID)
            .secret_key(PAYMENT_SECRET)
            .payout_secret_key(PAYOUT_SECRET)
            .build()
            .expect("the merchant's config");
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
            })
            .expect("the merchant thread starts");
        Self {
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// The URL of one of the merchant's endpoints (`check`, `result`, `payout_notify`...).
    pub(crate) fn url(&self, name: &str) -> Url {
        Url::new(format!("http://{}/shop/{name}", self.addr)).expect("a valid URL")
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Received>> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything received so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.lock().clone()
    }

    /// Waits (at most 10 s) until `find` finds something in what was received.
    pub(crate) fn wait_for<T>(
        &self,
        what: &str,
        mut find: impl FnMut(&[Received]) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + WAIT;
        let mut received = self.lock();
        loop {
            if let Some(found) = find(&received) {
                return found;
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "no {what} within {WAIT:?}; got {received:#?}"
            );
            received = self
                .shared
                .changed
                .wait_timeout(received, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// The payout notification of `order_id` (waiting for it).
    pub(crate) fn payout_notification(&self, order_id: &str) -> PayoutNotification {
        self.wait_for("payout notification", |received| {
            received.iter().find_map(|r| match r {
                Received::Payout(n) if n.order_id.as_deref() == Some(order_id) => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// How many payout notifications came for `order_id`.
    pub(crate) fn payout_notifications(&self, order_id: &str) -> usize {
        self.lock()
            .iter()
            .filter(|r| matches!(r, Received::Payout(n) if n.order_id.as_deref() == Some(order_id)))
            .count()
    }

    /// The check callback of a payment (waiting for it).
    pub(crate) fn check(&self, payment: PaymentId) -> CheckNotification {
        self.wait_for("check callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Check(n) if n.payment_id == payment => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// Whether a check callback came for a payment.
    pub(crate) fn has_check(&self, payment: PaymentId) -> bool {
        self.lock()
            .iter()
            .any(|r| matches!(r, Received::Check(n) if n.payment_id == payment))
    }

    /// The result callback of a payment (waiting for it).
    pub(crate) fn result(&self, payment: PaymentId) -> ResultNotification {
        self.wait_for("result callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Result(n) if n.payment_id == payment => Some(n.as_ref().clone()),
                _ => None,
            })
        })
    }

    /// The refund callback of a payment (waiting for it).
    pub(crate) fn refund(&self, payment: PaymentId) -> RefundNotification {
        self.wait_for("refund callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Refund(n) if n.payment_id == payment => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The capture callback of a payment (waiting for it).
    pub(crate) fn capture(&self, payment: PaymentId) -> CaptureNotification {
        self.wait_for("capture callback", |received| {
            received.iter().find_map(|r| match r {
                Received::Capture(n) if n.payment_id == payment => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The card-added callback (purchases) of a user (waiting for it).
    pub(crate) fn card_added(&self, user_id: &str) -> CardAddedNotification {
        self.wait_for("card-added callback", |received| {
            received.iter().find_map(|r| match r {
                Received::CardAdded(n) if n.user_id.as_deref() == Some(user_id) => Some(n.clone()),
                _ => None,
            })
        })
    }

    /// The card-added callback (payouts) of a user (waiting for it).
    pub(crate) fn payout_card_added(&self, user_id: &str) -> PayoutCardAdded {
        self.wait_for("payout card-added callback", |received| {
            received.iter().find_map(|r| match r {
                Received::PayoutCardAdded(n) if n.user_id.as_deref() == Some(user_id) => {
                    Some(n.clone())
                }
                _ => None,
            })
        })
    }

    /// The `PaRes` the ACS posted to the `TermUrl` for `md` (waiting for it).
    pub(crate) fn acs_return(&self, md: &str) -> String {
        self.wait_for("3-D Secure return", |received| {
            received.iter().find_map(|r| match r {
                Received::AcsReturn { md: m, pa_res } if m == md => Some(pa_res.clone()),
                _ => None,
            })
        })
    }

    /// Fails the test if any callback failed verification.
    pub(crate) fn assert_nothing_refused(&self) {
        let refused: Vec<Received> = self
            .lock()
            .iter()
            .filter(|r| matches!(r, Received::Refused { .. }))
            .cloned()
            .collect();
        assert!(refused.is_empty(), "callbacks refused: {refused:#?}");
    }
}

impl Drop for Merchant {
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
    /// The `Content-Type` header, when there was one.
    content_type: Option<String>,
    body: Vec<u8>,
}

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

/// Verifies one callback with the typed notification of its endpoint and answers it.
fn answer(
    config: &Config,
    url: &str,
    request: &Request,
) -> Result<(Received, String, &'static str), String> {
    // What a web framework hands over: the URL, the query, the Content-Type, the body.
    let mut callback = CallbackRequest::new(url, &request.query, &request.body);
    if let Some(content_type) = &request.content_type {
        callback = callback.content_type(content_type);
    }
    let name = request.path.rsplit('/').next().unwrap_or("");
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    Ok(match name {
        "check" => {
            let n = CheckNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply_ok(config);
            (
                Received::Check(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "result" => {
            let n = ResultNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply_ok(config);
            (
                Received::Result(Box::new(n)),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "refund" => {
            let n = RefundNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply_ok(config);
            (
                Received::Refund(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "capture" => {
            let n = CaptureNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply_ok(config);
            (
                Received::Capture(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "card_added" => {
            let n =
                CardAddedNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply_ok(config);
            (
                Received::CardAdded(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "payout_card_added" => {
            let n = PayoutCardAdded::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.reply();
            (
                Received::PayoutCardAdded(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "payout_notify" => {
            let n = PayoutNotification::verify_request(callback, config).map_err(|e| fail(&e))?;
            let reply = n.signed_reply(config).map_err(|e| fail(&e))?;
            (
                Received::Payout(n),
                reply.body().to_owned(),
                reply.content_type(),
            )
        }
        "3ds_return" => {
            let form = freedompay_core::form::decode(&request.body).map_err(|e| fail(&e))?;
            let field = |name: &str| {
                form.text(name)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("no {name} in the 3-D Secure return"))
            };
            (
                Received::AcsReturn {
                    md: field("MD")?,
                    pa_res: field("PaRes")?,
                },
                "<html><body>Thank you: back at the shop.</body></html>".to_owned(),
                "text/html; charset=utf-8",
            )
        }
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
    {
        let mut all = shared
            .received
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        all.push(received);
    }
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
