//! The `/v5` JSON APIs (docs/protocol.md §12): the Invoice API's init, paid through the payment
//! page, and the Gateway Async API with its request ids, all signed with freedompay-sign's
//! detached JWS.

mod support;

use base64::Engine;
use freedompay_sign::SecretKey;
use freedompay_sign::jws::{Algorithm, Header};
use serde_json::{Value, json};
use support::{Api, MERCHANT, PAY_SECRET, config, start};

/// A purchase test card that pays without 3-D Secure (docs/protocol.md §5).
const CARD: &str = "4716047261941981";

fn secret() -> SecretKey {
    SecretKey::new(PAY_SECRET).unwrap()
}

/// The Invoice API's token: HS512, `{path, merchant_id (integer), method, params}`.
fn invoice_token(path: &str, body: &[u8]) -> String {
    Header::new(Algorithm::Hs512)
        .string("path", path)
        .number("merchant_id", MERCHANT.parse().unwrap())
        .string("method", "POST")
        .string("params", "")
        .sign_detached(body, &secret())
}

/// The Async API's token: HS256, `{uri, auth_id, method, params}`.
fn async_token(path: &str, body: &[u8]) -> String {
    Header::new(Algorithm::Hs256)
        .string("uri", path)
        .string("auth_id", MERCHANT)
        .string("method", "POST")
        .string("params", "")
        .sign_detached(body, &secret())
}

/// Posts `body` with `headers`; the status, the body bytes.
async fn post(api: &Api, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, Vec<u8>) {
    let mut request = api
        .http
        .post(api.url(path))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

fn parse(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(body)))
}

/// A signed Async request; the status and the reply bytes.
async fn async_call(
    api: &Api,
    path: &str,
    action: Option<&str>,
    request_id: &str,
    body: &Value,
) -> (u16, Vec<u8>) {
    let body = body.to_string().into_bytes();
    let mut headers = vec![
        ("x-request-id", request_id.to_owned()),
        ("x-jws-signature", async_token(path, &body)),
    ];
    if let Some(action) = action {
        headers.push(("x-action", action.to_owned()));
    }
    post(api, path, &headers, &body).await
}

/// Decodes a base64 PNG and reads the QR code in it.
fn read_qr(base64_png: &str) -> String {
    let png = base64::engine::general_purpose::STANDARD
        .decode(base64_png)
        .unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    image.detect_grids()[0].decode().unwrap().1
}

