//! The async client: the core's driver over a transport and a timer.

use core::fmt;
use std::sync::Arc;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use std::time::{Instant, SystemTime};

use freedompay_core::json::JsonOperation;
use freedompay_core::{Config, Error, Operation, driver};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use freedompay_core::{
    Lookup, OrderId,
    payment::PaymentStatus,
    payout::{PayoutStatus, PayoutStatusByOrder},
    reconcile::{Observation, ReconcilePolicy, ReconcileStep, Reconciler, Reconciliation},
};
use freedompay_sign::SaltSource;
use freedompay_transport::Transport;

use crate::sleep::{DefaultSleep, Sleep};

/// The async FreedomPay client: one method per operation, over any [`Transport`].
///
/// Cheap to clone (the config, transport and salt source are shared); make one per merchant
/// configuration and share it. Every method is the generic [`AsyncClient::call`] with the
/// operation's type, generated from the core's lists of operations, so the blocking client
/// (`freedompay-blocking`) has exactly the same method names and argument types.
///
/// ```
/// use freedompay_async::{AsyncClient, Config, HttpRequest, HttpResponse, TransportError, payout::Balance, transport_fn};
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret").payout_secret_key("payout-secret").build()?;
/// // Any transport; this one answers like a gateway that does not know the merchant.
/// let transport = transport_fn(|_request: HttpRequest| async {
///     Ok::<_, TransportError>(HttpResponse::new(200, b"<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code></response>".to_vec()))
/// });
/// let client = AsyncClient::with_transport(config, transport);
/// # let _ = &client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    config: Arc<Config>,
    transport: Arc<dyn Transport>,
    salts: Arc<dyn SaltSource + Send + Sync>,
    sleep: Arc<dyn Sleep>,
}

impl AsyncClient {
    /// A client over the default transport, [`ReqwestTransport`](crate::ReqwestTransport)
    /// (rustls, no redirects, the config's timeout on every request).
    ///
    /// Fails only when the HTTP stack cannot be set up (its TLS backend).
    #[cfg(feature = "reqwest")]
    pub fn new(config: Config) -> Result<Self, freedompay_transport::TransportError> {
        Ok(Self::with_transport(
            config,
            crate::ReqwestTransport::new()?,
        ))
    }

    /// A client over your own transport: a type implementing [`Transport`], or a closure
    /// made one with [`transport_fn`](crate::transport_fn). Salts come from the operating
    /// system's randomness ([`OsSaltSource`](crate::OsSaltSource), feature `os-rng`, on by
    /// default; on `wasm32-unknown-unknown` it needs the feature `wasm_js`, or use
    /// [`AsyncClient::with_salts`]).
    #[cfg(feature = "os-rng")]
    pub fn with_transport(config: Config, transport: impl Transport + 'static) -> Self {
        Self::with_salts(config, transport, freedompay_core::ChaChaSaltSource::new())
    }

    /// A client over your own transport with salts from `salts`: for builds without the
    /// `os-rng` feature (WebAssembly without a JavaScript host, where the operating system's
    /// randomness is not reachable), or a fixed [`Salt`](crate::Salt) in tests.
    ///
    /// ```
    /// use freedompay_async::{AsyncClient, Config, HttpRequest, HttpResponse, Salt, TransportError, transport_fn};
    ///
    /// let config = Config::builder().merchant_id("123456").secret_key("secret").build()?;
    /// let transport = transport_fn(|_request: HttpRequest| async {
    ///     Ok::<_, TransportError>(HttpResponse::new(502, Vec::new()))
    /// });
    /// // Any `SaltSource`: a fixed salt, or a closure over your runtime's randomness.
    /// let client = AsyncClient::with_salts(config, transport, Salt::new("fixedSalt1")?);
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_salts(
        config: Config,
        transport: impl Transport + 'static,
        salts: impl SaltSource + Send + Sync + 'static,
    ) -> Self {
        Self {
            config: Arc::new(config),
            transport: Arc::new(transport),
            salts: Arc::new(salts),
            sleep: Arc::new(DefaultSleep),
        }
    }

