//! Injected faults, global and per path, forever or for the next N requests.

mod support;

use std::time::{Duration, Instant};

use freedompay_sandbox::Fault;
use freedompay_xml::ResponseError;
use serde_json::json;
use support::{config, form, start};

async fn balance_request(api: &support::Api) -> Result<(u16, String), reqwest::Error> {
    let response = api
        .http
        .post(api.url("/api/balance_status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&api.signed("/api/balance_status", &[])))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_5xx_and_unsigned_errors() {
    let env = start(config()).await;
    let api = &env.api;
    env.sandbox.set_fault(
        None,
        Fault {
            latency_ms: 300,
            count: Some(1),
            ..Fault::default()
        },
    );
    let started = Instant::now();
    let (status, _) = balance_request(api).await.unwrap();
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    // `count: 1`: used up.
    let (_, list) = api.control("GET", "/_sandbox/faults", json!(null)).await;
    assert_eq!(list, json!([]));

    let (code, _) = api
        .control(
            "POST",
            "/_sandbox/faults",
            json!({"path": "/api/balance_status", "status_5xx": 503}),
        )
        .await;
    assert_eq!(code, 200);
    let (status, body) = balance_request(api).await.unwrap();
    assert_eq!(status, 503);
    assert!(body.contains("<html>") && body.contains("503"), "{body}");
    // Only that path.
    let reply = api
        .call(
            "/init_payment.php",
            &[("pg_amount", "1"), ("pg_description", "x")],
        )
        .await;
    assert_eq!(reply.text("pg_status"), Some("ok"));
    let (_, list) = api.control("GET", "/_sandbox/faults", json!(null)).await;
    assert_eq!(list[0]["path"], "/api/balance_status");
    api.control("DELETE", "/_sandbox/faults", json!(null)).await;
    assert_eq!(balance_request(api).await.unwrap().0, 200);

    api.control(
        "POST",
        "/_sandbox/faults",
        json!({"unsigned_error": true, "error_code": 9999}),
    )
    .await;
    let (_, body) = balance_request(api).await.unwrap();
    match api.verify("/api/balance_status", &body) {
        Err(ResponseError::Unsigned(reply)) => assert_eq!(reply.error_code(), Some("9999")),
        other => panic!("{other:?}"),
    }
    let (code, _) = api
        .control("POST", "/_sandbox/faults", json!({"nonsense": 1}))
        .await;
    assert_eq!(code, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_truncated_bodies_and_wrong_signatures_still_do_the_work() {
    let env = start(config()).await;
    let api = &env.api;
    let payout = |order: &'static str| {
        let fields = api.signed(
            "/g2g/p2p2nonreg",
            &[
                ("pg_order_id", order),
                ("pg_amount", "10"),
                ("pg_description", "x"),
                ("pg_payment_to", "4671593866478252"),
            ],
        );
        api.http
            .post(api.url("/g2g/p2p2nonreg"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&fields))
            .send()
    };

    env.sandbox.set_fault(
        Some("/g2g/p2p2nonreg"),
        Fault {
            drop_connection: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let dropped = payout("d-1").await;
    assert!(dropped.is_err(), "the connection is closed without a reply");
    // The payout happened: the client must reconcile with a status query.
    let status = api
        .call("/api/payment_status2", &[("pg_order_id", "d-1")])
        .await;
    assert_eq!(status.text("pg_payment_status"), Some("success"));

    env.sandbox.set_fault(
        Some("/g2g/p2p2nonreg"),
        Fault {
            truncate_body: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let response = payout("t-1").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.is_err(), "the body ends early");
    let status = api
        .call("/api/payment_status2", &[("pg_order_id", "t-1")])
        .await;
    assert_eq!(status.text("pg_payment_status"), Some("success"));

    env.sandbox.set_fault(
        None,
        Fault {
            wrong_signature: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let body = payout("w-1").await.unwrap().text().await.unwrap();
    assert_eq!(
        api.verify("/g2g/p2p2nonreg", &body),
        Err(ResponseError::Mismatch)
    );
    // Back to normal.
    let body = payout("w-2").await.unwrap().text().await.unwrap();
    assert!(api.verify("/g2g/p2p2nonreg", &body).is_ok());
    assert_eq!(api.balance().await, "999960.00");
}
