//! The async client assumes no runtime: with a transport of your own it runs on any executor
//! (here a ten-line one), backoff included; and its futures are `Send`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use freedompay_async::payout::{Balance, PayoutToCard};
use freedompay_async::sign::{Fields, ScriptName, sign};
use freedompay_async::{
    Amount, AsyncClient, CardNumber, Config, Description, HttpRequest, HttpResponse, OrderId,
    RetryPolicy, SecretKey, TransportError, Url, transport_fn,
};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// The smallest executor: poll, park until woken, poll again.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

fn signed_balance() -> Vec<u8> {
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push("pg_balance", "42.10");
    fields.push("pg_salt", "s4lt");
    let script = ScriptName::new("balance_status").unwrap();
    let signature = sign(&script, &fields, &SecretKey::new("PAYOUT").unwrap()).unwrap();
    fields.push("pg_sig", signature.as_str());
    freedompay_xml::write(&fields).unwrap().into_bytes()
}

const BACKOFF: Duration = Duration::from_millis(60);

fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT")
        .payout_secret_key("PAYOUT")
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: BACKOFF,
            max_backoff: BACKOFF,
        })
        .build()
        .unwrap()
}

#[test]
fn runs_without_a_tokio_runtime_and_waits_between_retries() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let transport = transport_fn(move |_request: HttpRequest| {
        let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            Ok::<_, TransportError>(if attempt == 1 {
                HttpResponse::new(503, b"<html>busy</html>".to_vec())
            } else {
                HttpResponse::new(200, signed_balance())
            })
        }
    });
    let client = AsyncClient::with_transport(config(), transport);
    let start = Instant::now();
    let info = block_on(client.balance(Balance::new())).expect("the retry succeeds");
    assert_eq!(info.balance, Amount::parse("42.10").unwrap());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(
        start.elapsed() >= BACKOFF,
        "the backoff was waited: {:?}",
        start.elapsed()
    );
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_client_and_its_futures_are_send() {
    let client = AsyncClient::with_transport(
        config(),
        transport_fn(|_request: HttpRequest| async {
            Ok::<_, TransportError>(HttpResponse::new(200, Vec::new()))
        }),
    );
    assert_send(&client);
    let balance = client.balance(Balance::new());
    assert_send(&balance);
    let payout = client.payout_to_card(PayoutToCard::new(
        OrderId::new("o-1").unwrap(),
        Amount::parse("1").unwrap(),
        CardNumber::parse("4671593866478252").unwrap(),
        Description::new("d").unwrap(),
        Url::new("https://shop.example/notify").unwrap(),
    ));
    assert_send(&payout);
    drop((balance, payout));
}
