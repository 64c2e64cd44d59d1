//! The wait between retries (and between reconciliation queries): a [`Sleep`] the client is
//! given, or the default one.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::sync::{Arc, Mutex};

/// A boxed future that completes after a delay.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// How the client waits `delay` between attempts: your runtime's timer.
///
/// The default, [`DefaultSleep`], uses tokio's timer inside a tokio runtime (feature `time`)
/// and otherwise a short-lived helper thread. Where there is neither (WebAssembly in a
/// browser or an edge runtime, an embedded executor), give the client your runtime's timer
/// with [`AsyncClient::with_sleep`](crate::AsyncClient::with_sleep), usually through
/// [`sleep_fn`]:
///
/// ```
/// use std::time::Duration;
/// use freedompay_async::{AsyncClient, Config, HttpRequest, HttpResponse, TransportError, sleep_fn, transport_fn};
///
/// # let config = Config::builder().merchant_id("1").secret_key("s").build()?;
/// # let transport = transport_fn(|_r: HttpRequest| async { Ok::<_, TransportError>(HttpResponse::new(200, Vec::new())) });
/// # #[cfg(feature = "os-rng")]
/// let client = AsyncClient::with_transport(config, transport)
///     // e.g. `gloo_timers::future::sleep(delay)` or `worker::Delay::from(delay)` (wrapped
///     // in `worker::send::SendFuture` there, whose futures are not `Send`).
///     .with_sleep(sleep_fn(|delay: Duration| async move { let _ = delay; }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Sleep: Send + Sync {
    /// A future that completes after `delay`.
    fn sleep(&self, delay: Duration) -> SleepFuture;
}

/// A [`Sleep`] from a closure returning a future: `sleep_fn(|d| my_runtime::sleep(d))`.
pub fn sleep_fn<F, Fut>(f: F) -> SleepFn<F>
where
    F: Fn(Duration) -> Fut + Send + Sync,
    Fut: Future<Output = ()> + Send + 'static,
{
    SleepFn(f)
}

/// The [`Sleep`] made by [`sleep_fn`].
#[derive(Clone, Copy)]
pub struct SleepFn<F>(F);

impl<F, Fut> Sleep for SleepFn<F>
where
    F: Fn(Duration) -> Fut + Send + Sync,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn sleep(&self, delay: Duration) -> SleepFuture {
        Box::pin((self.0)(delay))
    }
}

impl<F> core::fmt::Debug for SleepFn<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SleepFn")
    }
}

/// The default [`Sleep`]: tokio's timer inside a tokio runtime (feature `time`); otherwise a
/// helper thread that wakes the task, so no executor is assumed. On
/// `wasm32-unknown-unknown`, which has no threads, it does not wait at all: give the client
/// your runtime's timer there ([`AsyncClient::with_sleep`](crate::AsyncClient::with_sleep)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultSleep;

impl Sleep for DefaultSleep {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        #[cfg(feature = "time")]
        {
            if tokio::runtime::Handle::try_current().is_ok() {
                return Box::pin(tokio::time::sleep(delay));
            }
        }
        Box::pin(ThreadTimer::new(delay))
    }
}

#[derive(Default)]
struct Shared {
    done: bool,
    waker: Option<Waker>,
}

/// A timer that spawns one thread on its first poll. Backoffs are rare (a retry after a
/// failure), so a thread each is cheap enough and needs no runtime.
struct ThreadTimer {
    delay: Duration,
    shared: Arc<Mutex<Shared>>,
    started: bool,
}

impl ThreadTimer {
    fn new(delay: Duration) -> Self {
        Self {
            delay,
            shared: Arc::default(),
            started: false,
        }
    }
}

impl Future for ThreadTimer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        {
            let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            if shared.done {
                return Poll::Ready(());
            }
            shared.waker = Some(cx.waker().clone());
        }
        if !self.started {
            self.started = true;
            let shared = Arc::clone(&self.shared);
            let delay = self.delay;
            let spawned = std::thread::Builder::new()
                .name("freedompay-backoff".into())
                .spawn(move || {
                    std::thread::sleep(delay);
                    let waker = {
                        let mut shared = shared.lock().unwrap_or_else(|e| e.into_inner());
                        shared.done = true;
                        shared.waker.take()
                    };
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                });
            if spawned.is_err() {
                // No thread to wait with: retry at once rather than never.
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;
    use std::thread::Thread;
    use std::time::Instant;

    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    #[test]
    fn the_thread_timer_waits_and_wakes_without_a_runtime() {
        let start = Instant::now();
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut timer = std::pin::pin!(ThreadTimer::new(Duration::from_millis(30)));
        let mut polls = 0;
        while timer.as_mut().poll(&mut cx).is_pending() {
            polls += 1;
            std::thread::park_timeout(Duration::from_secs(2));
            assert!(start.elapsed() < Duration::from_secs(2), "never woken");
        }
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert!(polls >= 1);
    }
}
