//! What real FreedomPay clients found missing: the legacy endpoints they still call, the
//! exact XML content type, XML errors for unknown paths, host names for `--addr`, and faults
//! that are checked instead of silently doing nothing.

mod support;

use freedompay_sandbox::{Fault, FaultError, Sandbox, SandboxThread};
use serde_json::json;
use support::{MERCHANT, config, form, start, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_status_php_answers_like_get_status2_by_payment_id() {
    let env = start(config()).await;
    let api = &env.api;
    let id = api
        .init_payment("150.00", &[("pg_order_id", "legacy-1")])
        .await;
    let reply = api
        .call("/get_status.php", &[("pg_payment_id", id.as_str())])
        .await;
    assert_eq!(text(&reply, "pg_status"), "ok");
    assert_eq!(text(&reply, "pg_payment_id"), id);
    assert_eq!(text(&reply, "pg_transaction_status"), "partial");
    assert_eq!(text(&reply, "pg_captured"), "0");

    api.pay(&id, "4716047261941981").await;
    let reply = api
        .call("/get_status.php", &[("pg_payment_id", id.as_str())])
        .await;
    assert_eq!(text(&reply, "pg_transaction_status"), "ok");
    assert_eq!(text(&reply, "pg_captured"), "1");
    assert!(reply.text("pg_card_pan").is_some(), "{reply:?}");
    // The same as get_status2 says for the order.
    let by_order = api
        .call("/get_status2.php", &[("pg_order_id", "legacy-1")])
        .await;
    assert_eq!(
        by_order.text("pg_transaction_status"),
        reply.text("pg_transaction_status")
    );

    // As a PHP client sends it: a signed GET query; the reply says text/xml; charset=UTF-8.
    let query = form(&api.signed("/get_status.php", &[("pg_payment_id", id.as_str())]));
    let response = api
        .http
        .get(api.url(&format!("/get_status.php?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/xml; charset=UTF-8"
    );
    let body = response.text().await.unwrap();
    let by_get = api.verify("/get_status.php", &body).unwrap().into_fields();
    assert_eq!(text(&by_get, "pg_transaction_status"), "ok");

    // A payout is found by its id too.
    let payout = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_amount", "10"),
                ("pg_order_id", "legacy-p"),
                ("pg_description", "x"),
                ("pg_payment_to", "4671593866478252"),
            ],
        )
        .await;
    let payout_id = text(&payout, "pg_payment_id").to_owned();
    let reply = api
        .call("/get_status.php", &[("pg_payment_id", payout_id.as_str())])
        .await;
    assert_eq!(text(&reply, "pg_transaction_status"), "ok");

    // Not found: the signed error 340 of get_status2, with pg_payment_id 0.
    let reply = api
        .call("/get_status.php", &[("pg_payment_id", "999999")])
        .await;
    assert_eq!(text(&reply, "pg_status"), "error");
    assert_eq!(text(&reply, "pg_error_code"), "340");
    assert_eq!(text(&reply, "pg_payment_id"), "0");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_cardstorage_add_opens_the_card_add_page() {
    let env = start(config()).await;
    let api = &env.api;
    let path = format!("/v1/merchant/{MERCHANT}/cardstorage/add");
    let reply = api
        .call(&path, &[("pg_user_id", "user-7"), ("pg_order_id", "c-1")])
        .await;
    assert_eq!(text(&reply, "pg_status"), "ok");
    assert_eq!(text(&reply, "pg_order_id"), "c-1");
    let page = text(&reply, "pg_redirect_url").to_owned();
    assert!(page.contains("/card/add/"), "{page}");
    let id = page.rsplit('/').next().unwrap();
    let (status, added) = api
        .control(
            "POST",
            &format!("/_sandbox/cards/{id}/add"),
            json!({"card": "4716047261941981"}),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let list = api
        .call(
            &format!("/v1/merchant/{MERCHANT}/cardstorage/list"),
            &[("pg_user_id", "user-7")],
        )
        .await;
    assert_eq!(list.get_all("card").count(), 1);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_replies_say_text_xml_utf8() {
    let env = start(config()).await;
    let api = &env.api;
    let path = "/api/balance_status";
    for body in [form(&api.signed(path, &[])), "pg_merchant_id=1".to_owned()] {
        let response = api
            .http
            .post(api.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "text/xml; charset=UTF-8"
        );
    }
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_get_an_xml_error() {
    let env = start(config()).await;
    let api = &env.api;
    // A known merchant: a signed error, script = the last segment, the payment secret.
    let path = "/no_such_script.php";
    let (status, body) = api
        .post_raw(
            path,
            "application/x-www-form-urlencoded",
            form(&api.signed(path, &[("pg_payment_id", "1")])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let reply = api
        .verify(path, &body)
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .into_fields();
    assert_eq!(text(&reply, "pg_status"), "error");
    assert_eq!(text(&reply, "pg_error_code"), "9403");
    assert!(text(&reply, "pg_error_description").contains(path));

    // No merchant (a browser, a bare GET): the unsigned error 101.
    let (status, body) = api.get_raw("/v2/whatever").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<pg_error_code>101</pg_error_code>"),
        "{body}"
    );
    assert!(!body.contains("pg_sig"), "{body}");

    // A path without a script name (a trailing slash): nothing to sign with.
    let (status, body) = api
        .post_raw(
            "/api/",
            "application/x-www-form-urlencoded",
            form(&api.signed("/init_payment.php", &[])),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<pg_error_code>9403</pg_error_code>"),
        "{body}"
    );
    assert!(!body.contains("pg_sig"), "{body}");

    // The control API's unknown routes stay JSON.
    let (status, json) = api.control("GET", "/_sandbox/nothing", json!(null)).await;
    assert_eq!(status, 404);
    assert!(json["error"].as_str().is_some(), "{json}");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_name_address_works() {
    let sandbox = Sandbox::bind(config(), "localhost:0").await.unwrap();
    assert!(sandbox.addr().ip().is_loopback());
    let (status, _) = support::http()
        .get(sandbox.url("/_sandbox/balance"))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 200);
    sandbox.shutdown().await;
    assert!(Sandbox::bind(config(), "nowhere").await.is_err());
}

#[test]
fn a_sandbox_thread_binds_a_host_name() {
    let sandbox = SandboxThread::bind(config(), "localhost:0").unwrap();
    assert!(sandbox.addr().ip().is_loopback());
    assert_eq!(sandbox.balance_minor(), 100_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_that_could_never_apply_are_refused() {
    let env = start(config()).await;
    let api = &env.api;
    for (fault, word) in [
        (
            json!({"path": "api/balance_status", "latency_ms": 10}),
            "'/'",
        ),
        (json!({"status_5xx": 404}), "500 to 599"),
        (
            json!({"path": "/api/balance_status", "status_5xx": 600}),
            "500 to 599",
        ),
    ] {
        let (status, json) = api.control("POST", "/_sandbox/faults", fault.clone()).await;
        assert_eq!(status, 400, "{fault}: {json}");
        let error = json["error"].as_str().unwrap_or_default();
        assert!(error.contains(word), "{fault}: {error}");
    }
    let (_, list) = api.control("GET", "/_sandbox/faults", json!(null)).await;
    assert_eq!(list, json!([]), "nothing was set");
    let (status, _) = api
        .control("POST", "/_sandbox/faults", json!({"status_5xx": 599}))
        .await;
    assert_eq!(status, 200);

    // The Rust API says the same.
    assert_eq!(
        env.sandbox
            .try_set_fault(Some("init_payment.php"), Fault::default()),
        Err(FaultError::PathWithoutSlash("init_payment.php".into()))
    );
    assert_eq!(
        env.sandbox.try_set_fault(
            None,
            Fault {
                status_5xx: Some(200),
                ..Fault::default()
            }
        ),
        Err(FaultError::StatusNot5xx(200))
    );
    env.sandbox.shutdown().await;
}
