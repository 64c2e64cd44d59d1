//! The async client: the core's driver over a transport and a timer.

use core::fmt;
use std::sync::Arc;

use freedompay_core::{Config, Error, Operation, driver};
use freedompay_sign::{OsSaltSource, SaltSource};
use freedompay_transport::Transport;

use crate::sleep;

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
/// let config = Config::builder().merchant_id("123456").secret_key("secret").build()?;
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
    /// made one with [`transport_fn`](crate::transport_fn).
    pub fn with_transport(config: Config, transport: impl Transport + 'static) -> Self {
        Self {
            config: Arc::new(config),
            transport: Arc::new(transport),
            salts: Arc::new(OsSaltSource::default()),
        }
    }

    /// Replaces where `pg_salt` values come from (the default is
    /// [`OsSaltSource`](crate::OsSaltSource), 16 random characters): a fixed
    /// [`Salt`](crate::Salt) makes requests reproducible in tests.
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
        driver::call(
            &self.config,
            &*self.salts,
            op,
            move |request| transport.send(request),
            sleep::sleep,
        )
        .await
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
    ($($method:ident => $op:path,)*) => {
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
                ) -> Result<<$op as Operation>::Output, Error> {
                    self.call(op).await
                }
            )*
        }
    };
}

freedompay_core::for_each_payout_operation!(operation_methods);
freedompay_core::for_each_payment_operation!(operation_methods);
