//! What a runtime without threads or an OS (WebAssembly) gives the client: its own timer
//! (`with_sleep`) and its own salts (`with_salts`).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use freedompay_async::payout::Balance;
use freedompay_async::sign::{Fields, ScriptName, sign};
use freedompay_async::{
    Amount, AsyncClient, Config, HttpRequest, HttpResponse, RetryPolicy, Salt, SecretKey,
    TransportError, sleep_fn, transport_fn,
};

const BACKOFF: Duration = Duration::from_secs(3600);

/// Polls once: every future here is ready at once (the sleep never waits).
fn now_or_never<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the call waited on something other than the given sleep"),
    }
}

fn signed_balance(salt: &str) -> Vec<u8> {
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push("pg_balance", "42.10");
    fields.push("pg_salt", salt);
    let script = ScriptName::new("balance_status").unwrap();
    let signature = sign(&script, &fields, &SecretKey::new("PAYOUT").unwrap()).unwrap();
    fields.push("pg_sig", signature.as_str());
    freedompay_xml::write(&fields).unwrap().into_bytes()
}

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
fn the_given_sleep_and_salts_are_used_and_nothing_else() {
    let calls = Arc::new(AtomicU32::new(0));
    let salts_seen = Arc::new(Mutex::new(Vec::new()));
    let (counter, seen) = (Arc::clone(&calls), Arc::clone(&salts_seen));
    let transport = transport_fn(move |request: HttpRequest| {
        let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let body = String::from_utf8(request.body().to_vec()).unwrap();
        seen.lock()
            .unwrap()
            .push(body.contains("pg_salt=wasmSalt1"));
        async move {
            Ok::<_, TransportError>(if attempt == 1 {
                HttpResponse::new(503, b"<html>busy</html>".to_vec())
            } else {
                HttpResponse::new(200, signed_balance("s4lt"))
            })
        }
    });
    let slept = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&slept);
    let client = AsyncClient::with_salts(config(), transport, Salt::new("wasmSalt1").unwrap())
        .with_sleep(sleep_fn(move |delay: Duration| {
            record.lock().unwrap().push(delay);
            async {}
        }));

    let info = now_or_never(client.balance(Balance::new())).expect("the retry succeeds");
    assert_eq!(info.balance, Amount::parse("42.10").unwrap());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // The hour of backoff went to the given sleep, which returned at once.
    assert_eq!(*slept.lock().unwrap(), vec![BACKOFF]);
    assert_eq!(*salts_seen.lock().unwrap(), vec![true, true]);
}