    /// Replaces how the client waits between retries and between reconciliation queries
    /// (the default is [`DefaultSleep`](crate::DefaultSleep)): your runtime's timer, through
    /// [`sleep_fn`](crate::sleep_fn) or a type implementing [`Sleep`](crate::Sleep).
    pub fn with_sleep(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// Replaces where `pg_salt` values come from (the default is
    /// [`ChaChaSaltSource`](crate::ChaChaSaltSource), 16 random characters from a stream
    /// seeded once from the OS; [`OsSaltSource`](crate::OsSaltSource) asks the OS for each
    /// salt): a fixed [`Salt`](crate::Salt) makes requests reproducible in tests.
    pub fn with_salt_source(mut self, salts: impl SaltSource + Send + Sync + 'static) -> Self {
        self.salts = Arc::new(salts);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Calls any operation, the SDK's or one you implemented: signs the request, sends it,
    /// verifies the reply and retries where that is safe (queries; never a money-moving call
    /// that may have reached the gateway).
    ///
    /// The future is `Send` when the operation and its output are.
    pub async fn call<O: Operation>(&self, op: O) -> Result<O::Output, Error> {
        // The loop over the core's `Exchange` and its tracing: `freedompay_core::driver`.
        let transport = &*self.transport;
        let sleep = &*self.sleep;
        driver::call(
            &self.config,
            &*self.salts,
            op,
            move |request| transport.send(request),
            move |delay| sleep.sleep(delay),
        )
        .await
    }
}

impl AsyncClient {
    /// Calls any operation of the `/v5` JSON APIs (Invoice, Gateway Async, Card, Partner),
    /// the SDK's or one you declared ([`json_operation!`](freedompay_core::json_operation)),
    /// or a raw [`JsonCall`](freedompay_core::json::JsonCall): serialises and signs the body
    /// once (its detached JWS in `X-JWS-Signature`), sends it with a fresh request id (a
    /// UUID v7, the same on every attempt), verifies the reply where it is signed, and retries
    /// where that is safe (queries; never a money-moving call that may have reached the
    /// gateway).
    pub async fn call_json<O: JsonOperation>(&self, op: O) -> Result<O::Output, Error> {
        let request_id = self.new_request_id()?;
        let transport = &*self.transport;
        let sleep = &*self.sleep;
        driver::call_json(
            &self.config,
            request_id,
            op,
            move |request| transport.send(request),
            move |delay| sleep.sleep(delay),
        )
        .await
    }
}

impl AsyncClient {
    /// A fresh request id: a UUID v7 with 10 random bytes, from the operating system's
    /// randomness (feature `os-rng`) or, without it, from the client's salt source (the
    /// randomness the user gave [`AsyncClient::with_salts`]) mixed with a process-wide call
    /// counter, so that two calls never share an id even when the salt source repeats itself
    /// (a fixed [`Salt`](crate::Salt) in tests, or the same salt drawn twice): the gateway
    /// deduplicates by request id, and a repeated id would make it answer a new payment with an
    /// earlier one's reply.
    fn new_request_id(&self) -> Result<freedompay_core::json::RequestId, Error> {
        #[cfg(feature = "os-rng")]
        return driver::os_request_id();
        #[cfg(not(feature = "os-rng"))]
        {
            let salt = self.salts.next_salt().map_err(|_| {
                Error::from(freedompay_core::InvalidInput::new(
                    "X-Request-Id",
                    "no request id could be drawn (the source of randomness failed)",
                ))
            })?;
            Ok(driver::new_request_id(salted_random(
                salt.as_str().as_bytes(),
                next_call_number(),
            )))
        }
    }
}

/// The next number of a process-wide call counter (a request id's unique part when the random
/// part comes from a salt source that may repeat itself).
#[cfg(any(test, not(feature = "os-rng")))]
fn next_call_number() -> u64 {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The 10 random bytes of a request id from a salt's bytes (cycled) with `call` XORed into the
/// last 7 (which the UUID's version and variant bits leave whole): distinct calls give distinct
/// bytes whatever the salt, for 2^56 calls.
#[cfg(any(test, not(feature = "os-rng")))]
fn salted_random(salt: &[u8], call: u64) -> [u8; 10] {
    let mut random = [0u8; 10];
    for (slot, byte) in random.iter_mut().zip(salt.iter().copied().cycle()) {
        *slot = byte;
    }
    for (slot, byte) in random[3..].iter_mut().zip(call.to_be_bytes()[1..].iter()) {
        *slot ^= byte;
    }
    random
}

/// Reconciliation reads the system clock, which `wasm32-unknown-unknown` does not have
/// (`std::time::Instant` panics there): on that target, drive the core's
/// [`Reconciler`](freedompay_core::reconcile::Reconciler) with your runtime's clock instead.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl AsyncClient {
    /// Finds out what became of a payout whose outcome is unknown
    /// ([`Error::outcome_unknown`]): asks its status by order id
    /// ([`PayoutStatusByOrder`], `api/payment_status2`) with backoff, within
    /// [`ReconcilePolicy::default`]'s deadline (90 s), and answers
    /// [`Reconciliation::Paid`], [`Reconciliation::Failed`] (with the code),
    /// [`Reconciliation::InFlight`] or [`Reconciliation::NeverArrived`]. A failed payout's
    /// code is read with one more query by its payment id ([`PayoutStatus`]).
    ///
    /// `last_attempt_at` is when the payout was last sent (its last attempt; a time saved
    /// before sending is safe, a later one is not). "Not found" proves the payout never
    /// arrived only a minute or more after that (docs.freedompay.kg api-13677854): asked
    /// sooner, the reconciliation waits for the minute, and answers `InFlight` if its deadline
    /// comes first. Only `NeverArrived` allows sending the payout again.
    ///
    /// An error is returned when the status query itself cannot be made (a configuration
    /// mistake at once; network or gateway failures once the deadline has passed): the
    /// outcome is then still unknown.
    pub async fn reconcile_payout(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
    ) -> Result<Reconciliation, Error> {
        self.reconcile_payout_with(order_id, last_attempt_at, ReconcilePolicy::default())
            .await
    }

    /// [`AsyncClient::reconcile_payout`] with its own deadline and intervals.
    pub async fn reconcile_payout_with(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
        policy: ReconcilePolicy,
    ) -> Result<Reconciliation, Error> {
        let answer = self
            .reconcile(last_attempt_at, policy, |since| {
                PayoutStatusByOrder::new(order_id.clone()).since_last_attempt(since)
            })
            .await?;
        // `api/payment_status2` has no failure code; `api/payment_status` by id has.
        let Some(payment_id) = answer.failure_code_wanted() else {
            return Ok(answer);
        };
        match self.call(PayoutStatus::new(payment_id)).await {
            Ok(Lookup::Found(info)) => {
                Ok(answer.with_failure(info.failure_code, info.failure_description))
            }
            _ => Ok(answer),
        }
    }

    /// Finds out what became of a payment request (`init_payment.php` and the other
    /// money-moving payment calls that carry an order id) whose outcome is unknown: asks
    /// `get_status3.php` **by order id** (`pg_order_id`; the gateway answers with the last
    /// payment made with it), by the same rules as [`AsyncClient::reconcile_payout`].
    ///
    /// By order id, because after an unknown outcome the payment id may never have been
    /// received. `Paid` covers `success`/`ok` and payments refunded or revoked since;
    /// `Failed` covers `failed`, `error` and `incomplete`; `new`, `pending` and `process`
    /// (the payer has not paid yet) stay `InFlight` at the deadline.
    pub async fn reconcile_payment(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
    ) -> Result<Reconciliation, Error> {
        self.reconcile_payment_with(order_id, last_attempt_at, ReconcilePolicy::default())
            .await
    }

    /// [`AsyncClient::reconcile_payment`] with its own deadline and intervals.
    pub async fn reconcile_payment_with(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
        policy: ReconcilePolicy,
    ) -> Result<Reconciliation, Error> {
        self.reconcile(last_attempt_at, policy, |since| {
            PaymentStatus::by_order_id(order_id.clone()).since_last_attempt(since)
        })
        .await
    }

    /// The reconciliation loop: the decisions are the core's [`Reconciler`]; this only asks,
    /// reads the clock and sleeps.
    async fn reconcile<O>(
        &self,
        last_attempt_at: SystemTime,
        policy: ReconcilePolicy,
        query: impl Fn(std::time::Duration) -> O,
    ) -> Result<Reconciliation, Error>
    where
        O: Operation,
        Observation: From<O::Output>,
    {
        // A last attempt "in the future" (clocks) counts as just now: never conclusive early.
        let since = SystemTime::now()
            .duration_since(last_attempt_at)
            .unwrap_or_default();
        let mut reconciler = Reconciler::new(since, policy);
        let start = Instant::now();
        loop {
            let op = query(reconciler.since_last_attempt(start.elapsed()));
            let step = match self.call(op).await {
                Ok(answer) => reconciler.observe(Observation::from(answer), start.elapsed()),
                Err(error) => reconciler.observe_error(error, start.elapsed()),
            };
            match step {
                ReconcileStep::Wait(wait) => self.sleep.sleep(wait).await,
                ReconcileStep::Done(result) => return result,
            }
        }
    }
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// One async method per operation, from the core's lists (`for_each_*_operation!`).
macro_rules! operation_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl AsyncClient {
            $(
                #[doc = concat!(
                    "Calls the `", stringify!($method), "` operation: sends the operation ",
                    "value, verifies the reply and returns its typed result.\n\n",
                    "The same as [`AsyncClient::call`] with this operation; see the ",
                    "argument's type for the endpoint, its fields and its retry rule.",
                )]
                pub async fn $method(
                    &self,
                    op: $op,
                ) -> Result<$output, Error> {
                    self.call(op).await
                }
            )*
        }
    };
}

