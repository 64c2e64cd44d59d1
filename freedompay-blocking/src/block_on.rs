//! A minimal executor for one future on the calling thread: no runtime, no reactor.
//!
//! A blocking transport's future is ready on its first poll. A future that is not is polled
//! again each time its waker unparks this thread (a transport that finishes its work on a
//! thread of its own, say).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::sync::Arc;
use std::task::Wake;
use std::thread::{self, Thread};
use std::time::Instant;

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    /// The waker that unparks this thread, made at its first call: later calls on the
    /// thread (two per client call) allocate nothing for it.
    static WAKER: Waker = Waker::from(Arc::new(Unpark(thread::current())));
}

/// Polls `future` on this thread until it completes, parking between polls.
///
/// With a `limit`, gives up (dropping the future) and returns `None` once it has passed with
/// the future still pending: a transport that never wakes its task must not hang the caller
/// forever.
pub(crate) fn block_on<F: Future>(future: F, limit: Option<Duration>) -> Option<F::Output> {
    block_on_pinned(core::pin::pin!(future), limit)
}

/// [`block_on`] for a future pinned where it was made (`pin!(make())`): a large future (a
/// whole client call) is polled in place rather than moved into this function first.
pub(crate) fn block_on_pinned<F: Future + ?Sized>(
    future: Pin<&mut F>,
    limit: Option<Duration>,
) -> Option<F::Output> {
    match WAKER.try_with(Waker::clone) {
        Ok(waker) => run(future, limit, &waker),
        // This thread's locals are being destroyed (a call from another local's `Drop`).
        Err(_) => run(
            future,
            limit,
            &Waker::from(Arc::new(Unpark(thread::current()))),
        ),
    }
}

fn run<F: Future + ?Sized>(
    mut future: Pin<&mut F>,
    limit: Option<Duration>,
    waker: &Waker,
) -> Option<F::Output> {
    let mut cx = Context::from_waker(waker);
    let deadline = limit.and_then(|limit| Instant::now().checked_add(limit));
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        // An unpark may be spurious or early: the loop polls again either way.
        match deadline {
            None => thread::park(),
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    return None;
                }
                thread::park_timeout(deadline - now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_ready_future_completes_on_the_first_poll() {
        assert_eq!(block_on(async { 7 }, None), Some(7));
    }

    /// Pending until another thread flips the flag and wakes it.
    struct WokenLater {
        state: Arc<Mutex<(bool, Option<Waker>)>>,
        spawned: bool,
    }

    impl Future for WokenLater {
        type Output = &'static str;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            {
                let mut state = self.state.lock().unwrap();
                if state.0 {
                    return Poll::Ready("woken");
                }
                state.1 = Some(cx.waker().clone());
            }
            if !self.spawned {
                self.spawned = true;
                let state = Arc::clone(&self.state);
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(20));
                    let waker = {
                        let mut state = state.lock().unwrap();
                        state.0 = true;
                        state.1.take()
                    };
                    waker.expect("polled once").wake();
                });
            }
            Poll::Pending
        }
    }

    #[test]
    fn a_future_woken_from_another_thread_completes() {
        let future = WokenLater {
            state: Arc::default(),
            spawned: false,
        };
        assert_eq!(
            block_on(future, Some(Duration::from_secs(5))),
            Some("woken")
        );
    }

    #[test]
    fn a_future_never_woken_gives_up_at_the_limit() {
        let start = Instant::now();
        let never = core::future::pending::<()>();
        assert_eq!(block_on(never, Some(Duration::from_millis(50))), None);
        assert!(start.elapsed() >= Duration::from_millis(50));
    }
}
