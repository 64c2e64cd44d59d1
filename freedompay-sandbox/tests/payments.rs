//! Payments end to end: pages, test cards, check and result callbacks (and `rejected`),
//! redirects, retries, clearing and refunds, recurring, saved cards, mobile commerce.

mod support;

use std::time::Duration;

use freedompay_sandbox::{ClockMode, RetrySchedule};
use serde_json::json;
use support::{Merchant, PAY_SECRET, Plan, config, start, text, verify_callback};

const PAYING_CARD: &str = "4716047261941981";

fn verify_redirect(url: &str) -> support::Received {
    let (base, query) = url.split_once('?').unwrap();
    let path = base.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
    let received = support::Received {
        method: "GET".into(),
        path,
        query: query.into(),
        fields: support::decode_form(query),
        xml: false,
    };
    verify_callback(&received, PAY_SECRET);
    received
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_and_result_callbacks_and_the_signed_redirect() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let id = api
        .init_payment(
            "1500.00",
            &[
                ("pg_order_id", "order-1"),
                ("pg_check_url", &shop.url("/shop/check")),
                ("pg_result_url", &shop.url("/shop/result")),
                ("pg_success_url", &shop.url("/shop/ok?lang=ru")),
                ("pg_failure_url", &shop.url("/shop/fail")),
                ("cart", "42"),
            ],
        )
        .await;
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "new");

    let paid = api.pay(&id, PAYING_CARD).await;
    assert_eq!(paid["status"], "success", "{paid}");

    let check = &shop.received("/shop/check")[0];
    assert_eq!(check.method, "POST");
    verify_callback(check, PAY_SECRET);
    assert_eq!(check.fields.text("pg_payment_id"), Some(id.as_str()));
    assert_eq!(check.fields.text("pg_amount"), Some("1500.00"));
    assert_eq!(check.fields.text("pg_can_reject"), Some("1"));
    assert_eq!(
        check.fields.text("cart"),
        Some("42"),
        "merchant params are echoed"
    );

    let result = &shop.received("/shop/result")[0];
    verify_callback(result, PAY_SECRET);
    assert_eq!(result.fields.text("pg_result"), Some("1"));
    assert_eq!(result.fields.text("pg_can_reject"), Some("0"));
    assert_eq!(
        result.fields.text("pg_card_pan"),
        Some("4716-04XX-XXXX-1981")
    );
    assert_eq!(
        result.fields.text("pg_payment_date"),
        Some("2026-01-01 05:00:00")
    );

    // The payer goes to the success URL with a signed query (the URL's own `lang` included).
    let redirect = paid["redirect_url"].as_str().unwrap();
    let back = verify_redirect(redirect);
    assert_eq!(back.fields.text("lang"), Some("ru"));
    assert_eq!(back.fields.text("pg_order_id"), Some("order-1"));

    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    assert_eq!(text(&status, "pg_captured"), "1");
    assert_eq!(api.balance().await, "1001500.00");

    let callbacks = api
        .control("GET", "/_sandbox/callbacks", json!(null))
        .await
        .1;
    let kinds: Vec<&str> = callbacks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["check", "result"]);
    assert_eq!(callbacks[1]["state"], "delivered");
    assert_eq!(callbacks[1]["attempts"][0]["reply_status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_and_xml_callbacks_are_signed_over_what_they_carry() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let get = api
        .init_payment(
            "10",
            &[
                (
                    "pg_result_url",
                    &shop.url("/cb/index.php?dispatch=result&x=1"),
                ),
                ("pg_request_method", "GET"),
            ],
        )
        .await;
    api.pay(&get, PAYING_CARD).await;
    let received = &shop.received("/cb/index.php")[0];
    assert_eq!(received.method, "GET");
    assert_eq!(received.fields.text("dispatch"), Some("result"));
    verify_callback(received, PAY_SECRET);

    let xml = api
        .init_payment(
            "10",
            &[
                ("pg_result_url", &shop.url("/cb/xml")),
                ("pg_request_method", "XML"),
            ],
        )
        .await;
    api.pay(&xml, PAYING_CARD).await;
    let received = &shop.received("/cb/xml")[0];
    assert!(received.xml);
    verify_callback(received, PAY_SECRET);
    assert_eq!(received.fields.text("pg_payment_id"), Some(xml.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_check_fails_the_payment_and_other_cards_are_declined() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/check", vec![Plan::Signed("rejected")]);
    let api = &env.api;
    let id = api
        .init_payment(
            "10",
            &[
                ("pg_check_url", &shop.url("/shop/check")),
                ("pg_result_url", &shop.url("/shop/result")),
                ("pg_failure_url", &shop.url("/shop/fail")),
            ],
        )
        .await;
    let paid = api.pay(&id, PAYING_CARD).await;
    assert_eq!(paid["status"], "error");
    assert_eq!(paid["failure_code"], 5);
    assert!(
        paid["redirect_url"]
            .as_str()
            .unwrap()
            .starts_with(&shop.url("/shop/fail?"))
    );
    let result = &shop.received("/shop/result")[0];
    assert_eq!(result.fields.text("pg_result"), Some("0"));
    let status = api
        .call("/get_status2.php", &[("pg_order_id", "none")])
        .await;
    assert_eq!(text(&status, "pg_payment_id"), "0");
    assert_eq!(text(&status, "pg_error_code"), "340");

    // An unsigned check reply does not confirm the payment either.
    shop.plan("/shop/check", vec![Plan::Unsigned("ok")]);
    let id = api
        .init_payment("10", &[("pg_check_url", &shop.url("/shop/check"))])
        .await;
    assert_eq!(api.pay(&id, PAYING_CARD).await["status"], "error");

    // A valid card that is not a purchase test card is declined, with no check at all.
    let checks = shop.received("/shop/check").len();
    let id = api
        .init_payment("10", &[("pg_check_url", &shop.url("/shop/check"))])
        .await;
    let paid = api.pay(&id, "4111111111111111").await;
    assert_eq!(paid["status"], "error");
    assert_eq!(paid["failure_description"], "Transaction declined");
    assert_eq!(shop.received("/shop/check").len(), checks);
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "error");
    assert_eq!(text(&status, "pg_failure_code"), "5");
    assert_eq!(api.balance().await, "1000000.00");

    // A paid payment cannot be paid again.
    let (status, _) = api
        .control(
            "POST",
            &format!("/_sandbox/payments/{id}/pay"),
            json!({"card": PAYING_CARD}),
        )
        .await;
    assert_eq!(status, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_on_result_is_honoured_only_where_allowed() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/result", vec![Plan::Signed("rejected")]);
    let api = &env.api;
    // One-step: pg_can_reject=0, the rejection is ignored.
    let id = api
        .init_payment("10", &[("pg_result_url", &shop.url("/shop/result"))])
        .await;
    assert_eq!(api.pay(&id, PAYING_CARD).await["status"], "success");
    assert_eq!(
        shop.received("/shop/result")[0]
            .fields
            .text("pg_can_reject"),
        Some("0")
    );
    // Two-step: pg_can_reject=1, the hold is released.
    let id = api
        .init_payment(
            "10",
            &[
                ("pg_result_url", &shop.url("/shop/result")),
                ("pg_auto_clearing", "0"),
            ],
        )
        .await;
    let paid = api.pay(&id, PAYING_CARD).await;
    assert_eq!(
        shop.received("/shop/result")[1]
            .fields
            .text("pg_can_reject"),
        Some("1")
    );
    assert_eq!(paid["status"], "revoked", "{paid}");
    assert_eq!(api.balance().await, "1000010.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_on_the_schedule() {
    let config = config()
        .clock(ClockMode::Real)
        .callback_retry(RetrySchedule {
            interval: Duration::from_millis(60),
            retries: 3,
        })
        .tick(Duration::from_millis(10));
    let env = start(config).await;
    let shop = Merchant::start().await;
    shop.plan(
        "/shop/result",
        vec![Plan::Status(500), Plan::Unsigned("ok"), Plan::Signed("ok")],
    );
    let api = &env.api;
    let id = api
        .init_payment("10", &[("pg_result_url", &shop.url("/shop/result"))])
        .await;
    api.pay(&id, PAYING_CARD).await;
    let got = shop.wait_for("/shop/result", 3).await;
    for received in &got {
        verify_callback(received, PAY_SECRET);
    }
    assert_eq!(
        got[0].fields, got[2].fields,
        "every attempt sends the same message"
    );
    let mut state = json!(null);
    for _ in 0..100 {
        state = api
            .control("GET", "/_sandbox/callbacks", json!(null))
            .await
            .1;
        if state[0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(state[0]["state"], "delivered", "{state}");
    let attempts = state[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[0]["http_status"], 500);
    assert_eq!(attempts[1]["error"], "the reply is not signed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_schedule_gives_up_after_two_hours() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/result", vec![Plan::Status(503)]);
    let api = &env.api;
    let id = api
        .init_payment("10", &[("pg_result_url", &shop.url("/shop/result"))])
        .await;
    api.pay(&id, PAYING_CARD).await;
    assert_eq!(shop.received("/shop/result").len(), 1);
    env.sandbox.advance(Duration::from_secs(29 * 60)).await;
    assert_eq!(
        shop.received("/shop/result").len(),
        1,
        "not yet: every 30 minutes"
    );
    for expected in 2..=5 {
        let attempted = env.sandbox.advance(Duration::from_secs(30 * 60)).await;
        assert_eq!(attempted, 1);
        assert_eq!(shop.received("/shop/result").len(), expected);
    }
    env.sandbox.advance(Duration::from_secs(3600)).await;
    assert_eq!(shop.received("/shop/result").len(), 5);
    let callbacks = api
        .control("GET", "/_sandbox/callbacks", json!(null))
        .await
        .1;
    assert_eq!(callbacks[0]["state"], "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_and_refund_rules() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let id = api
        .init_payment(
            "100",
            &[
                ("pg_auto_clearing", "0"),
                ("pg_capture_url", &shop.url("/shop/capture")),
                ("pg_refund_url", &shop.url("/shop/refund")),
            ],
        )
        .await;
    let err = |r: &freedompay_sign::Fields| r.text("pg_error_code").map(str::to_owned);
    // Nothing to clear or refund before payment.
    assert_eq!(
        err(&api.call("/do_capture.php", &[("pg_payment_id", &id)]).await).as_deref(),
        Some("9403")
    );
    api.pay(&id, PAYING_CARD).await;
    assert_eq!(
        api.balance().await,
        "1000000.00",
        "a hold does not move the balance"
    );
    assert_eq!(
        err(&api.call("/revoke.php", &[("pg_payment_id", &id)]).await).as_deref(),
        Some("9403"),
        "no refund before clearing"
    );
    assert_eq!(
        err(&api
            .call(
                "/do_capture.php",
                &[("pg_payment_id", &id), ("pg_clearing_amount", "100.01")]
            )
            .await)
        .as_deref(),
        Some("9403")
    );
    let captured = api
        .call(
            "/do_capture.php",
            &[("pg_payment_id", &id), ("pg_clearing_amount", "60")],
        )
        .await;
    assert_eq!(text(&captured, "pg_status"), "ok");
    assert_eq!(text(&captured, "pg_amount"), "100.00");
    assert_eq!(text(&captured, "pg_clearing_amount"), "60.00");
    assert_eq!(api.balance().await, "1000060.00");
    verify_callback(&shop.wait_for("/shop/capture", 1).await[0], PAY_SECRET);
    assert_eq!(
        err(&api.call("/cancel.php", &[("pg_payment_id", &id)]).await).as_deref(),
        Some("9403"),
        "no cancel after clearing"
    );
    assert_eq!(
        err(&api
            .call(
                "/revoke.php",
                &[("pg_payment_id", &id), ("pg_refund_amount", "70")]
            )
            .await)
        .as_deref(),
        Some("9403")
    );
    let refund = api
        .call(
            "/revoke.php",
            &[("pg_payment_id", &id), ("pg_refund_amount", "20")],
        )
        .await;
    assert!(refund.text("pg_revoke_payment_id").is_some());
    let refund_cb = &shop.wait_for("/shop/refund", 1).await[0];
    verify_callback(refund_cb, PAY_SECRET);
    assert_eq!(refund_cb.fields.text("pg_refund_amount"), Some("20.00"));
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    assert_eq!(text(&status, "pg_refund_amount"), "-20.00");
    let refunds = status
        .get("pg_refund_payments")
        .and_then(|v| v.as_map())
        .unwrap();
    assert_eq!(refunds.get_all("pg_refund_payment").count(), 1);
    api.call("/revoke.php", &[("pg_payment_id", &id)]).await;
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "revoked");
    assert_eq!(api.balance().await, "1000000.00");
    assert_eq!(
        err(&api.call("/revoke.php", &[("pg_payment_id", &id)]).await).as_deref(),
        Some("9403")
    );
    assert_eq!(
        err(&api
            .call("/cancel.php", &[("pg_payment_id", "424242")])
            .await)
        .as_deref(),
        Some("340")
    );

    // Cancel releases an uncleared hold; an untouched hold clears itself after 5 days.
    let held = api.init_payment("30", &[("pg_auto_clearing", "0")]).await;
    api.pay(&held, PAYING_CARD).await;
    let cancel = api.call("/cancel.php", &[("pg_payment_id", &held)]).await;
    assert!(cancel.text("pg_cancel_payment_id").is_some(), "{cancel:?}");
    let held = api.init_payment("30", &[("pg_auto_clearing", "0")]).await;
    api.pay(&held, PAYING_CARD).await;
    env.sandbox.advance(Duration::from_secs(5 * 86_400)).await;
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &held)])
        .await;
    assert_eq!(text(&status, "pg_captured"), "1");
    assert_eq!(api.balance().await, "1000030.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payment_page_takes_a_test_card_and_redirects() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let reply = api
        .call(
            "/init_payment.php",
            &[
                ("pg_amount", "99.90"),
                ("pg_description", "Книга"),
                ("pg_success_url", &shop.url("/shop/ok")),
            ],
        )
        .await;
    let page_url = text(&reply, "pg_redirect_url").to_owned();
    let page = api
        .http
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("99.90") && page.contains("Книга") && page.contains("<form"),
        "{page}"
    );
    let response = api
        .http
        .post(&page_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("pg_card_number=4716+0472+6194+1981&pg_card_exp=01%2F29&pg_card_cvc=123&pg_card_holder=IVAN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&shop.url("/shop/ok?")));
    verify_redirect(&location);

    // payment.php: the browser is sent to the page.
    let fields = api.signed(
        "/payment.php",
        &[("pg_amount", "5"), ("pg_description", "x")],
    );
    let response = api
        .http
        .get(api.url(&format!("/payment.php?{}", support::form(&fields))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("/pay/")
    );

    // Any amount: the payer chooses within the interval.
    let reply = api
        .call(
            "/g2g/any_amount",
            &[
                ("pg_description", "tips"),
                ("pg_amount_interval_from", "100"),
                ("pg_amount_interval_to", "500"),
            ],
        )
        .await;
    assert!(reply.text("pg_redirect_qr").is_some());
    let id = text(&reply, "pg_payment_id").to_owned();
    let (status, _) = api
        .control(
            "POST",
            &format!("/_sandbox/payments/{id}/pay"),
            json!({"card": PAYING_CARD, "amount": "600"}),
        )
        .await;
    assert_eq!(status, 400);
    let (_, paid) = api
        .control(
            "POST",
            &format!("/_sandbox/payments/{id}/pay"),
            json!({"card": PAYING_CARD, "amount": "250.50"}),
        )
        .await;
    assert_eq!(paid["payment"]["amount"], "250.50");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recurring_payments_charge_the_profile_card() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let id = api
        .init_payment(
            "10",
            &[
                ("pg_recurring_start", "1"),
                ("pg_result_url", &shop.url("/shop/result")),
            ],
        )
        .await;
    api.pay(&id, PAYING_CARD).await;
    let profile = shop.received("/shop/result")[0]
        .fields
        .text("pg_recurring_profile_id")
        .unwrap()
        .to_owned();
    let reply = api
        .call(
            "/make_recurring_payment.php",
            &[
                ("pg_recurring_profile", &profile),
                ("pg_amount", "7.50"),
                ("pg_description", "monthly"),
                ("pg_result_url", &shop.url("/shop/result")),
            ],
        )
        .await;
    assert_eq!(text(&reply, "pg_status"), "ok", "{reply:?}");
    assert_eq!(text(&reply, "pg_amount"), "7.50");
    assert_eq!(text(&reply, "pg_recurring_profile"), profile);
    assert!(reply.text("pg_recurring_profile_expiry_date").is_some());
    let new_id = text(&reply, "pg_payment_id").to_owned();
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &new_id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    verify_callback(&shop.wait_for("/shop/result", 2).await[1], PAY_SECRET);
    assert_eq!(api.balance().await, "1000017.50");
    let missing = api
        .call(
            "/make_recurring_payment.php",
            &[
                ("pg_recurring_profile", "1"),
                ("pg_amount", "1"),
                ("pg_description", "x"),
            ],
        )
        .await;
    assert_eq!(text(&missing, "pg_error_code"), "340");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_cards_add_list_pay_and_remove() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let base = format!("/v1/merchant/{}", support::MERCHANT);
    let add = api
        .call(
            &format!("{base}/cardstorage/add2"),
            &[
                ("pg_user_id", "user-1"),
                ("pg_post_link", &shop.url("/shop/card")),
                ("pg_back_link", &shop.url("/shop/back")),
            ],
        )
        .await;
    let page = text(&add, "pg_redirect_url").to_owned();
    let response = api
        .http
        .post(&page)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("pg_card_number=5367654276102126&pg_card_exp=11%2F28")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        shop.url("/shop/back").as_str()
    );
    let added = &shop.wait_for("/shop/card", 1).await[0];
    verify_callback(added, PAY_SECRET);
    assert_eq!(added.fields.text("pg_status"), Some("success"));
    assert_eq!(added.fields.text("pg_card_month"), Some("11"));
    let token = added.fields.text("pg_card_token").unwrap().to_owned();

    let list = api
        .call(
            &format!("{base}/cardstorage/list"),
            &[("pg_user_id", "user-1")],
        )
        .await;
    let cards: Vec<_> = list.get_all("card").collect();
    assert_eq!(cards.len(), 1);
    assert_eq!(
        cards[0].as_map().unwrap().text("pg_card_token"),
        Some(token.as_str())
    );

    let init = api
        .call(
            &format!("{base}/card/init"),
            &[
                ("pg_amount", "12"),
                ("pg_order_id", "t-1"),
                ("pg_user_id", "user-1"),
                ("pg_card_token", &token),
                ("pg_description", "token"),
                ("pg_result_url", &shop.url("/shop/result")),
            ],
        )
        .await;
    let id = text(&init, "pg_payment_id").to_owned();
    let pay_query =
        support::form(&api.signed(&format!("{base}/card/pay"), &[("pg_payment_id", &id)]));
    let (status, html) = api.get_raw(&format!("{base}/card/pay?{pay_query}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("5367-65XX-XXXX-2126"), "{html}");
    let direct = api
        .call(&format!("{base}/card/direct"), &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&direct, "pg_status"), "ok", "{direct:?}");
    assert_eq!(text(&direct, "pg_payment_status"), "success");
    verify_callback(&shop.wait_for("/shop/result", 1).await[0], PAY_SECRET);
    let again = api
        .call(&format!("{base}/card/direct"), &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&again, "pg_error_code"), "9403");

    let removed = api
        .call(
            &format!("{base}/cardstorage/remove"),
            &[("pg_user_id", "user-1"), ("pg_card_token", &token)],
        )
        .await;
    assert_eq!(
        removed
            .get("card")
            .and_then(|c| c.as_map())
            .unwrap()
            .text("pg_status"),
        Some("deleted")
    );
    let list = api
        .call(
            &format!("{base}/cardstorage/list"),
            &[("pg_user_id", "user-1")],
        )
        .await;
    assert_eq!(list.get_all("card").count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mobile_commerce_needs_the_approval_code() {
    let env = start(config()).await;
    let api = &env.api;
    let id = api
        .init_payment(
            "500",
            &[
                ("pg_payment_method", "mobile_commerce"),
                ("pg_order_id", "m-1"),
            ],
        )
        .await;
    let pay = api
        .call(
            "/mfs/pay",
            &[
                ("pg_payment_id", &id),
                ("pg_abonent_phone", "+77017777777"),
                ("pg_payment_system_code", "KCELLKZT"),
            ],
        )
        .await;
    assert_eq!(text(&pay, "pg_status"), "need_approve");
    let wrong = api
        .call(
            "/mfs/approve",
            &[("pg_payment_id", &id), ("pg_approval_code", "000000")],
        )
        .await;
    assert_eq!(text(&wrong, "pg_status"), "error");
    let ok = api
        .call(
            "/mfs/approve",
            &[("pg_payment_id", &id), ("pg_approval_code", "111111")],
        )
        .await;
    assert_eq!(text(&ok, "pg_status"), "ok");
    let status = api
        .call("/get_status3.php", &[("pg_order_id", "m-1")])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    assert_eq!(text(&status, "pg_payment_method"), "mobile_commerce");
    let status2 = api
        .call("/get_status2.php", &[("pg_order_id", "m-1")])
        .await;
    assert_eq!(text(&status2, "pg_transaction_status"), "ok");
    let bad = api
        .call(
            "/mfs/pay",
            &[
                ("pg_payment_id", &id),
                ("pg_abonent_phone", "77017777777"),
                ("pg_payment_system_code", "MTS"),
            ],
        )
        .await;
    assert_eq!(text(&bad, "pg_error_code"), "9403");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaid_payment_expires_with_its_lifetime() {
    let env = start(config()).await;
    let api = &env.api;
    let id = api
        .init_payment("10", &[("pg_lifetime", "300"), ("pg_order_id", "life")])
        .await;
    env.sandbox.advance(Duration::from_secs(301)).await;
    let status = api
        .call("/get_status3.php", &[("pg_payment_id", &id)])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "incomplete");
    let status2 = api
        .call("/get_status2.php", &[("pg_order_id", "life")])
        .await;
    assert_eq!(text(&status2, "pg_transaction_status"), "incomplete");
    let (status, _) = api
        .control(
            "POST",
            &format!("/_sandbox/payments/{id}/pay"),
            json!({"card": PAYING_CARD}),
        )
        .await;
    assert_eq!(status, 409);
}
