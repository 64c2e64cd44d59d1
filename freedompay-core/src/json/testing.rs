//! Test support of the JSON kind: a fixed config and request id, the exact wire of a request
//! (card data hidden), documented replies from `tests/fixtures/json/`.

use freedompay_transport::HttpResponse;

use super::{JsonApi, JsonOperation, RequestId, prepare_json, read_json_reply};
use crate::{Config, Error, Step};

/// Merchant 123456 with the payment secret `secret_key` (the key of the Invoice example),
/// and Card and Partner keys of their own.
pub(crate) fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("secret_key")
        .payout_secret_key("PAYOUT_SECRET")
        .json_api_key(JsonApi::Card, "123456", "secret")
        .json_api_key(JsonApi::Partner, "123456", "secret_key")
        .build()
        .expect("valid test config")
}

/// The fixed request id of the snapshots (a UUID v7 like the Async API's examples).
pub(crate) fn request_id() -> RequestId {
    RequestId::new("01978c2b-f191-7b56-92f8-20c7c401d1fc").expect("valid request id")
}

/// The exact request: method, URL, headers (the JWS included), body, and the decoded JWS
/// header. The values of `pan` and `cvc` members are replaced by `***` (the JWS is over the
/// real ones).
pub(crate) fn json_wire<O: JsonOperation>(op: &O) -> String {
    let request = prepare_json(&config(), op, &request_id()).expect("the request can be prepared");
    let mut out = format!("{} {}\n", request.method(), request.url());
    for (name, value) in request.headers().iter() {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if let Some(timeout) = request.timeout() {
        out.push_str(&format!("(timeout {timeout:?})\n"));
    }
    let body = String::from_utf8(request.body().to_vec()).expect("UTF-8 body");
    out.push('\n');
    out.push_str(&hide_card_data(&body));
    let token = request.headers().get("X-JWS-Signature").expect("a JWS");
    let (header, _) = token.split_once("..").expect("a detached JWS");
    use base64::Engine as _;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("base64url header");
    out.push_str("\n\n# JWS header\n");
    out.push_str(&String::from_utf8(header).expect("UTF-8 header"));
    out.push('\n');
    out
}

fn hide_card_data(body: &str) -> String {
    let mut out = body.to_owned();
    for member in ["\"pan\":\"", "\"cvc\":\""] {
        let mut hidden = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(member) {
            let start = at + member.len();
            hidden.push_str(&rest[..start]);
            hidden.push_str("***");
            let tail = &rest[start..];
            rest = &tail[tail.find('"').unwrap_or(tail.len())..];
        }
        hidden.push_str(rest);
        out = hidden;
    }
    assert!(
        !out.contains("4405645000006150"),
        "a PAN must not reach a snapshot"
    );
    out
}

/// A documented reply body from `tests/fixtures/json/`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/json/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Reads a fixture as the operation's reply (HTTP 200, unsigned).
pub(crate) fn read_fixture<O: JsonOperation>(
    op: &O,
    name: &str,
) -> Result<O::Output, crate::ErrorKind> {
    read_json_reply(&config(), op, &HttpResponse::new(200, fixture(name)))
}

/// The error of a call whose one reply is `body` (HTTP 200).
pub(crate) fn call_error<O: JsonOperation + Clone>(op: &O, body: &[u8]) -> Error {
    let config = config();
    let mut exchange = super::JsonExchange::new(&config, op.clone(), request_id());
    loop {
        match exchange.next() {
            Step::Send(_) => exchange.handle(Ok(HttpResponse::new(200, body.to_vec()))),
            Step::Wait(_) => {}
            Step::Done(result) => match result {
                Ok(_) => panic!("the call succeeded"),
                Err(error) => return error,
            },
        }
    }
}
