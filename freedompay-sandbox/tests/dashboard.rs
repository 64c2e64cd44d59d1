//! The dashboard at `/` (escaped output, its buttons) and the replay of a callback through the
//! control API (`POST /_sandbox/callbacks/{id}/replay`) and the dashboard. The same pages in
//! a real browser: `freedompay-browser-tests`.

mod support;

use serde_json::json;
use support::{Api, Merchant, PAY_SECRET, Plan, config, start, text, verify_callback};

const PAYING_CARD: &str = "4716047261941981";

async fn get(api: &Api, path: &str) -> (u16, String, String) {
    let response = api.http.get(api.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// Posts a dashboard form; the `Location` it sends the browser back to.
async fn click(api: &Api, action: &str, form: &str) -> String {
    let response = api
        .http
        .post(api.url(&format!("/_sandbox/dashboard/{action}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "{action}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_untrusted_text_as_text() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/result", vec![Plan::Unsigned("ok")]);
    let api = &env.api;
    let evil = "<script>alert(1)</script>";
    let reply = api
        .call(
            "/init_payment.php",
            &[
                ("pg_amount", "10.00"),
                ("pg_order_id", evil),
                ("pg_description", "\"quoted\" & <b>bold</b> 'single'"),
                ("pg_result_url", &shop.url("/shop/result")),
                ("pg_success_url", &shop.url("/shop/ok?x=<img/src=x>")),
            ],
        )
        .await;
    let id = text(&reply, "pg_payment_id").to_owned();
    api.pay(&id, PAYING_CARD).await;

    let (status, content_type, page) = get(api, "/").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains(evil));
    assert!(!page.contains("<b>bold"));
    assert!(!page.contains("<img/src=x>"));
    assert!(page.contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; &#39;single&#39;"));
    // The page's own polling script is the only script.
    assert_eq!(page.matches("<script").count(), 1);
    // The merchant's unsigned reply is shown as such, and as text.
    assert!(
        page.contains("signature <span class=\"bad\">unsigned</span>"),
        "{page}"
    );
    assert!(page.contains("&lt;response&gt;"));

    // The live part the page fetches again is escaped the same way.
    let (status, _, live) = get(api, "/_sandbox/dashboard/live").await;
    assert_eq!(status, 200);
    assert!(live.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!live.contains("<script"));

    // A notice in the query is text too.
    let (_, _, page) = get(api, "/?error=%3Cscript%3Ex%3C%2Fscript%3E").await;
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert_eq!(page.matches("<script").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_is_replayed_with_the_same_signed_message() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    // The first delivery fails; the replays then meet a good reply, then an unsigned one.
    shop.plan(
        "/shop/result",
        vec![
            Plan::Status(500),
            Plan::Signed("ok"),
            Plan::Signed("ok"),
            Plan::Unsigned("ok"),
        ],
    );
    let api = &env.api;
    let id = api
        .init_payment("25.00", &[("pg_result_url", &shop.url("/shop/result"))])
        .await;
    api.pay(&id, PAYING_CARD).await;
    let callbacks = api
        .control("GET", "/_sandbox/callbacks", json!(null))
        .await
        .1;
    assert_eq!(callbacks[0]["state"], "pending", "{callbacks}");
    assert!(callbacks[0]["next_attempt_at"].is_string());

    // Replay through the control API: accepted, and no longer pending.
    let (status, replay) = api
        .control("POST", "/_sandbox/callbacks/1/replay", json!(null))
        .await;
    assert_eq!(status, 200, "{replay}");
    assert_eq!(replay["accepted"], true);
    assert_eq!(replay["attempt"]["reply_status"], "ok");
    assert_eq!(replay["callback"]["state"], "delivered");
    assert_eq!(replay["callback"]["next_attempt_at"], json!(null));
    assert_eq!(replay["callback"]["attempts"].as_array().unwrap().len(), 2);

    // Through the dashboard's button: one more attempt, and a note of what happened.
    let location = click(api, "replay", "id=1").await;
    assert!(
        location.starts_with("/?note=Callback%201%20replayed"),
        "{location}"
    );
    assert!(location.contains("accepted"), "{location}");

    // A replay the merchant answers badly is recorded, and the callback stays delivered.
    let (status, replay) = api
        .control("POST", "/_sandbox/callbacks/1/replay", json!(null))
        .await;
    assert_eq!(status, 200);
    assert_eq!(replay["accepted"], false);
    assert_eq!(replay["attempt"]["error"], "the reply is not signed");
    assert_eq!(replay["callback"]["state"], "delivered");
    assert_eq!(replay["callback"]["attempts"].as_array().unwrap().len(), 4);

    // Every delivery carried the same signed message.
    let received = shop.received("/shop/result");
    assert_eq!(received.len(), 4);
    for r in &received {
        verify_callback(r, PAY_SECRET);
        assert_eq!(r.fields.text("pg_sig"), received[0].fields.text("pg_sig"));
        assert_eq!(r.fields.text("pg_payment_id"), Some(id.as_str()));
    }
    // The payment did not change.
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");

    let (_, _, page) = get(api, "/").await;
    assert!(page.contains("<span class=\"attempts\">4</span>"), "{page}");
    assert!(page.contains("signature <span class=\"ok\">valid</span>"));

    let (status, json) = api
        .control("POST", "/_sandbox/callbacks/99/replay", json!(null))
        .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (404, Some("callback not found"))
    );
    let location = click(api, "replay", "id=99").await;
    assert!(location.starts_with("/?error="), "{location}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_buttons_pay_complete_advance_and_set_faults() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let id = api.init_payment("40.00", &[("pg_order_id", "o-1")]).await;
    let (_, _, page) = get(api, "/").await;
    assert!(page.contains(&format!("<tr id=\"payment-{id}\">")));
    assert!(page.contains("Pay with test card 4716…1981"));

    let location = click(api, "pay", &format!("id={id}&card={PAYING_CARD}")).await;
    assert_eq!(location, format!("/?note=Payment%20{id}%3A%20success."));
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    let (_, _, page) = get(api, &location).await;
    assert!(page.contains(&format!("Payment {id}: success.")));
    assert!(page.contains("1000040.00"), "the balance");

    // A payout in process (test card 5507…: process, then success) completed by a button.
    let reply = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_order_id", "p-1"),
                ("pg_amount", "100"),
                ("pg_description", "payout"),
                ("pg_payment_to", "5507841999732294"),
                ("pg_post_link", &shop.url("/shop/payout")),
            ],
        )
        .await;
    let payout = text(&reply, "pg_payment_id").to_owned();
    let (_, _, page) = get(api, "/").await;
    assert!(
        page.contains("class=\"payout-complete\">Complete</button>"),
        "{page}"
    );
    let location = click(
        api,
        "payout-complete",
        &format!("id={payout}&status=success"),
    )
    .await;
    assert_eq!(location, format!("/?note=Payout%20{payout}%3A%20success."));
    shop.wait_for("/shop/payout", 1).await;

    // Faults: set, shown, cleared.
    let location = click(
        api,
        "fault",
        "kind=status_5xx&value=503&path=%2Finit_payment.php&count=2",
    )
    .await;
    assert_eq!(location, "/?note=Fault%20set.");
    let faults = api.control("GET", "/_sandbox/faults", json!(null)).await.1;
    assert_eq!(faults[0]["path"], "/init_payment.php");
    assert_eq!(faults[0]["fault"]["status_5xx"], 503);
    assert_eq!(faults[0]["fault"]["count"], 2);
    let (_, _, page) = get(api, "/").await;
    assert!(
        page.contains("/init_payment.php: status_5xx = 503 (the next 2 requests)"),
        "{page}"
    );
    let location = click(api, "fault", "kind=status_5xx&value=404").await;
    assert!(location.starts_with("/?error=Fault%20set%3A"), "{location}");
    click(api, "faults-clear", "").await;
    let faults = api.control("GET", "/_sandbox/faults", json!(null)).await.1;
    assert_eq!(faults, json!([]));

    // Time.
    let location = click(api, "advance", "seconds=3600").await;
    assert!(location.contains("2026-01-01%2006%3A00%3A00"), "{location}");
    let location = click(api, "advance", "seconds=soon").await;
    assert!(location.starts_with("/?error="));
    let location = click(api, "explode", "").await;
    assert!(location.starts_with("/?error="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_request_to_the_root_still_gets_an_xml_error() {
    let env = start(config()).await;
    let api = &env.api;
    let (status, body) = api
        .post_raw(
            "/",
            "application/x-www-form-urlencoded",
            "pg_merchant_id=545000".into(),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("<pg_error_code>"), "{body}");
    let (status, body) = api.get_raw("/?pg_merchant_id=545000&pg_salt=x").await;
    assert_eq!(status, 200);
    assert!(body.contains("<pg_error_code>"), "{body}");
    let (_, content_type, page) = get(api, "/").await;
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("<h1>FreedomPay sandbox</h1>"));
}
