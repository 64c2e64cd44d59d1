//! The request side of the protocol: the four wire forms, nested bracket names, merchant and
//! signature errors, validation, idempotency, unknown elements in replies.

mod support;

use freedompay_sign::SecretKey;
use freedompay_sign::{Fields, ScriptName};
use freedompay_xml::ResponseError;
use support::{config, form, multipart, start, text};

fn init_fields(env: &support::Env, extra: &[(&str, &str)]) -> Fields {
    let mut pairs = vec![
        ("pg_amount", "150.50"),
        ("pg_description", "Заказ №7"),
        ("pg_order_id", "ord-1"),
    ];
    pairs.extend_from_slice(extra);
    env.api.signed("/init_payment.php", &pairs)
}

fn assert_unsigned(env: &support::Env, path: &str, body: &str, code: &str) -> String {
    match env.api.verify(path, body) {
        Err(ResponseError::Unsigned(reply)) => {
            assert_eq!(reply.error_code(), Some(code), "{body}");
            reply.error_description().unwrap_or("").to_owned()
        }
        other => panic!("expected an unsigned {code}, got {other:?}: {body}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urlencoded_multipart_get_and_pg_xml_are_all_read() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/init_payment.php";

    let (_, body) = api
        .post_raw(
            path,
            "application/x-www-form-urlencoded",
            form(&init_fields(&env, &[])),
        )
        .await;
    assert_eq!(
        api.verify(path, &body).unwrap().text("pg_status"),
        Some("ok"),
        "{body}"
    );

    let (_, body) = api
        .post_raw(
            path,
            "multipart/form-data; boundary=XyZ-42",
            multipart(&init_fields(&env, &[]), "XyZ-42"),
        )
        .await;
    assert_eq!(
        api.verify(path, &body).unwrap().text("pg_status"),
        Some("ok"),
        "{body}"
    );

    let (_, body) = api
        .get_raw(&format!("{path}?{}", form(&init_fields(&env, &[]))))
        .await;
    assert_eq!(
        api.verify(path, &body).unwrap().text("pg_status"),
        Some("ok"),
        "{body}"
    );

    // XML mode: the signature is over the document's fields.
    let fields = init_fields(&env, &[]);
    let xml = freedompay_xml::write_with_root("request", &fields).unwrap();
    let (_, body) = api
        .post_raw(
            path,
            "application/x-www-form-urlencoded",
            format!("pg_xml={}", support::enc(&xml)),
        )
        .await;
    assert_eq!(
        api.verify(path, &body).unwrap().text("pg_status"),
        Some("ok"),
        "{body}"
    );

    // A JSON body is not a form: the gateway sees no merchant.
    let (_, body) = api
        .post_raw(
            path,
            "application/json",
            "{\"pg_merchant_id\":\"545000\"}".into(),
        )
        .await;
    assert_eq!(assert_unsigned(&env, path, &body, "101"), "Empty merchant");

    let (_, state) = api
        .control("GET", "/_sandbox/state", serde_json::Value::Null)
        .await;
    assert_eq!(state["payments"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_bracket_names_are_signed_as_php_flattens_them() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/init_payment.php";
    let mut fields = Fields::new();
    fields
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_amount", "1500")
        .push("pg_description", "Order 7");
    let items: Vec<Fields> = (0..12)
        .map(|i| {
            let mut item = Fields::new();
            item.push("count", "1")
                .push("name", format!("Item {i}"))
                .push("tax_type", "0")
                .push("price", "125");
            item
        })
        .collect();
    fields.push_list("pg_receipt_positions", items);
    let mut customer = Fields::new();
    customer.push("email", "a@b.kz");
    let mut receipt = Fields::new();
    receipt
        .push("receipt_format", "1.05")
        .push_map("customer", customer);
    fields.push_map("pg_receipt", receipt);
    fields.push("shop_param", "echoed");
    fields.push_list("shop_tags", ["a", "b"]);
    let signed = api.sign(path, fields);

    for body in [form(&signed), multipart(&signed, "b0undary")] {
        let ct = if body.starts_with("--") {
            "multipart/form-data; boundary=b0undary"
        } else {
            "application/x-www-form-urlencoded"
        };
        let (_, reply) = api.post_raw(path, ct, body).await;
        assert_eq!(
            api.verify(path, &reply).unwrap().text("pg_status"),
            Some("ok"),
            "{reply}"
        );
    }

    // `shop_tags[]=a&shop_tags[]=b` is the same PHP array as `shop_tags[0]=a&shop_tags[1]=b`.
    let appended = form(&signed)
        .replace("shop_tags%5B0%5D", "shop_tags%5B%5D")
        .replace("shop_tags%5B1%5D", "shop_tags%5B%5D");
    assert!(appended.contains("shop_tags%5B%5D=a&shop_tags%5B%5D=b"));
    let (_, reply) = api
        .post_raw(path, "application/x-www-form-urlencoded", appended)
        .await;
    assert_eq!(
        api.verify(path, &reply).unwrap().text("pg_status"),
        Some("ok"),
        "{reply}"
    );

    // But `[]` inside a position makes a new element for every field, as in PHP: another tree.
    let split = form(&signed).replace("pg_receipt_positions%5B0%5D", "pg_receipt_positions%5B%5D");
    let (_, reply) = api
        .post_raw(path, "application/x-www-form-urlencoded", split)
        .await;
    assert_eq!(
        api.verify(path, &reply).unwrap().text("pg_error_code"),
        Some("9998"),
        "{reply}"
    );

    // A client that encodes nested data in its own way (JSON in a field) signs something else.
    let mut wrong = Fields::new();
    wrong
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_amount", "1500")
        .push("pg_description", "Order 7");
    let script = ScriptName::new("init_payment.php").unwrap();
    let mut flattened = wrong.clone();
    flattened
        .push("pg_receipt_positions", "[{\"count\":1}]")
        .push("pg_salt", "abc");
    wrong
        .push("pg_receipt_positions[0][count]", "1")
        .push("pg_salt", "abc");
    let sig = freedompay_sign::sign(
        &script,
        &flattened,
        &SecretKey::new(support::PAY_SECRET).unwrap(),
    )
    .unwrap();
    wrong.push("pg_sig", sig.as_str());
    let (_, reply) = api
        .post_raw(path, "application/x-www-form-urlencoded", form(&wrong))
        .await;
    assert_eq!(
        api.verify(path, &reply).unwrap().text("pg_error_code"),
        Some("9998")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_merchant_is_an_unsigned_101_and_a_bad_signature_a_signed_9998() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/init_payment.php";

    let mut fields = init_fields(&env, &[]);
    fields.remove("pg_merchant_id");
    let (_, body) = api
        .post_raw(path, "application/x-www-form-urlencoded", form(&fields))
        .await;
    assert_eq!(assert_unsigned(&env, path, &body, "101"), "Empty merchant");
    assert!(
        body.contains("<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code>"),
        "{body}"
    );

    let mut fields = init_fields(&env, &[]);
    fields.set("pg_merchant_id", "999999");
    let (_, body) = api
        .post_raw(path, "application/x-www-form-urlencoded", form(&fields))
        .await;
    assert!(assert_unsigned(&env, path, &body, "101").contains("not found"));

    // A merchant id in the path must be ours too.
    let (_, body) = api
        .post_raw(
            "/v1/merchant/1/cardstorage/list",
            "application/x-www-form-urlencoded",
            form(&api.signed("/v1/merchant/1/cardstorage/list", &[("pg_user_id", "u1")])),
        )
        .await;
    assert_unsigned(&env, "/v1/merchant/1/cardstorage/list", &body, "101");

    let mut fields = init_fields(&env, &[]);
    fields.set("pg_sig", "0123456789abcdef0123456789abcdef");
    let (_, body) = api
        .post_raw(path, "application/x-www-form-urlencoded", form(&fields))
        .await;
    let reply = api.verify(path, &body).unwrap();
    assert_eq!(reply.text("pg_error_code"), Some("9998"));
    assert_eq!(
        reply.text("pg_error_description"),
        Some("Некорректная подпись запроса")
    );

    // No salt: refused even with a signature that matches the rest.
    let mut fields = Fields::new();
    fields
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_amount", "10")
        .push("pg_description", "x");
    let sig = freedompay_sign::sign(
        &ScriptName::new("init_payment.php").unwrap(),
        &fields,
        &SecretKey::new(support::PAY_SECRET).unwrap(),
    )
    .unwrap();
    fields.push("pg_sig", sig.as_str());
    let (_, body) = api
        .post_raw(path, "application/x-www-form-urlencoded", form(&fields))
        .await;
    assert_eq!(
        api.verify(path, &body).unwrap().text("pg_error_code"),
        Some("9998")
    );

    // Signed with the payment secret for a payout endpoint: refused.
    let mut fields = Fields::new();
    fields
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_salt", "abc");
    let sig = freedompay_sign::sign(
        &ScriptName::new("balance_status").unwrap(),
        &fields,
        &SecretKey::new(support::PAY_SECRET).unwrap(),
    )
    .unwrap();
    fields.push("pg_sig", sig.as_str());
    let (_, body) = api
        .post_raw(
            "/api/balance_status",
            "application/x-www-form-urlencoded",
            form(&fields),
        )
        .await;
    assert_eq!(
        api.verify("/api/balance_status", &body)
            .unwrap()
            .text("pg_error_code"),
        Some("9998")
    );

    // The script is the path's last segment: signing as another script is refused.
    let mut fields = Fields::new();
    fields
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_payment_id", "1")
        .push("pg_salt", "abc");
    let sig = freedompay_sign::sign(
        &ScriptName::new("get_status.php").unwrap(),
        &fields,
        &SecretKey::new(support::PAY_SECRET).unwrap(),
    )
    .unwrap();
    fields.push("pg_sig", sig.as_str());
    let (_, body) = api
        .post_raw(
            "/get_status3.php",
            "application/x-www-form-urlencoded",
            form(&fields),
        )
        .await;
    assert_eq!(
        api.verify("/get_status3.php", &body)
            .unwrap()
            .text("pg_error_code"),
        Some("9998")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_errors_can_be_unsigned() {
    let env = start(config().signed_signature_errors(false)).await;
    let mut fields = init_fields(&env, &[]);
    fields.set("pg_sig", "00");
    let (_, body) = env
        .api
        .post_raw(
            "/init_payment.php",
            "application/x-www-form-urlencoded",
            form(&fields),
        )
        .await;
    assert_unsigned(&env, "/init_payment.php", &body, "9998");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_validated_with_signed_9403() {
    let env = start(config()).await;
    let api = &env.api;
    let long_order = "x".repeat(51);
    let long_description = "d".repeat(1025);
    let long_url = format!("https://shop.kz/{}", "u".repeat(250));
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("pg_amount", "0"), ("pg_description", "x")],
        vec![("pg_amount", "10.123"), ("pg_description", "x")],
        vec![("pg_amount", "100000000"), ("pg_description", "x")],
        vec![("pg_amount", "1e3"), ("pg_description", "x")],
        vec![("pg_amount", "10")],
        vec![("pg_amount", "10"), ("pg_description", &long_description)],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_order_id", &long_order),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_lifetime", "299"),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_lifetime", "604801"),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_user_id", "bad id"),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_result_url", "ftp://x"),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_result_url", &long_url),
        ],
        vec![
            ("pg_amount", "10"),
            ("pg_description", "x"),
            ("pg_request_method", "PUT"),
        ],
    ];
    for pairs in cases {
        let reply = api.call("/init_payment.php", &pairs).await;
        assert_eq!(
            reply.text("pg_error_code"),
            Some("9403"),
            "{pairs:?}: {reply:?}"
        );
        assert_eq!(reply.text("pg_status"), Some("error"));
    }
    let reply = api
        .call(
            "/init_payment.php",
            &[
                ("pg_amount", "99999999"),
                ("pg_description", "x"),
                ("pg_lifetime", "300"),
            ],
        )
        .await;
    assert_eq!(reply.text("pg_status"), Some("ok"));

    let long_key = "k".repeat(256);
    let reply = api
        .call(
            "/init_payment.php",
            &[
                ("pg_amount", "1"),
                ("pg_description", "x"),
                ("pg_idempotency_key", &long_key),
            ],
        )
        .await;
    assert_eq!(reply.text("pg_error_code"), Some("9403"));

    let reply = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_amount", "10"),
                ("pg_order_id", "p"),
                ("pg_description", "x"),
                ("pg_payment_to", "4671593866478253"),
            ],
        )
        .await;
    assert_eq!(
        reply.text("pg_error_code"),
        Some("9403"),
        "a PAN failing Luhn"
    );
    let reply = api
        .call(
            "/api/reg2nonreg",
            &[
                ("pg_amount", "10"),
                ("pg_order_id", "p"),
                ("pg_description", "x"),
                ("pg_order_time_limit", "2026-13-01 00:00:00"),
            ],
        )
        .await;
    assert_eq!(reply.text("pg_error_code"), Some("9403"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_returns_the_first_reply() {
    let env = start(config()).await;
    let api = &env.api;
    let pairs = [
        ("pg_amount", "10"),
        ("pg_description", "x"),
        ("pg_idempotency_key", "key-1"),
    ];
    let first = api.call("/init_payment.php", &pairs).await;
    let second = api.call("/init_payment.php", &pairs).await;
    assert_eq!(
        text(&first, "pg_payment_id"),
        text(&second, "pg_payment_id")
    );
    assert_ne!(
        text(&first, "pg_salt"),
        text(&second, "pg_salt"),
        "a fresh salt each time"
    );
    let third = api
        .call(
            "/init_payment.php",
            &[
                ("pg_amount", "10"),
                ("pg_description", "x"),
                ("pg_idempotency_key", "key-2"),
            ],
        )
        .await;
    assert_ne!(text(&first, "pg_payment_id"), text(&third, "pg_payment_id"));

    // A payout with a key moves money once.
    let before = api.balance().await;
    let payout = [
        ("pg_amount", "100"),
        ("pg_order_id", "po-1"),
        ("pg_description", "x"),
        ("pg_payment_to", "4671593866478252"),
        ("pg_idempotency_key", "po"),
    ];
    let a = api.call("/g2g/p2p2nonreg", &payout).await;
    let b = api.call("/g2g/p2p2nonreg", &payout).await;
    assert_eq!(text(&a, "pg_payment_id"), text(&b, "pg_payment_id"));
    assert_eq!(before, "1000000.00");
    assert_eq!(api.balance().await, "999900.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_nth_reply_carries_an_unknown_signed_element() {
    let env = start(config().unknown_element_every(1)).await;
    let reply = env.api.call("/api/balance_status", &[]).await;
    assert!(reply.text("pg_sandbox_trace").is_some(), "{reply:?}");
    let env = start(config().unknown_element_every(0)).await;
    for _ in 0..5 {
        let reply = env.api.call("/api/balance_status", &[]).await;
        assert!(reply.text("pg_sandbox_trace").is_none());
    }
    let env = start(config().unknown_element_every(2)).await;
    let first = env.api.call("/api/balance_status", &[]).await;
    let second = env.api.call("/api/balance_status", &[]).await;
    assert!(first.text("pg_sandbox_trace").is_none() && second.text("pg_sandbox_trace").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_xml_with_a_response_root_and_a_fresh_salt() {
    let env = start(config().unknown_element_every(0)).await;
    let (status, body) = env
        .api
        .post_raw(
            "/api/balance_status",
            "application/x-www-form-urlencoded",
            form(&env.api.signed("/api/balance_status", &[])),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_balance>1000000.00</pg_balance><pg_status>ok</pg_status><pg_salt>"), "{body}");
    let doc = freedompay_xml::parse(body.as_bytes()).unwrap();
    assert_eq!(doc.root_name(), "response");
    assert_eq!(doc.text("pg_sig").map(str::len), Some(32));
}
