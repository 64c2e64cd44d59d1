//! The wait between retries, on whatever executor the call runs.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::sync::{Arc, Mutex};

/// Waits `delay`: with tokio's timer inside a tokio runtime (feature `time`), otherwise with
/// a helper thread that wakes the task, so no executor is assumed.
pub(crate) async fn sleep(delay: Duration) {
    #[cfg(feature = "time")]
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::time::sleep(delay).await;
            return;
        }
    }
    ThreadTimer::new(delay).await;
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
