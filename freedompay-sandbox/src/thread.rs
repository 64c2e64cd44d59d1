//! A sandbox on a thread of its own, for code without a tokio runtime (blocking clients,
//! command-line tools, plain `#[test]`s).

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::SandboxConfig;
use crate::faults::{Fault, FaultError};
use crate::server::Sandbox;

/// Where a [`SandboxThread`] listens.
enum Bind {
    Addr(SocketAddr),
    Name(String),
}

/// A sandbox running on its own thread, which owns a small tokio runtime. Dropping it (or
/// [`SandboxThread::shutdown`]) stops the server and joins the thread.
///
/// ```
/// use freedompay_sandbox::{SandboxConfig, SandboxThread};
/// use freedompay_sign::SecretKey;
///
/// let sandbox = SandboxThread::start(SandboxConfig::new("545000", SecretKey::new("TESTSECRET")?))?;
/// let base = sandbox.base_url().to_owned(); // give this to a client
/// assert!(base.starts_with("http://127.0.0.1:"));
/// assert_eq!(sandbox.balance_minor(), 100_000_000);
/// sandbox.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SandboxThread {
    addr: SocketAddr,
    base_url: String,
    runtime: tokio::runtime::Handle,
    sandbox: Option<std::sync::Arc<Sandbox>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SandboxThread {
    /// Starts a sandbox on `127.0.0.1` with a free port.
    pub fn start(config: SandboxConfig) -> std::io::Result<SandboxThread> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts a sandbox on `addr` (port 0 picks a free port).
    pub fn start_on(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<SandboxThread> {
        Self::spawn(config, Bind::Addr(addr))
    }

    /// Starts a sandbox on `addr` given as `HOST:PORT`, the host a name (`localhost:8080`) or
    /// an IP literal (see [`Sandbox::bind`]).
    ///
    /// ```
    /// use freedompay_sandbox::{SandboxConfig, SandboxThread};
    /// use freedompay_sign::SecretKey;
    ///
    /// let config = SandboxConfig::new("545000", SecretKey::new("TESTSECRET")?);
    /// let sandbox = SandboxThread::bind(config, "localhost:0")?;
    /// assert!(sandbox.addr().ip().is_loopback());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bind(config: SandboxConfig, addr: &str) -> std::io::Result<SandboxThread> {
        Self::spawn(config, Bind::Name(addr.to_owned()))
    }

    fn spawn(config: SandboxConfig, addr: Bind) -> std::io::Result<SandboxThread> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("freedompay-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let handle = runtime.handle().clone();
                runtime.block_on(async move {
                    let started = match addr {
                        Bind::Addr(addr) => Sandbox::start(config, addr).await,
                        Bind::Name(addr) => Sandbox::bind(config, &addr).await,
                    };
                    match started {
                        Ok(sandbox) => {
                            let sandbox = std::sync::Arc::new(sandbox);
                            let _ = ready_tx.send(Ok((std::sync::Arc::clone(&sandbox), handle)));
                            let _ = stop_rx.await;
                            if let Ok(sandbox) = std::sync::Arc::try_unwrap(sandbox) {
                                sandbox.shutdown().await;
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let (sandbox, runtime) = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the sandbox thread ended before starting"))??;
        Ok(SandboxThread {
            addr: sandbox.addr(),
            base_url: sandbox.base_url().to_owned(),
            runtime,
            sandbox: Some(sandbox),
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The absolute URL of a path on the sandbox.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Moves sandbox time forward (see [`Sandbox::advance`]). Blocks; do not call it from
    /// inside an async runtime.
    pub fn advance(&self, by: Duration) -> usize {
        match &self.sandbox {
            Some(sandbox) => self.runtime.block_on(sandbox.advance(by)),
            None => 0,
        }
    }

    /// Sets a fault (see [`Sandbox::set_fault`]).
    ///
    /// # Panics
    ///
    /// When the fault could never take effect (see [`Fault::check`]);
    /// [`SandboxThread::try_set_fault`] returns the error instead.
    pub fn set_fault(&self, path: Option<&str>, fault: Fault) {
        if let Err(e) = self.try_set_fault(path, fault) {
            panic!("SandboxThread::set_fault: {e}");
        }
    }

    /// Sets a fault, or says why it was refused (see [`Sandbox::try_set_fault`]).
    pub fn try_set_fault(&self, path: Option<&str>, fault: Fault) -> Result<(), FaultError> {
        fault.check(path)?;
        if let Some(sandbox) = &self.sandbox {
            sandbox.try_set_fault(path, fault)?;
        }
        Ok(())
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        if let Some(sandbox) = &self.sandbox {
            sandbox.clear_faults();
        }
    }

    /// The merchant balance, in minor units.
    pub fn balance_minor(&self) -> i64 {
        self.sandbox.as_ref().map_or(0, |s| s.balance_minor())
    }

    /// Stops the sandbox and joins its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        // Our reference must go before the thread can take the sandbox back to shut it down.
        self.sandbox = None;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SandboxThread {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
