//! Allocations per call in the exchange, counted (never timed): what the SDK itself adds to
//! an HTTP round trip. Building the request and reading the reply each allocate a bounded,
//! small number of times; the bounds below are today's counts, so that a change that adds
//! an allocation to every call is noticed.

use std::hint::black_box;

use freedompay_core::payout::Balance;
use freedompay_core::{Config, Exchange, RetryPolicy, Step};
use freedompay_sign::{Fields, SIG_FIELD, Salt, ScriptName, SecretKey, sign};
use freedompay_transport::HttpResponse;

const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

fn config(retry: RetryPolicy) -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key(PAYOUT_SECRET)
        .base_url("https://gateway.test")
        .retry(retry)
        .build()
        .unwrap()
}

/// The balance reply, signed as the gateway signs it.
fn balance_reply() -> HttpResponse {
    let mut fields = Fields::new();
    fields
        .push("pg_status", "ok")
        .push("pg_balance", "1000.50")
        .push("pg_salt", "a1b2c3");
    let sig = sign(
        &ScriptName::new("balance_status").unwrap(),
        &fields,
        &SecretKey::new(PAYOUT_SECRET).unwrap(),
    )
    .unwrap();
    fields.push(SIG_FIELD, sig.as_str());
    HttpResponse::new(200, freedompay_xml::write(&fields).unwrap().into_bytes())
        .with_header("Content-Type", "text/xml; charset=utf-8")
}

/// Allocations of one balance call: (building the signed request, sending it, reading the
/// reply into the typed result).
fn count(config: &Config, salt: &Salt, reply: &HttpResponse) -> (u64, u64, u64) {
    let mut exchange = None;
    let build = allocation_counter::measure(|| {
        exchange = Some(Exchange::new(config, Balance::new(), salt.clone()));
    })
    .count_total;
    let mut exchange = exchange.unwrap();
    let mut step = None;
    let send = allocation_counter::measure(|| step = Some(exchange.next())).count_total;
    let Some(Step::Send(request)) = step else {
        panic!("the request is sent")
    };
    drop(black_box(request));
    // The transport's response is made outside the count: it is the transport's.
    let response = reply.clone();
    let mut result = None;
    let read = allocation_counter::measure(|| {
        exchange.handle(Ok(response));
        result = Some(exchange.next());
    })
    .count_total;
    let Some(Step::Done(Ok(info))) = result else {
        panic!("the balance is read")
    };
    assert_eq!(info.balance.to_string(), "1000.50");
    (build, send, read)
}

#[test]
fn a_call_allocates_a_bounded_few_times() {
    let salt = Salt::new("s4ltS4ltS4ltS4lt").unwrap();
    let reply = balance_reply();
    for retry in [RetryPolicy::NONE, RetryPolicy::default()] {
        let config = config(retry);
        // Warm-up: nothing is cached across calls, but the first call pays for lazy statics.
        count(&config, &salt, &reply);
        let (build, send, read) = count(&config, &salt, &reply);
        println!("allocations: build {build}, send {send}, read {read}");
        // The salt's copy (this test's; the driver moves its salt in, and the exchange moves
        // it into its field), the fields' list, the merchant id's copy, the form, the body's
        // shared buffer, the URL. (25, then 13, before the per-call work was cut: the URL's
        // path copied, every header's name and value copied, the form grown; then the script
        // name, the fields' names, the salt's second copy, the signature's field and the
        // headers' list.)
        assert!(build <= 6, "building the request: {build} allocations");
        // The request handed out is a clone kept for a retry: its URL (8, then 2, before:
        // every header's name and value, then the headers' list).
        assert!(send <= 1, "handing out the request: {send} allocations");
        // The tree borrowed from the body, read by the flat fast path in one buffer;
        // verifying and the typed output allocate nothing here. (17 before: the owned copy
        // of the tree for `Response`, a string per name and per text.)
        assert!(read <= 1, "reading the reply: {read} allocations");
    }
}