fn invoice_body(order: &str) -> Vec<u8> {
    json!({
        "order_id": order,
        "merchant_id": MERCHANT.parse::<i64>().unwrap(),
        "amount": 1250.5,
        "description": "Счет за услуги",
        "invoice_method": "qr",
        "currency": "KZT",
    })
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_invoice_is_paid_through_the_payment_page() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/v5/merchant/invoice/init";
    let body = invoice_body("inv-1");
    let (status, reply) = post(
        api,
        path,
        &[("x-jws-signature", invoice_token(path, &body))],
        &body,
    )
    .await;
    assert_eq!(status, 200);
    let reply = parse(&reply);
    assert_eq!(reply["status"], "ok", "{reply}");
    assert_eq!(reply["invoice_status"], "process");
    assert_eq!(reply["error_code"], 0);
    let id = reply["invoice_id"].as_i64().expect("invoice_id, a number");
    assert!(reply["dt"].as_str().is_some());
    let page = read_qr(reply["invoice_methods"]["qr"].as_str().unwrap());
    assert_eq!(page, api.url(&format!("/pay/{id}")));

    // The payer opens the page and pays.
    let shown = api.http.get(&page).send().await.unwrap();
    assert_eq!(shown.status().as_u16(), 200);
    let paid = api
        .http
        .post(&page)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "pg_card_number={CARD}&pg_card_exp=12%2F30&pg_card_holder=IVAN+IVANOV"
        ))
        .send()
        .await
        .unwrap();
    assert!(paid.status().as_u16() < 400, "{}", paid.status());
    let (_, payment) = api
        .control("GET", &format!("/_sandbox/payments/{id}"), Value::Null)
        .await;
    assert_eq!(payment["status"], "success", "{payment}");
    assert_eq!(payment["amount"], "1250.50");
    assert_eq!(payment["order_id"], "inv-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_with_a_wrong_or_missing_jws_is_refused() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/v5/merchant/invoice/init";
    let body = invoice_body("inv-2");
    let wrong_key = Header::new(Algorithm::Hs512)
        .string("path", path)
        .number("merchant_id", MERCHANT.parse().unwrap())
        .string("method", "POST")
        .string("params", "")
        .sign_detached(&body, &SecretKey::new("not the secret").unwrap());
    let other_body = invoice_token(path, &invoice_body("inv-3"));
    let hs256 = Header::new(Algorithm::Hs256)
        .string("path", path)
        .number("merchant_id", MERCHANT.parse().unwrap())
        .sign_detached(&body, &secret());
    let other_path = invoice_token("/v5/merchant/invoice/pay", &body);
    for (case, headers) in [
        ("missing", vec![]),
        ("wrong key", vec![("x-jws-signature", wrong_key)]),
        ("another body", vec![("x-jws-signature", other_body)]),
        ("HS256", vec![("x-jws-signature", hs256)]),
        ("another path", vec![("x-jws-signature", other_path)]),
    ] {
        let (status, reply) = post(api, path, &headers, &body).await;
        assert_eq!(status, 401, "{case}");
        let reply = parse(&reply);
        assert_eq!(reply["status"], "error", "{case}");
        assert_eq!(reply["error_code"], 9998, "{case}");
    }
    let (_, payments) = api.control("GET", "/_sandbox/payments", Value::Null).await;
    assert_eq!(payments, json!([]), "nothing created");

    // Signed, but an invalid invoice: the documented reply with `"status":"error"`.
    for (case, body) in [
        (
            "no description",
            json!({"order_id": "x", "merchant_id": 545000, "amount": 10}),
        ),
        (
            "another merchant",
            json!({"order_id": "x", "merchant_id": 1, "amount": 10, "description": "d"}),
        ),
        (
            "three decimals",
            json!({"order_id": "x", "merchant_id": 545000, "amount": 1.005, "description": "d"}),
        ),
        (
            "an unknown method",
            json!({"order_id": "x", "merchant_id": 545000, "amount": 10, "description": "d",
                   "invoice_method": "qr,telepathy"}),
        ),
    ] {
        let body = body.to_string().into_bytes();
        let (status, reply) = post(
            api,
            path,
            &[("x-jws-signature", invoice_token(path, &body))],
            &body,
        )
        .await;
        assert_eq!(status, 200, "{case}");
        let reply = parse(&reply);
        assert_eq!(reply["status"], "error", "{case}: {reply}");
        assert_eq!(reply["invoice_status"], "failed", "{case}");
        assert_eq!(reply["error_code"], 9403, "{case}");
    }
    let (_, payments) = api.control("GET", "/_sandbox/payments", Value::Null).await;
    assert_eq!(payments, json!([]), "nothing created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_payment_is_created_read_and_reversed() {
    let env = start(config()).await;
    let api = &env.api;
    let (status, reply) = async_call(
        api,
        "/v5/g2g/create",
        None,
        "0190a0e0-0000-7000-8000-000000000001",
        &json!({
            "amount": 500,
            "currency": "KZT",
            "description": "async",
            "order_id": "a-1",
            "auto_clearing": false,
            "from": {"type": "card", "card": {
                "name": "IVAN IVANOV", "pan": CARD, "cvc": "123", "year": "30", "month": "12"
            }},
            "device": {"user_ip": "127.0.0.1"},
        }),
    )
    .await;
    assert_eq!(status, 200);
    let created = parse(&reply);
    assert_eq!(created["status"], "ok", "{created}");
    let id = created["payment_id"].as_str().unwrap().to_owned();

    let read = |request_id: &'static str| {
        let id = id.clone();
        async move {
            let (status, reply) = async_call(
                api,
                "/v5/g2g/read",
                Some("gateway.payment.status"),
                request_id,
                &json!({"id": id}),
            )
            .await;
            assert_eq!(status, 200);
            parse(&reply)
        }
    };
    let before = read("0190a0e0-0000-7000-8000-000000000002").await;
    assert_eq!(before["payment_id"], id.as_str(), "{before}");
    assert_eq!(before["payment_status"], "success", "{before}");
    assert_eq!(before["captured"], "0");

    let (status, reply) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.reverse"),
        "0190a0e0-0000-7000-8000-000000000003",
        &json!({"id": id}),
    )
    .await;
    assert_eq!(status, 200);
    let reversed = parse(&reply);
    assert_eq!(reversed["status"], "ok", "{reversed}");
    let after = read("0190a0e0-0000-7000-8000-000000000004").await;
    assert_ne!(after["payment_status"], "success", "{after}");

    // An unknown X-Action, and no X-Request-Id.
    let (_, reply) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.explode"),
        "0190a0e0-0000-7000-8000-000000000005",
        &json!({"id": id}),
    )
    .await;
    assert_eq!(parse(&reply)["error_code"], 9403);
    let body = json!({"id": id}).to_string().into_bytes();
    let (status, _) = post(
        api,
        "/v5/g2g/read",
        &[("x-jws-signature", async_token("/v5/g2g/read", &body))],
        &body,
    )
    .await;
    assert_eq!(status, 400);
    // A wrong JWS (the Invoice API's key and algorithm).
    let (status, _) = post(
        api,
        "/v5/g2g/read",
        &[
            ("x-request-id", "r-6".to_owned()),
            ("x-jws-signature", invoice_token("/v5/g2g/read", &body)),
        ],
        &body,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_request_id_is_answered_once_and_a_reused_one_refused() {
    let env = start(config()).await;
    let api = &env.api;
    let (_, reply) = async_call(
        api,
        "/v5/g2g/create",
        None,
        "c-1",
        &json!({
            "amount": 1000,
            "currency": "KZT",
            "description": "async",
            "order_id": "a-2",
            "from": {"type": "card", "card": {
                "name": "IVAN IVANOV", "pan": CARD, "cvc": "123", "year": "30", "month": "12"
            }},
        }),
    )
    .await;
    let created = parse(&reply);
    assert_eq!(created["status"], "ok", "{created}");
    let id = created["payment_id"].as_str().unwrap().to_owned();
    let balance = api.balance().await;

    let refund = json!({"id": id, "amount": "100"});
    let (status, first) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.refund"),
        "refund-1",
        &refund,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(parse(&first)["status"], "ok", "{}", parse(&first));
    let after_one = api.balance().await;
    assert_ne!(after_one, balance);

    let (status, again) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.refund"),
        "refund-1",
        &refund,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again, first, "the first reply, byte for byte");
    assert_eq!(api.balance().await, after_one, "the money moved once");

    // The same id with another body: refused, nothing moves.
    let (status, refused) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.refund"),
        "refund-1",
        &json!({"id": id, "amount": "200"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(parse(&refused)["status"], "error");
    // The same id and body with another action: refused too.
    let (status, _) = async_call(
        api,
        "/v5/g2g/edit",
        Some("gateway.payment.clearing"),
        "refund-1",
        &refund,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(api.balance().await, after_one);

    let (_, read) = async_call(
        api,
        "/v5/g2g/read",
        Some("gateway.payment.status"),
        "read-1",
        &json!({"id": id}),
    )
    .await;
    let read = parse(&read);
    // One refund of 100 (`g2g/status_v2` writes refunds negative).
    assert_eq!(read["refund_amount"], "-100.00", "{read}");
    assert_eq!(
        read["refund_payments"]["refund_payment"]["amount"],
        "-100.00"
    );
}
