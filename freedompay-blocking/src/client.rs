//! The blocking client: the core's driver, run on the calling thread.

use core::fmt;
use core::future::ready;
use core::time::Duration;
use std::sync::Arc;

use std::time::{Instant, SystemTime};

use freedompay_core::json::JsonOperation;
use freedompay_core::payment::PaymentStatus;
use freedompay_core::payout::{PayoutStatus, PayoutStatusByOrder};
use freedompay_core::reconcile::{
    Observation, ReconcilePolicy, ReconcileStep, Reconciler, Reconciliation,
};
use freedompay_core::{ChaChaSaltSource, Config, Error, Lookup, Operation, OrderId, driver};
use freedompay_sign::SaltSource;
use freedompay_transport::{
    HttpRequest, HttpResponse, SendState, Transport, TransportError, TransportErrorKind,
};

use crate::block_on::{block_on, block_on_pinned};

/// How long past a request's own timeout the client waits for a transport that does not
/// finish: the transport should have ended the exchange at its timeout already.
const TRANSPORT_GRACE: Duration = Duration::from_secs(5);

/// The blocking FreedomPay client: one method per operation, over any [`Transport`], with
/// no async runtime.
///
/// Cheap to clone (the config, transport and salt source are shared) and `Send + Sync`:
/// share one across threads. Every method is the generic [`BlockingClient::call`] with the
/// operation's type, generated from the core's lists of operations, so the async client
/// (`freedompay-async`) has exactly the same method names and argument types.
///
/// ```
/// use freedompay_blocking::{BlockingClient, Config, ErrorKind, HttpRequest, HttpResponse, TransportError, blocking_fn, payout::Balance};
///
/// let config = Config::builder().merchant_id("123456").secret_key("secret").payout_secret_key("payout-secret").build()?;
/// // Any transport; this one answers like a gateway that does not know the merchant.
/// let transport = blocking_fn(|_request: HttpRequest| {
///     Ok::<_, TransportError>(HttpResponse::new(200, b"<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code></response>".to_vec()))
/// });
/// let client = BlockingClient::with_transport(config, transport);
/// let error = client.balance(Balance::new()).unwrap_err();
/// assert!(matches!(error.kind(), ErrorKind::Unsigned(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct BlockingClient {
    config: Arc<Config>,
    transport: Arc<dyn Transport>,
    salts: Arc<dyn SaltSource + Send + Sync>,
}

impl BlockingClient {
    /// A client over the default transport, [`UreqTransport`](crate::UreqTransport)
    /// (rustls, no redirects, the config's timeout on every request).
    #[cfg(feature = "ureq")]
    pub fn new(config: Config) -> Self {
        Self::with_transport(config, crate::UreqTransport::new())
    }

    /// A client over your own transport: a type implementing [`Transport`], or a closure
    /// made one with [`blocking_fn`](crate::blocking_fn).
    pub fn with_transport(config: Config, transport: impl Transport + 'static) -> Self {
        Self {
            config: Arc::new(config),
            transport: Arc::new(transport),
            salts: Arc::new(ChaChaSaltSource::new()),
        }
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
    /// that may have reached the gateway). Backoff between retries sleeps this thread.
    pub fn call<O: Operation>(&self, op: O) -> Result<O::Output, Error> {
        // The loop over the core's `Exchange` and its tracing: `freedompay_core::driver`. Every
        // future it is given is ready at once (the request is sent and the backoff slept
        // here), so the call ends on its first poll.
        // Pinned where it is made: the call's future is polled in place, never moved.
        let call = core::pin::pin!(driver::call(
            &self.config,
            &*self.salts,
            op,
            |request| ready(self.send(request)),
            |delay| {
                std::thread::sleep(delay);
                ready(())
            },
        ));
        block_on_pinned(call, None).expect("without a limit, block_on runs the call to its end")
    }

    /// Calls any operation of the `/v5` JSON APIs (Invoice, Gateway Async, Card, Partner),
    /// the SDK's or one you declared ([`json_operation!`](freedompay_core::json_operation)),
    /// or a raw [`JsonCall`](freedompay_core::json::JsonCall): serialises and signs the body
    /// once (its detached JWS in `X-JWS-Signature`), sends it with a fresh request id (a
    /// UUID v7, the same on every attempt), verifies the reply where it is signed, and retries
    /// where that is safe (queries; never a money-moving call that may have reached the
    /// gateway). Backoff between retries sleeps this thread.
    pub fn call_json<O: JsonOperation>(&self, op: O) -> Result<O::Output, Error> {
        let call = core::pin::pin!(driver::call_json(
            &self.config,
            driver::os_request_id()?,
            op,
            |request| ready(self.send(request)),
            |delay| {
                std::thread::sleep(delay);
                ready(())
            },
        ));
        block_on_pinned(call, None).expect("without a limit, block_on runs the call to its end")
    }

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let limit = request
            .timeout()
            .map(|timeout| timeout.saturating_add(TRANSPORT_GRACE));
        // The `dyn Transport` itself: through the `Arc` impl its future would be boxed twice.
        block_on((*self.transport).send(request), limit).unwrap_or_else(|| {
            Err(
                TransportError::new(TransportErrorKind::Timeout, SendState::MaybeSent)
                    .with_source("the transport did not finish within the request's timeout"),
            )
        })
    }
}

