//! Allocations of one whole client call over an in-memory transport, counted (never timed):
//! salt, signing, the request, the driver, reading and verifying the reply. The bound is
//! today's count, so that a change that adds an allocation to every call is noticed.

use freedompay_blocking::payout::Balance;
use freedompay_blocking::sign::ScriptName;
use freedompay_blocking::{
    BlockingClient, Config, HttpRequest, HttpResponse, RetryPolicy, SecretKey, TransportError,
    blocking_fn,
};

const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

/// The balance reply, signed as the gateway signs it.
fn balance_reply() -> HttpResponse {
    let mut fields = freedompay_blocking::sign::Fields::new();
    fields
        .push("pg_status", "ok")
        .push("pg_balance", "1000.50")
        .push("pg_salt", "a1b2c3");
    let script = ScriptName::new("balance_status").unwrap();
    let secret = SecretKey::new(PAYOUT_SECRET).unwrap();
    let sig = freedompay_blocking::sign::sign(&script, &fields, &secret).unwrap();
    fields.push("pg_sig", sig.as_str());
    HttpResponse::new(200, freedompay_xml::write(&fields).unwrap().into_bytes())
        .with_header("Content-Type", "text/xml; charset=utf-8")
}

#[test]
fn a_call_allocates_a_bounded_few_times() {
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key(PAYOUT_SECRET)
        .base_url("https://gateway.test")
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let reply = balance_reply();
    let client = BlockingClient::with_transport(
        config,
        blocking_fn(move |request: HttpRequest| {
            // The transport's own work (here a copy of the canned reply) is not the SDK's.
            let mut response = None;
            allocation_counter::opt_out(|| {
                drop(request);
                response = Some(reply.clone());
            });
            Ok::<_, TransportError>(response.expect("copied"))
        }),
    );
    // Warm-up: the salt generator is seeded and the thread's waker made at the first call.
    client.balance(Balance::new()).unwrap();
    let info = allocation_counter::measure(|| {
        let info = client.balance(Balance::new()).unwrap();
        assert_eq!(info.balance.to_string(), "1000.50");
    });
    println!("allocations per call: {}", info.count_total);
    // 8 today (10 before each operation's URL was made once per configuration), among them
    // the salt, the fields, the form and its shared body, the transport's boxed future and
    // the reply's parsed tree.
    assert!(info.count_total <= 8, "{} allocations", info.count_total);
}