/// One async method per JSON operation, from the core's list (`for_each_json_operation!`).
macro_rules! json_operation_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl AsyncClient {
            $(
                #[doc = concat!(
                    "Calls the `", stringify!($method), "` JSON operation: signs and sends ",
                    "the operation value, verifies the reply and returns its typed result.\n\n",
                    "The same as [`AsyncClient::call_json`] with this operation; see the ",
                    "argument's type for the endpoint, its fields and its retry rule.",
                )]
                pub async fn $method(&self, op: $op) -> Result<$output, Error> {
                    self.call_json(op).await
                }
            )*
        }
    };
}

freedompay_core::for_each_payout_operation!(operation_methods);
freedompay_core::for_each_payment_operation!(operation_methods);
freedompay_core::for_each_gateway_operation!(operation_methods);
freedompay_core::for_each_json_operation!(json_operation_methods);

#[cfg(test)]
mod tests {
    use super::*;
    use freedompay_transport::{HttpRequest, HttpResponse, TransportError, transport_fn};

    fn assert_send<T: Send>(_: &T) {}

    /// With a salt source that repeats itself (a fixed salt), every call still gets its own
    /// request id: the counter makes the random part differ, and the UUID's version and
    /// variant bits do not eat it.
    #[test]
    fn request_ids_from_a_fixed_salt_differ() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let random = salted_random(b"fixedSalt1", next_call_number());
            let id = driver::new_request_id(random);
            let text = id.as_str().to_owned();
            assert_eq!(text.len(), 36);
            assert_eq!(&text[14..15], "7", "version 7: {text}");
            assert!(seen.insert(text.clone()), "repeated request id {text}");
        }
        // Distinct counters give distinct bytes whatever the salt, even a one-byte one.
        assert_ne!(salted_random(b"a", 1), salted_random(b"a", 2));
        assert_ne!(salted_random(b"a", 1), salted_random(b"a", 1 << 40));
    }

    /// The reconciliation futures can be spawned on a multi-threaded runtime.
    #[test]
    fn reconcile_futures_are_send() {
        let config = Config::builder()
            .merchant_id("123456")
            .secret_key("pay")
            .payout_secret_key("payout")
            .build()
            .unwrap();
        let transport = transport_fn(|_request: HttpRequest| async {
            Ok::<_, TransportError>(HttpResponse::new(500, Vec::new()))
        });
        let client = AsyncClient::with_transport(config, transport);
        let order = OrderId::new("order-1").unwrap();
        let payout = client.reconcile_payout(order.clone(), SystemTime::now());
        assert_send(&payout);
        let payment = client.reconcile_payment(order, SystemTime::now());
        assert_send(&payment);
    }
}