impl BlockingClient {
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
    pub fn reconcile_payout(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
    ) -> Result<Reconciliation, Error> {
        self.reconcile_payout_with(order_id, last_attempt_at, ReconcilePolicy::default())
    }

    /// [`BlockingClient::reconcile_payout`] with its own deadline and intervals.
    pub fn reconcile_payout_with(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
        policy: ReconcilePolicy,
    ) -> Result<Reconciliation, Error> {
        let answer = self.reconcile(last_attempt_at, policy, |since| {
            PayoutStatusByOrder::new(order_id.clone()).since_last_attempt(since)
        })?;
        // `api/payment_status2` has no failure code; `api/payment_status` by id has.
        let Some(payment_id) = answer.failure_code_wanted() else {
            return Ok(answer);
        };
        match self.call(PayoutStatus::new(payment_id)) {
            Ok(Lookup::Found(info)) => {
                Ok(answer.with_failure(info.failure_code, info.failure_description))
            }
            _ => Ok(answer),
        }
    }

    /// Finds out what became of a payment request (`init_payment.php` and the other
    /// money-moving payment calls that carry an order id) whose outcome is unknown: asks
    /// `get_status3.php` **by order id** (`pg_order_id`; the gateway answers with the last
    /// payment made with it), by the same rules as [`BlockingClient::reconcile_payout`].
    ///
    /// By order id, because after an unknown outcome the payment id may never have been
    /// received. `Paid` covers `success`/`ok` and payments refunded or revoked since;
    /// `Failed` covers `failed`, `error` and `incomplete`; `new`, `pending` and `process`
    /// (the payer has not paid yet) stay `InFlight` at the deadline.
    pub fn reconcile_payment(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
    ) -> Result<Reconciliation, Error> {
        self.reconcile_payment_with(order_id, last_attempt_at, ReconcilePolicy::default())
    }

    /// [`BlockingClient::reconcile_payment`] with its own deadline and intervals.
    pub fn reconcile_payment_with(
        &self,
        order_id: OrderId,
        last_attempt_at: SystemTime,
        policy: ReconcilePolicy,
    ) -> Result<Reconciliation, Error> {
        self.reconcile(last_attempt_at, policy, |since| {
            PaymentStatus::by_order_id(order_id.clone()).since_last_attempt(since)
        })
    }

    /// The reconciliation loop: the decisions are the core's [`Reconciler`]; this only asks,
    /// reads the clock and sleeps.
    fn reconcile<O>(
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
            let step = match self.call(op) {
                Ok(answer) => reconciler.observe(Observation::from(answer), start.elapsed()),
                Err(error) => reconciler.observe_error(error, start.elapsed()),
            };
            match step {
                ReconcileStep::Wait(wait) => std::thread::sleep(wait),
                ReconcileStep::Done(result) => return result,
            }
        }
    }
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// One blocking method per operation, from the core's lists (`for_each_*_operation!`).
macro_rules! operation_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl BlockingClient {
            $(
                #[doc = concat!(
                    "Calls the `", stringify!($method), "` operation: sends the operation ",
                    "value, verifies the reply and returns its typed result.\n\n",
                    "The same as [`BlockingClient::call`] with this operation; see the ",
                    "argument's type for the endpoint, its fields and its retry rule.",
                )]
                pub fn $method(&self, op: $op) -> Result<$output, Error> {
                    self.call(op)
                }
            )*
        }
    };
}

/// One blocking method per JSON operation, from the core's list (`for_each_json_operation!`).
macro_rules! json_operation_methods {
    ($($method:ident => $op:path => $output:ty,)*) => {
        impl BlockingClient {
            $(
                #[doc = concat!(
                    "Calls the `", stringify!($method), "` JSON operation: signs and sends ",
                    "the operation value, verifies the reply and returns its typed result.\n\n",
                    "The same as [`BlockingClient::call_json`] with this operation; see the ",
                    "argument's type for the endpoint, its fields and its retry rule.",
                )]
                pub fn $method(&self, op: $op) -> Result<$output, Error> {
                    self.call_json(op)
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

    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn the_client_can_be_shared_across_threads() {
        assert_shareable::<BlockingClient>();
    }
}
