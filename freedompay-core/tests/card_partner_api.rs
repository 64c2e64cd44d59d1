//! The Card and Partner APIs through the SDK's own operations: the Card API's documented token
//! reproduces byte for byte; the Partner API's documented token does not, and why
//! (tests/vectors/jws/partner_rates_add_hs256_not_reproducing.txt).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use freedompay_core::json::card_api::CardRequestStatus;
use freedompay_core::json::partner_api::{AddRates, Rate};
use freedompay_core::json::{JsonApi, RequestId, prepare_json};
use freedompay_core::{Config, Currency};
use freedompay_sign::SecretKey;
use freedompay_sign::jws::{self, Algorithm};

fn field(file: &str, name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/jws")
        .join(file);
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("{file}: {name}"))
        .to_owned()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/json")
            .join(name),
    )
    .unwrap()
}

#[test]
fn card_request_status_sends_the_documented_token() {
    let config = Config::builder()
        .merchant_id("999")
        .secret_key("pay-secret")
        .json_api_key(JsonApi::Card, "123456", "secret")
        .build()
        .unwrap();
    let op = CardRequestStatus::new("828cf71d-a447-4a67-a149-c1df8bc197ca").unwrap();
    let request = prepare_json(&config, &op, &RequestId::new("any").unwrap()).unwrap();
    let file = "card_request_status_hs512.txt";
    assert_eq!(
        request.body(),
        URL_SAFE_NO_PAD
            .decode(field(file, "payload_b64url"))
            .unwrap()
    );
    assert_eq!(
        request.headers().get("X-JWS-Signature"),
        Some(field(file, "token").as_str())
    );
    assert_eq!(
        request.url(),
        "https://api.freedompay.kz/v5/card-api/request/status"
    );
}

#[test]
fn the_partner_example_token_was_made_from_other_bytes_and_another_key() {
    let file = "partner_rates_add_hs256_not_reproducing.txt";
    let token = field(file, "token");
    let (token_header, signature) = token.split_once("..").unwrap();
    // The token's own header names auth_id 13989, alg first: not the header the page prints.
    let header = URL_SAFE_NO_PAD.decode(token_header).unwrap();
    assert_eq!(
        header,
        br#"{"alg":"HS256","auth_id":"13989","uri":"/v5/partner/rates/add","method":"POST","params":""}"#
    );
    // What the SDK builds for the page's header (auth_id 123456) is the page's header.
    let config = Config::builder()
        .merchant_id("999")
        .secret_key("pay-secret")
        .json_api_key(JsonApi::Partner, "123456", "secret_key")
        .build()
        .unwrap();
    let rates = AddRates::new(vec![
        Rate::new(Currency::Usd, Currency::Kzt, "441.507").unwrap(),
    ])
    .unwrap();
    let request = prepare_json(&config, &rates, &RequestId::new("r").unwrap()).unwrap();
    let sent = request.headers().get("X-JWS-Signature").unwrap();
    assert_eq!(
        sent.split_once("..").unwrap().0,
        field(file, "header_b64url")
    );
    // Even over the token's own header and payload (the exact bytes of its middle part), no
    // key the page names verifies it.
    let payload = fixture("partner_api/rates_add_token_payload.json");
    for key in ["secret_key", "secret", "13989", "123456", "key"] {
        let secret = SecretKey::new(key).unwrap();
        let own = format!("{token_header}..{signature}");
        assert!(
            jws::verify_detached_with(Algorithm::Hs256, &own, &payload, &secret).is_err(),
            "{key}"
        );
    }
}
