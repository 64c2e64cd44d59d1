//! The Card API and the Partner API of the sandbox (docs/protocol.md §12.4, §12.5): their own
//! JWS keys, the Card API's `request_id` (a duplicate refused with 409) and request status, the
//! Partner API's `X-Request-Id` (a repeat answered byte for byte, other bytes 409), and each
//! endpoint's effect on the issuing state.

mod support;

use freedompay_sandbox::{
    DEFAULT_CARD_API_KEY, DEFAULT_PARTNER_API_KEY, GIFT_CARD_TEST_OTP, SecretKey,
};
use freedompay_sign::jws::{Algorithm, Header};
use serde_json::{Value, json};
use support::{Api, config, start};

/// A Card API token: HS512, `{uri, auth_id, method, params, alg}` under the Card API key.
fn card_token(path: &str, body: &[u8], secret: &str) -> String {
    Header::new(Algorithm::Hs512)
        .string("uri", path)
        .string("auth_id", DEFAULT_CARD_API_KEY.auth_id)
        .string("method", "POST")
        .string("params", "")
        .sign_detached(body, &SecretKey::new(secret).unwrap())
}

/// A Partner API token: HS256 under the Partner API key.
fn partner_token(path: &str, body: &[u8], secret: &str) -> String {
    Header::new(Algorithm::Hs256)
        .string("uri", path)
        .string("auth_id", DEFAULT_PARTNER_API_KEY.auth_id)
        .string("method", "POST")
        .string("params", "")
        .sign_detached(body, &SecretKey::new(secret).unwrap())
}

/// A JSON number as written, its trailing fractional zeros dropped: the same text whether or not
/// serde_json's `arbitrary_precision` is on (the CLI turns it on, and `cargo test --workspace`
/// unifies features), and never a float comparison for an amount.
fn decimal(value: &Value) -> String {
    assert!(value.is_number(), "not a JSON number: {value}");
    let text = value.to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => match fraction.trim_end_matches('0') {
            "" => whole.to_owned(),
            fraction => format!("{whole}.{fraction}"),
        },
        None => text,
    }
}

