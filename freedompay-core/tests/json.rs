//! The JSON kind of operation (`freedompay_core::json`): the JWS of each API, the request id
//! kept across attempts, the money-safety rules of `Exchange`, replies verified and errors set
//! apart, and a user's own declared operation.

use freedompay_core::json::{
    JsonApi, JsonCall, JsonExchange, RequestId, prepare_json, read_json_reply,
};
use freedompay_core::{Config, ErrorKind, Step, json_operation};
use freedompay_sign::SecretKey;
use freedompay_sign::jws::{self, Algorithm};
use freedompay_transport::{HttpResponse, SendState, TransportError, TransportErrorKind};

fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("secret_key")
        .json_api_key(JsonApi::Card, "123456", "secret")
        .base_url("https://api.freedompay.kz")
        .build()
        .unwrap()
}

fn id() -> RequestId {
    RequestId::new("0190b3c2-7d1e-7000-8000-000000000001").unwrap()
}

fn query() -> JsonCall {
    JsonCall::new(
        JsonApi::Invoice,
        "/v5/merchant/invoice/status",
        br#"{"order_id":"42"}"#.to_vec(),
    )
    .moves_money(false)
}

fn money() -> JsonCall {
    JsonCall::new(
        JsonApi::Invoice,
        "/v5/merchant/invoice/init",
        br#"{"order_id":"42"}"#.to_vec(),
    )
    .order_id("42")
}

fn maybe_sent() -> TransportError {
    TransportError::new(TransportErrorKind::Timeout, SendState::MaybeSent)
}

/// Runs an exchange against a list of outcomes; returns the requests sent and the result.
fn run<O: freedompay_core::json::JsonOperation>(
    mut exchange: JsonExchange<'_, O>,
    mut outcomes: Vec<Result<HttpResponse, TransportError>>,
) -> (
    Vec<freedompay_transport::HttpRequest>,
    Result<O::Output, freedompay_core::Error>,
) {
    outcomes.reverse();
    let mut sent = Vec::new();
    loop {
        match exchange.next() {
            Step::Send(request) => {
                sent.push(request);
                exchange.handle(outcomes.pop().expect("an outcome per attempt"));
            }
            Step::Wait(_) => {}
            Step::Done(result) => return (sent, result),
        }
    }
}

#[test]
fn the_card_api_header_reproduces_the_documented_token() {
    let call = JsonCall::new(
        JsonApi::Card,
        "/v5/card-api/request/status",
        br#"{"request_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#.to_vec(),
    );
    let request = prepare_json(&config(), &call, &id()).unwrap();
    assert_eq!(
        request.headers().get("X-JWS-Signature"),
        Some(
            "eyJ1cmkiOiIvdjUvY2FyZC1hcGkvcmVxdWVzdC9zdGF0dXMiLCJhdXRoX2lkIjoiMTIzNDU2IiwibWV0aG9kIjoiUE9TVCIsInBhcmFtcyI6IiIsImFsZyI6IkhTNTEyIn0..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkFDUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"
        )
    );
    // The Card API documents no X-Request-Id header.
    assert_eq!(request.headers().get("X-Request-Id"), None);
}

#[test]
fn card_and_partner_calls_need_their_own_key() {
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("s")
        .build()
        .unwrap();
    let call = JsonCall::new(JsonApi::Partner, "/v5/partner/rates/add", b"{}".to_vec());
    let error = prepare_json(&config, &call, &id()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "json_api_key(partner)")
    );
    assert!(!error.may_have_been_sent());
}

