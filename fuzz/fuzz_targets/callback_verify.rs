//! Arbitrary callbacks and gateway replies into the core: the form decoder, callback
//! verification (query, form, `pg_xml` and `multipart/form-data`, with and without a
//! `Content-Type`) and reading a reply as an operation's output. No
//! input may panic, and a decoded form re-encodes to a form that decodes again. (Not to the
//! same tree in general: PHP rewrites odd names, `a[b c` to `a_b c`, and again on a second
//! pass; `tests/form.rs` proves the identity for the names requests use.)
//!
//! `cargo fuzz run -s none callback_verify -- -max_total_time=60`
#![no_main]

use freedompay_core::notifications::{CallbackRequest, VerifiedCallback};
use freedompay_core::payout::{Balance, PayoutToCard};
use freedompay_core::{Config, form, read_reply};
use freedompay_sign::SecretKey;
use freedompay_transport::HttpResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(fields) = form::decode(data) {
        let encoded = form::encode(&fields);
        let again = form::decode(encoded.as_bytes()).expect("an encoded form decodes");
        assert!(again.len() <= fields.len(), "re-decoding invented fields");
    }

    let secret = SecretKey::new("TESTSECRET").expect("a valid secret");
    let _ = VerifiedCallback::from_request("https://shop.kz/freedompay/result", "", data, &secret);
    if let Ok(query) = std::str::from_utf8(data) {
        let _ = VerifiedCallback::from_request("https://shop.kz/index.php", query, b"", &secret);
    }
    // Multipart with a declared boundary (the body's own first bytes when it opens with a
    // delimiter line are tried above, undeclared).
    for content_type in [
        "multipart/form-data; boundary=X",
        "multipart/form-data; boundary=\"--b\"",
        "multipart/form-data",
    ] {
        let request =
            CallbackRequest::new("https://shop.kz/payout-notify", "", data).content_type(content_type);
        let _ = VerifiedCallback::verify(request, &secret);
    }

    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("TESTSECRET")
        .payout_secret_same_as_payment()
        .build()
        .expect("a valid config");
    let status = if data.first().is_some_and(|b| b & 1 == 1) { 200 } else { 502 };
    let response = HttpResponse::new(status, data.to_vec());
    let _ = read_reply(&config, &Balance::new(), &response);
    let payout = PayoutToCard::new(
        "o1".parse().expect("order id"),
        "10".parse().expect("amount"),
        "4671593866478252".parse().expect("card"),
        "d".parse().expect("description"),
        "https://shop.kz/notify".parse().expect("url"),
    );
    let _ = read_reply(&config, &payout, &response);
});