async fn post(api: &Api, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, Value) {
    let mut request = api
        .http
        .post(api.url(path))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

async fn card(api: &Api, path: &str, body: &Value) -> (u16, Value) {
    let body = body.to_string().into_bytes();
    let token = card_token(path, &body, DEFAULT_CARD_API_KEY.secret);
    post(api, path, &[("x-jws-signature", token)], &body).await
}

async fn partner_raw(api: &Api, path: &str, request_id: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let token = partner_token(path, body, DEFAULT_PARTNER_API_KEY.secret);
    let response = api
        .http
        .post(api.url(path))
        .header("content-type", "application/json")
        .header("x-request-id", request_id)
        .header("x-jws-signature", token)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn partner(api: &Api, path: &str, request_id: &str, body: &Value) -> (u16, Value) {
    let (status, bytes) = partner_raw(api, path, request_id, body.to_string().as_bytes()).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn list(api: &Api, kind: &str) -> Vec<Value> {
    let (status, body) = api.get_raw(&format!("/_sandbox/issuing/{kind}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(records: &'a [Value], member: &str, value: &Value) -> &'a Value {
    records
        .iter()
        .find(|r| &r[member] == value)
        .unwrap_or_else(|| panic!("{member}={value} in {records:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_missing_key_is_401_for_both_apis() {
    let env = start(config()).await;
    let api = &env.api;
    let body = json!({"request_id": "r-1", "card_id": "card-1002", "description": "found"})
        .to_string()
        .into_bytes();
    // The payment secret, the Partner key, no token: all refused, nothing done.
    for token in [
        card_token("/v5/card-api/card/unblock", &body, support::PAY_SECRET),
        card_token(
            "/v5/card-api/card/unblock",
            &body,
            DEFAULT_PARTNER_API_KEY.secret,
        ),
        card_token(
            "/v5/card-api/card/close",
            &body,
            DEFAULT_CARD_API_KEY.secret,
        ),
    ] {
        let (status, reply) = post(
            api,
            "/v5/card-api/card/unblock",
            &[("x-jws-signature", token)],
            &body,
        )
        .await;
        assert_eq!(status, 401, "{reply}");
        assert_eq!(reply["error_code"], 9998);
    }
    let (status, _) = post(api, "/v5/card-api/card/unblock", &[], &body).await;
    assert_eq!(status, 401);
    assert_eq!(
        find(&list(api, "cards").await, "card_id", &json!("card-1002"))["status"],
        "blocked"
    );
    let rates = json!({"rates": [{"currency_from": "USD", "currency_to": "KZT", "rate": 441.507}]})
        .to_string()
        .into_bytes();
    let wrong = partner_token("/v5/partner/rates/add", &rates, DEFAULT_CARD_API_KEY.secret);
    let (status, reply) = post(
        api,
        "/v5/partner/rates/add",
        &[("x-request-id", "p-1".into()), ("x-jws-signature", wrong)],
        &rates,
    )
    .await;
    assert_eq!(status, 401, "{reply}");
    // A Partner request without X-Request-Id is 400.
    let token = partner_token(
        "/v5/partner/rates/add",
        &rates,
        DEFAULT_PARTNER_API_KEY.secret,
    );
    let (status, _) = post(
        api,
        "/v5/partner/rates/add",
        &[("x-jws-signature", token)],
        &rates,
    )
    .await;
    assert_eq!(status, 400);
    assert!(list(api, "rates").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_requests_run_once_and_report_their_status() {
    let env = start(config()).await;
    let api = &env.api;
    let unblock =
        json!({"request_id": "r-unblock", "card_id": "card-1002", "description": "found"});
    let (status, reply) = card(api, "/v5/card-api/card/unblock", &unblock).await;
    assert_eq!((status, &reply["status"]), (200, &json!("ok")), "{reply}");
    assert_eq!(reply["request_status"], "completed");
    assert!(reply["dt"].as_str().unwrap().contains('T'));
    // The same request_id again, even with another body: 409, nothing done.
    let again = json!({"request_id": "r-unblock", "card_id": "card-1001", "description": "x"});
    let (status, reply) = card(api, "/v5/card-api/card/close", &again).await;
    assert_eq!(status, 409, "{reply}");
    assert_eq!(reply["status"], "error");
    let cards = list(api, "cards").await;
    assert_eq!(
        find(&cards, "card_id", &json!("card-1002"))["status"],
        "active"
    );
    assert_eq!(
        find(&cards, "card_id", &json!("card-1001"))["status"],
        "active"
    );

    // Link, then close: the balance leaves the card.
    let (_, reply) = card(
        api,
        "/v5/card-api/card/link",
        &json!({"request_id": "r-link", "client_id": "client-2001", "card_id": "card-1001"}),
    )
    .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let (_, reply) = card(
        api,
        "/v5/card-api/card/close",
        &json!({"request_id": "r-close", "card_id": "card-1001", "description": "reissue"}),
    )
    .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let closed = list(api, "cards").await;
    let closed = find(&closed, "card_id", &json!("card-1001"));
    assert_eq!(
        (&closed["status"], &closed["balance"], &closed["client_id"]),
        (&json!("closed"), &json!("0.00"), &json!("client-2001"))
    );
    // A refused request (a closed card; an unknown client) is kept as failed.
    let (status, reply) = card(
        api,
        "/v5/card-api/card/unblock",
        &json!({"request_id": "r-late", "card_id": "card-1001", "description": "x"}),
    )
    .await;
    assert_eq!(
        (status, &reply["status"]),
        (200, &json!("error")),
        "{reply}"
    );
    let (_, reply) = card(
        api,
        "/v5/card-api/card/link",
        &json!({"request_id": "r-nobody", "client_id": "client-9", "card_id": "card-1003"}),
    )
    .await;
    assert_eq!(reply["error_code"], 340, "{reply}");

    // Request status: api-13677899's members.
    let (_, reply) = card(
        api,
        "/v5/card-api/request/status",
        &json!({"request_id": "r-link"}),
    )
    .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    assert_eq!(reply["request_status"], "completed");
    assert_eq!(reply["cards"], json!([{"card_id": "card-1001"}]));
    assert_eq!(reply["client_id"], "client-2001");
    let (_, reply) = card(
        api,
        "/v5/card-api/request/status",
        &json!({"request_id": "r-late"}),
    )
    .await;
    assert_eq!(reply["request_status"], "failed", "{reply}");
    let (_, reply) = card(
        api,
        "/v5/card-api/request/status",
        &json!({"request_id": "never"}),
    )
    .await;
    assert_eq!(
        (&reply["status"], &reply["error_code"]),
        (&json!("error"), &json!(340))
    );
    // A request without request_id is 400.
    let (status, _) = card(
        api,
        "/v5/card-api/card/unblock",
        &json!({"card_id": "card-1003", "description": "x"}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gift_card_is_confirmed_with_the_test_code_once() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/v5/cards/activate_card";
    let (_, reply) = card(api, path, &json!({"otp": "9999", "card_id": 556})).await;
    assert_eq!(reply["status"], "error", "{reply}");
    let (status, reply) = card(
        api,
        path,
        &json!({"otp": GIFT_CARD_TEST_OTP, "card_id": 556}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            &reply["status"],
            &reply["card_status"],
            &reply["card_currency"]
        ),
        (&json!(0), &json!(1), &json!("USD")),
        "{reply}"
    );
    assert_eq!(decimal(&reply["card_balance"]), "100");
    assert_eq!(reply["card_mask"], "1234********5634");
    let (_, reply) = card(
        api,
        path,
        &json!({"otp": GIFT_CARD_TEST_OTP, "card_id": 556}),
    )
    .await;
    assert_eq!(reply["status"], "error", "confirmed already: {reply}");
    // Without card_id: the oldest one waiting (555).
    let (_, reply) = card(api, path, &json!({"otp": GIFT_CARD_TEST_OTP})).await;
    assert_eq!(reply["card_mask"], "1234********5633", "{reply}");
    let gifts = list(api, "gift_cards").await;
    assert_eq!(find(&gifts, "card_id", &json!(555))["confirmed"], true);
    assert_eq!(find(&gifts, "card_id", &json!(557))["confirmed"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_requests_are_deduplicated_by_request_id() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/v5/partner/rates/add";
    let body = br#"{"rates":[{"currency_from":"USD","currency_to":"KZT","rate":441.507,"rate_type":"p2p","start_date":"2025-01-01 00:00:00","end_date":"2025-01-02 00:00:00"}]}"#;
    let (status, first) = partner_raw(api, path, "p-rates", body).await;
    assert_eq!(status, 200);
    assert_eq!(first, br#"{"status":"ok"}"#);
    // The same id and bytes: the first reply, byte for byte, and no second rate.
    let (status, again) = partner_raw(api, path, "p-rates", body).await;
    assert_eq!((status, &again), (200, &first));
    let rates = list(api, "rates").await;
    assert_eq!(rates.len(), 1);
    assert_eq!(rates[0]["rate"], "441.507");
    // The same id, other bytes: 409.
    let (status, reply) = partner_raw(api, path, "p-rates", br#"{"rates":[]}"#).await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&reply));
    assert_eq!(list(api, "rates").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_clients_users_and_wallets() {
    let env = start(config()).await;
    let api = &env.api;
    let (_, reply) = partner(
        api,
        "/v5/partner/client/add",
        "p-client",
        &json!({"request_id": "p-client", "company": {"name": "Test LLP", "bin": "123456789012"}, "product": {}}),
    )
    .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let client_id = reply["client_id"].as_i64().unwrap();
    let (_, reply) = partner(
        api,
        "/v5/partner/client/user/add",
        "p-user",
        &json!({"request_id": "p-user", "client_id": client_id, "user_info": {
            "first_name": "Aigerim", "last_name": "Test", "phone": "77001112233", "email": "a@example.com"}}),
    )
    .await;
    assert_eq!(
        (&reply["status"], &reply["client_id"]),
        (&json!("ok"), &json!(client_id)),
        "{reply}"
    );
    assert!(reply["user_id"].as_i64().unwrap() > 0);
    let (_, reply) = partner(
        api,
        "/v5/partner/client/user/add",
        "p-user-2",
        &json!({"request_id": "p-user-2", "client_id": 99, "user_info": {
            "first_name": "A", "last_name": "B", "phone": "1", "email": "e"}}),
    )
    .await;
    assert_eq!(
        (&reply["status"], &reply["error_code"]),
        (&json!("error"), &json!(340))
    );
    let clients = list(api, "clients").await;
    assert_eq!(
        find(&clients, "client_id", &json!(client_id))["users"][0]["first_name"],
        "Aigerim"
    );

    let (_, reply) = partner(
        api,
        "/v5/partner/wallet/statement",
        "p-statement",
        &json!({"identifier": "77001234567"}),
    )
    .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let operations = reply["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 2);
    assert_eq!(decimal(&operations[1]["amount"]), "1200.5");
    assert_eq!(decimal(&operations[1]["commission"]), "12.5");
    assert_eq!(operations[0]["correspondent"]["name"], "SANDBOX SENDER");
    let (_, reply) = partner(
        api,
        "/v5/partner/wallet/statement",
        "p-statement-2",
        &json!({"identifier": "77001234567", "start_date": "2100-01-01T00:00:00+05:00"}),
    )
    .await;
    assert_eq!(reply["operations"], json!([]), "{reply}");

    let (_, reply) = partner(
        api,
        "/v5/partner/wallet/block",
        "p-block",
        &json!({"request_id": "p-block", "identifier": "77007654321", "description": "fraud"}),
    )
    .await;
    assert_eq!(
        (&reply["status"], &reply["request_status"]),
        (&json!("ok"), &json!("completed"))
    );
    let wallets = list(api, "wallets").await;
    let wallet = find(&wallets, "identifier", &json!("77007654321"));
    assert_eq!(
        (&wallet["blocked"], &wallet["block_reason"]),
        (&json!(true), &json!("fraud"))
    );
    let (status, reply) = api.get_raw("/_sandbox/issuing/nothing").await;
    assert_eq!(status, 404, "{reply}");
}