#[test]
fn a_query_is_retried_with_the_same_bytes_and_request_id() {
    let config = config();
    let exchange = JsonExchange::new(&config, query(), id());
    let (sent, result) = run(
        exchange,
        vec![
            Err(maybe_sent()),
            Ok(HttpResponse::new(502, b"<html>bad gateway</html>".to_vec())),
            Ok(HttpResponse::new(200, br#"{"status":"ok"}"#.to_vec())),
        ],
    );
    assert_eq!(result.unwrap().body, br#"{"status":"ok"}"#);
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_eq!(request.body(), sent[0].body());
        assert_eq!(
            request.headers().get("X-JWS-Signature"),
            sent[0].headers().get("X-JWS-Signature")
        );
    }
}

#[test]
fn the_async_api_sends_its_request_id_and_action_on_every_attempt() {
    let call = JsonCall::new(JsonApi::Async, "/v5/g2g/read", b"{}".to_vec())
        .moves_money(false)
        .action("gateway.payment.status");
    let config = config();
    let exchange = JsonExchange::new(&config, call, id());
    let (sent, result) = run(
        exchange,
        vec![
            Err(maybe_sent()),
            Ok(HttpResponse::new(200, b"{}".to_vec())),
        ],
    );
    assert!(result.is_ok());
    for request in &sent {
        assert_eq!(request.headers().get("X-Request-Id"), Some(id().as_str()));
        assert_eq!(
            request.headers().get("X-Action"),
            Some("gateway.payment.status")
        );
    }
}

#[test]
fn a_money_moving_call_is_never_resent_after_it_may_have_left() {
    for outcome in [
        Err(maybe_sent()),
        Ok(HttpResponse::new(502, Vec::new())),
        Ok(HttpResponse::new(200, b"not json".to_vec())),
        Ok(HttpResponse::new(
            400,
            br#"{"status":"error","error_code":"1","error_description":"x"}"#.to_vec(),
        )),
    ] {
        let config = config();
        let exchange = JsonExchange::new(&config, money(), id());
        let (sent, result) = run(exchange, vec![outcome]);
        assert_eq!(sent.len(), 1);
        let error = result.unwrap_err();
        assert!(error.outcome_unknown(), "{error}");
        assert_eq!(error.order_id(), Some("42"));
        assert!(error.to_string().contains("do NOT resend"), "{error}");
    }
}

#[test]
fn a_money_moving_call_is_resent_when_it_certainly_did_not_leave() {
    let config = config();
    let exchange = JsonExchange::new(&config, money(), id());
    let not_sent = TransportError::new(TransportErrorKind::Connect, SendState::NotSent);
    let (sent, result) = run(
        exchange,
        vec![
            Err(not_sent),
            Ok(HttpResponse::new(200, br#"{"status":"ok"}"#.to_vec())),
        ],
    );
    assert!(result.is_ok());
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body(), sent[1].body());
}

#[test]
fn an_error_reply_is_set_apart_and_unauthenticated_when_unsigned() {
    let response = HttpResponse::new(
        200,
        br#"{"status":"error","error_code":"1012","error_description":"Invoice not found"}"#
            .to_vec(),
    );
    let kind = read_json_reply(&config(), &query(), &response).unwrap_err();
    let ErrorKind::Unsigned(error) = kind else {
        panic!("{kind:?}")
    };
    assert_eq!(error.code().map(|c| c.code()), Some(1012));
    assert_eq!(error.description(), Some("Invoice not found"));
}

#[test]
fn a_signed_reply_is_verified_with_the_api_key() {
    let body = br#"{"status":"ok"}"#;
    let secret = SecretKey::new("secret_key").unwrap();
    let header = br#"{"path":"/v5/merchant/invoice/status","merchant_id":123456,"method":"POST","params":"","alg":"HS512"}"#;
    let good = jws::sign_detached(Algorithm::Hs512, header, body, &secret);
    let response =
        HttpResponse::new(200, body.to_vec()).with_header("X-JWS-Signature", good.clone());
    assert!(
        read_json_reply(&config(), &query(), &response)
            .unwrap()
            .signed
    );

    let wrong = jws::sign_detached(
        Algorithm::Hs512,
        header,
        body,
        &SecretKey::new("other").unwrap(),
    );
    let response = HttpResponse::new(200, body.to_vec()).with_header("X-JWS-Signature", wrong);
    assert!(matches!(
        read_json_reply(&config(), &query(), &response),
        Err(ErrorKind::SignatureInvalid { .. })
    ));
    let altered =
        HttpResponse::new(200, br#"{"status":"ko"}"#.to_vec()).with_header("X-JWS-Signature", good);
    assert!(matches!(
        read_json_reply(&config(), &query(), &altered),
        Err(ErrorKind::SignatureInvalid { .. })
    ));
}

/// A user's own operation, declared in a few lines.
#[derive(serde::Serialize)]
struct GiftCardStatus {
    order_id: String,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct GiftCardState {
    status: String,
}

json_operation! {
    GiftCardStatus => GiftCardState {
        name: "gift_card_status",
        api: JsonApi::Card,
        path: "/v5/card-api/gift-card/status",
        moves_money: false,
        order_id: order_id,
        request_id: "request_id",
    }
}

#[test]
fn a_declared_operation_writes_its_request_id_and_reads_its_reply() {
    let op = GiftCardStatus {
        order_id: "g-1".into(),
    };
    let request = prepare_json(&config(), &op, &id()).unwrap();
    assert_eq!(
        request.body(),
        br#"{"request_id":"0190b3c2-7d1e-7000-8000-000000000001","order_id":"g-1"}"#
    );
    let token = request.headers().get("X-JWS-Signature").unwrap();
    let header = jws::verify_detached_with(
        Algorithm::Hs512,
        token,
        request.body(),
        &SecretKey::new("secret").unwrap(),
    )
    .unwrap();
    assert_eq!(
        header.json(),
        br#"{"uri":"/v5/card-api/gift-card/status","auth_id":"123456","method":"POST","params":"","alg":"HS512"}"#
    );
    let response = HttpResponse::new(200, br#"{"status":"issued","extra":1}"#.to_vec());
    assert_eq!(
        read_json_reply(&config(), &op, &response).unwrap(),
        GiftCardState {
            status: "issued".into()
        }
    );
    let missing = HttpResponse::new(200, b"{}".to_vec());
    let ErrorKind::Malformed(m) = read_json_reply(&config(), &op, &missing).unwrap_err() else {
        panic!()
    };
    assert_eq!(m.read_error().map(|e| e.field()), Some("status"));
}

/// Every client method of the JSON list is named as its operation (errors and traces name the
/// same thing the user called).
#[test]
fn the_json_list_names_each_method_as_its_operation() {
    macro_rules! names {
        ($($method:ident => $op:path => $output:ty,)*) => {
            vec![$((stringify!($method), <$op as freedompay_core::json::JsonOperation>::NAME)),*]
        };
    }
    let listed = freedompay_core::for_each_json_operation!(names);
    assert!(listed.len() >= 8, "{listed:?}");
    for (method, name) in listed {
        assert_eq!(method, name);
    }
}

#[test]
fn a_config_shows_the_json_key_ids_never_their_secrets() {
    let debug = format!("{:?}", config());
    assert!(debug.contains("card"), "{debug}");
    assert!(
        !debug.contains("\"secret\"") && !debug.contains("secret_key"),
        "{debug}"
    );
}
