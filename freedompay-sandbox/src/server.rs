//! The HTTP server: a tokio listener, hyper HTTP/1.1 connections, the axum router, the
//! request log (written in bursts by `request_log`), the connection-dropping fault, and a
//! clean shutdown.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::Service;

use crate::app::App;
use crate::config::SandboxConfig;
use crate::faults::{DropConnection, Fault, FaultError};
use crate::{control, dashboard, endpoints, pages, request_log, scheduler};

/// A running sandbox, started on a tokio runtime (see [`SandboxThread`](crate::SandboxThread)
/// for code without one).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use freedompay_sandbox::{Sandbox, SandboxConfig};
/// use freedompay_sign::SecretKey;
///
/// let config = SandboxConfig::new("545000", SecretKey::new("TESTSECRET")?);
/// let sandbox = Sandbox::start(config, "127.0.0.1:0".parse()?).await?;
/// assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
/// let endpoint = sandbox.url("/init_payment.php"); // where a client posts
/// # assert!(endpoint.ends_with("/init_payment.php"));
/// sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sandbox {
    app: Arc<App>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Marks a connection closed on purpose (the `drop_connection` fault).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a sandbox fault")
    }
}

impl std::error::Error for Dropped {}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free port) and starts serving. Must be called inside a
    /// tokio runtime with the time and I/O drivers enabled.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        Self::serve_on(config, listener)
    }

    /// Binds `addr`, given as `HOST:PORT` where the host may be a name (`localhost:8080`) or
    /// an IP literal (`127.0.0.1:0`, `[::1]:8080`), and starts serving on the first address
    /// the name resolves to that can be bound. Must be called inside a tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use freedompay_sandbox::{Sandbox, SandboxConfig};
    /// use freedompay_sign::SecretKey;
    ///
    /// let config = SandboxConfig::new("545000", SecretKey::new("TESTSECRET")?);
    /// let sandbox = Sandbox::bind(config, "localhost:0").await?;
    /// assert!(sandbox.addr().ip().is_loopback());
    /// sandbox.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bind(config: SandboxConfig, addr: &str) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr.trim()).await?;
        Self::serve_on(config, listener)
    }

    fn serve_on(config: SandboxConfig, listener: TcpListener) -> std::io::Result<Sandbox> {
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() {
            "127.0.0.1".to_owned()
        } else if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        let base_url = format!("http://{host}:{}", addr.port());
        let data_file = config.data_file.clone();
        let mut app = App::new(config, base_url);
        if let Some(path) = data_file {
            app.open_store(&path)?;
        }
        let app = Arc::new(app);
        let router = Router::new()
            .merge(endpoints::router())
            .merge(endpoints::json::router())
            .merge(pages::router())
            .merge(control::router())
            .merge(dashboard::router())
            .fallback(endpoints::unknown_path)
            .with_state(Arc::clone(&app));
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = vec![
            tokio::spawn(serve(listener, router, Arc::clone(&app), stop_rx.clone())),
            tokio::spawn(scheduler::run(Arc::clone(&app), stop_rx.clone())),
        ];
        if app.config.log_requests {
            let app = Arc::clone(&app);
            tasks.push(tokio::spawn(async move {
                request_log::run(&app.log, stop_rx, tokio::io::stderr()).await;
            }));
        }
        Ok(Sandbox {
            app,
            addr,
            stop,
            tasks,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: the base URL to give a client.
    pub fn base_url(&self) -> &str {
        &self.app.base_url
    }

    /// The absolute URL of a path on the sandbox (`url("/init_payment.php")`).
    pub fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    /// Moves sandbox time forward, applies what became due (payouts in `process`, holds,
    /// lifetimes, callback retries) and waits for the first attempts of the callbacks this
    /// sends; returns how many were attempted.
    pub async fn advance(&self, by: Duration) -> usize {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        scheduler::advance(&self.app, ms).await
    }

    /// Sets a fault for one path (`Some("/init_payment.php")`) or for every endpoint (`None`).
    ///
    /// # Panics
    ///
    /// When the fault could never take effect (see [`Fault::check`]): a path without its
    /// leading `/`, or a `status_5xx` outside 500 to 599. [`Sandbox::try_set_fault`] returns
    /// the error instead.
    pub fn set_fault(&self, path: Option<&str>, fault: Fault) {
        if let Err(e) = self.try_set_fault(path, fault) {
            panic!("Sandbox::set_fault: {e}");
        }
    }

    /// Sets a fault like [`Sandbox::set_fault`], or says why it was refused.
    pub fn try_set_fault(&self, path: Option<&str>, fault: Fault) -> Result<(), FaultError> {
        fault.check(path)?;
        self.app.set_fault(path.map(str::to_owned), fault);
        Ok(())
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.app.clear_faults();
    }

    /// The merchant balance, in minor units.
    pub fn balance_minor(&self) -> i64 {
        self.app.state().balance.get()
    }

    /// Stops accepting connections, lets open ones finish for up to a second, and stops the
    /// background work.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Each reply goes out in one write: nothing to gain from Nagle's delay.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(connection(stream, router.clone(), Arc::clone(&app), stop.clone()));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            _ = stop.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(Duration::from_secs(1), async {
        while connections.join_next().await.is_some() {}
    });
    let _ = drained.await;
    connections.abort_all();
}

/// What the requests of one connection share.
struct Shared {
    router: Router,
    app: Arc<App>,
}

async fn connection(
    stream: TcpStream,
    router: Router,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    // What every request of this connection shares, behind a pointer of the connection's own:
    // taking it for a request touches only memory of this connection, not the sandbox's
    // shared reference counts, which both worker threads would otherwise write in turn on
    // every request.
    let shared = Arc::new(Shared { router, app });
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let shared = Arc::clone(&shared);
        async move {
            let app = &shared.app;
            // What the log line needs, taken only when requests are logged: the path is the
            // endpoint's own route (no copy) when it is one of the exact paths.
            let endpoint = endpoints::exact(request.uri().path());
            let logged = app.config.log_requests.then(|| {
                let path = match endpoint {
                    Some(endpoint) => Cow::Borrowed(endpoint.route),
                    None => Cow::Owned(request.uri().path().to_owned()),
                };
                (Instant::now(), request.method().clone(), path)
            });
            let response = match endpoint {
                Some(endpoint) => endpoints::serve(app, endpoint, request.map(Body::new)).await,
                None => match shared.router.clone().call(request.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
            };
            let dropped = response.extensions().get::<DropConnection>().is_some();
            if let Some((started, method, path)) = logged {
                let status = (!dropped).then(|| response.status().as_u16());
                let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                app.log.request(method.as_str(), &path, status, millis);
            }
            if dropped {
                Err(Dropped)
            } else {
                Ok::<_, Dropped>(response)
            }
        }
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
