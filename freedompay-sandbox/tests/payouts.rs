//! Payouts: every payout test card, `process` until time advances, notifications to
//! `pg_post_link`, the balance, the payout page, saved payout cards, IBAN, mobile, cash by code.

mod support;

use std::time::Duration;

use freedompay_sandbox::SecretChoice;
use serde_json::json;
use support::{Merchant, PAY_SECRET, PAYOUT_SECRET, Plan, config, start, text, verify_callback};

async fn p2p(
    api: &support::Api,
    order: &str,
    card: &str,
    post_link: &str,
) -> freedompay_sign::Fields {
    api.call(
        "/g2g/p2p2nonreg",
        &[
            ("pg_order_id", order),
            ("pg_amount", "1000"),
            ("pg_description", "payout"),
            ("pg_payment_to", card),
            ("pg_post_link", post_link),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_payout_test_card_does_what_the_documentation_says() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/payout", vec![Plan::DocOk]);
    let api = &env.api;
    let post = shop.url("/shop/payout");

    let ok = p2p(api, "c-ok", "4671593866478252", &post).await;
    assert_eq!(text(&ok, "pg_status"), "ok");
    assert_eq!(text(&ok, "pg_balance"), "999000.00");
    assert_eq!(text(&ok, "pg_payment_amount"), "1000.00");
    let notify = &shop.wait_for("/shop/payout", 1).await[0];
    assert_eq!(notify.method, "POST");
    verify_callback(notify, PAYOUT_SECRET);
    assert_eq!(notify.fields.text("pg_status"), Some("ok"));
    assert_eq!(
        notify.fields.text("pg_card_hash"),
        Some("4671-59XX-XXXX-8252")
    );

    for (card, code) in [
        ("5325349472901311", "10000"),
        ("4556046085041740", "10001"),
        ("5543974702876045", "8888"),
    ] {
        let reply = p2p(api, &format!("c-{code}"), card, &post).await;
        assert_eq!(text(&reply, "pg_status"), "error", "{card}");
        assert_eq!(text(&reply, "pg_error_code"), code);
        assert!(reply.text("pg_payment_id").is_some());
    }
    assert_eq!(
        api.balance().await,
        "999000.00",
        "refused payouts do not move money"
    );
    // Notifications travel in the background: find them by order id.
    let notifies = shop.wait_for("/shop/payout", 4).await;
    let refused = notifies
        .iter()
        .find(|n| n.fields.text("pg_order_id") == Some("c-8888"))
        .unwrap();
    assert_eq!(refused.fields.text("pg_status"), Some("error"));
    assert_eq!(refused.fields.text("pg_error_code"), Some("8888"));

    // Process, then success or error once time advances; the notification comes then.
    let later_ok = p2p(api, "c-p-ok", "5507841999732294", &post).await;
    let later_err = p2p(api, "c-p-err", "4532676596620704", &post).await;
    assert_eq!(text(&later_ok, "pg_status"), "process");
    assert_eq!(text(&later_err, "pg_status"), "process");
    assert_eq!(
        api.balance().await,
        "997000.00",
        "money is reserved while in process"
    );
    let status2 = api
        .call("/api/payment_status2", &[("pg_order_id", "c-p-ok")])
        .await;
    assert_eq!(text(&status2, "pg_payment_status"), "process");
    assert_eq!(shop.received("/shop/payout").len(), 4);

    env.sandbox.advance(Duration::from_secs(30)).await;
    assert_eq!(shop.received("/shop/payout").len(), 4, "not yet");
    assert_eq!(env.sandbox.advance(Duration::from_secs(31)).await, 2);
    let notifies = shop.received("/shop/payout");
    assert_eq!(notifies.len(), 6);
    let by_order = |order: &str| {
        notifies
            .iter()
            .find(|n| n.fields.text("pg_order_id") == Some(order))
            .unwrap()
            .clone()
    };
    assert_eq!(by_order("c-p-ok").fields.text("pg_status"), Some("ok"));
    assert_eq!(
        by_order("c-p-err").fields.text("pg_error_code"),
        Some("10001")
    );
    verify_callback(&by_order("c-p-err"), PAYOUT_SECRET);
    assert_eq!(
        api.balance().await,
        "998000.00",
        "the failed one gave its money back"
    );

    let status2 = api
        .call(
            "/api/payment_status2",
            &[
                ("pg_order_id", "c-p-ok"),
                ("pg_payment_id", text(&later_ok, "pg_payment_id")),
            ],
        )
        .await;
    assert_eq!(text(&status2, "pg_payment_status"), "success");
    let status = api
        .call(
            "/api/payment_status",
            &[("pg_payment_id", text(&later_err, "pg_payment_id"))],
        )
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "error");
    assert_eq!(text(&status, "pg_failure_code"), "10001");
    let status2 = api
        .call("/get_status2.php", &[("pg_order_id", "c-ok")])
        .await;
    assert_eq!(text(&status2, "pg_transaction_status"), "ok");
    let missing = api
        .call("/api/payment_status2", &[("pg_order_id", "nope")])
        .await;
    assert_eq!(text(&missing, "pg_payment_id"), "0");
    let missing = api
        .call("/api/payment_status", &[("pg_payment_id", "1")])
        .await;
    assert_eq!(text(&missing, "pg_error_code"), "340");

    // Any other valid card succeeds.
    let other = p2p(api, "c-other", "4111111111111111", &post).await;
    assert_eq!(text(&other, "pg_status"), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_balance_limits_payouts() {
    let env = start(config().starting_balance_minor(50_000)).await;
    let api = &env.api;
    assert_eq!(api.balance().await, "500.00");
    let reply = p2p(api, "big", "4671593866478252", "https://shop.kz/post").await;
    assert_eq!(text(&reply, "pg_error_code"), "9100");
    assert_eq!(api.balance().await, "500.00");
    let (_, state) = api.control("GET", "/_sandbox/state", json!(null)).await;
    assert_eq!(state["payouts"].as_array().unwrap().len(), 0);
    // A purchase raises it.
    let id = api.init_payment("600", &[]).await;
    api.pay(&id, "4916307416334310").await;
    let reply = p2p(api, "big", "4671593866478252", "https://shop.kz/post").await;
    assert_eq!(text(&reply, "pg_status"), "ok");
    assert_eq!(api.balance().await, "100.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payout_page_takes_the_recipients_card() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    shop.plan("/shop/post", vec![Plan::SignedPayout("ok")]);
    let api = &env.api;
    let reply = api
        .call(
            "/api/reg2nonreg",
            &[
                ("pg_order_id", "r-1"),
                ("pg_amount", "250"),
                ("pg_description", "prize"),
                ("pg_post_link", &shop.url("/shop/post")),
                ("pg_back_link", &shop.url("/shop/back")),
                ("pg_order_time_limit", "2026-01-02 12:00:00"),
            ],
        )
        .await;
    assert_eq!(text(&reply, "pg_merchant_id"), support::MERCHANT);
    let page = text(&reply, "pg_redirect_url").to_owned();
    let html = api
        .http
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("250.00") && html.contains("<form"));
    let response = api
        .http
        .post(&page)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("pg_card_number=4671593866478252")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        shop.url("/shop/back").as_str()
    );
    let notify = &shop.wait_for("/shop/post", 1).await[0];
    verify_callback(notify, PAYOUT_SECRET);
    assert_eq!(notify.fields.text("pg_payment_amount"), Some("250.00"));
    assert_eq!(api.balance().await, "999750.00");
    // Used once.
    let (status, _) = api
        .control(
            "POST",
            &format!("/_sandbox/payouts/{}/pay", text(&reply, "pg_payment_id")),
            json!({"card": "4671593866478252"}),
        )
        .await;
    assert_eq!(status, 409);

    // The time limit closes the page.
    let reply = api
        .call(
            "/api/reg2nonreg",
            &[
                ("pg_order_id", "r-2"),
                ("pg_amount", "5"),
                ("pg_description", "late"),
                ("pg_order_time_limit", "2026-01-01 06:00:00"),
            ],
        )
        .await;
    env.sandbox.advance(Duration::from_secs(3 * 3600)).await;
    let (status, body) = api
        .control(
            "POST",
            &format!("/_sandbox/payouts/{}/pay", text(&reply, "pg_payment_id")),
            json!({"card": "4671593866478252"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_payout_cards_and_a_configurable_secret() {
    let env = start(config().cardstoragepayout_secret(SecretChoice::Payout)).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let add_path = format!("/v1/merchant/{}/cardstoragepayout/add", support::MERCHANT);
    // Signed with the payout secret, as configured.
    let mut fields = freedompay_sign::Fields::new();
    fields
        .push("pg_merchant_id", support::MERCHANT)
        .push("pg_user_id", "payee-1")
        .push("pg_post_link", shop.url("/shop/card"))
        .push("pg_salt", "s4lt");
    let sig = freedompay_sign::sign(
        &freedompay_sign::ScriptName::new("add").unwrap(),
        &fields,
        &freedompay_sign::SecretKey::new(PAYOUT_SECRET).unwrap(),
    )
    .unwrap();
    fields.push("pg_sig", sig.as_str());
    let (_, body) = api
        .post_raw(
            &add_path,
            "application/x-www-form-urlencoded",
            support::form(&fields),
        )
        .await;
    let reply = freedompay_xml::parse_and_verify(
        body.as_bytes(),
        &freedompay_sign::ScriptName::new("add").unwrap(),
        &freedompay_sign::SecretKey::new(PAYOUT_SECRET).unwrap(),
    )
    .unwrap();
    let session = reply.text("pg_payment_id").unwrap().to_owned();
    let (status, added) = api
        .control(
            "POST",
            &format!("/_sandbox/cards/{session}/add"),
            json!({"card": "5507841999732294"}),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let callback = &shop.received("/shop/card")[0];
    verify_callback(callback, PAYOUT_SECRET);
    let token = added["card_token"].as_str().unwrap().to_owned();

    let pay = |token: String, user: &'static str| {
        let api = &env.api;
        async move {
            api.call(
                "/api/reg2reg",
                &[
                    ("pg_order_id", "rr-1"),
                    ("pg_amount", "40"),
                    ("pg_description", "to saved"),
                    ("pg_user_id", user),
                    ("pg_card_token_to", &token),
                    ("pg_post_link", "https://shop.kz/post"),
                ],
            )
            .await
        }
    };
    let wrong_user = pay(token.clone(), "someone-else").await;
    assert_eq!(text(&wrong_user, "pg_error_code"), "9403");
    let reply = pay(token.clone(), "payee-1").await;
    assert_eq!(
        text(&reply, "pg_status"),
        "process",
        "the saved card is a process-then-success test card"
    );
    assert_eq!(text(&reply, "pg_card_token"), token);
    let id = text(&reply, "pg_payment_id").to_owned();
    // The control API can finish a payout in process at once.
    let (_, done) = api
        .control(
            "POST",
            &format!("/_sandbox/payouts/{id}/complete"),
            json!({"status": "success"}),
        )
        .await;
    assert_eq!(done["status"], "success");
    let _ = PAY_SECRET;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iban_mobile_and_cash_by_code() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let iban = api
        .call(
            "/api/to_iban",
            &[
                ("pg_order_id", "i-1"),
                ("pg_amount", "300"),
                ("pg_description", "salary"),
                ("pg_recipient_iban", "KZ86125KZT5004100100"),
                ("pg_recipient_iin", "900101300123"),
                ("pg_recipient_name", "Иван"),
                ("pg_recipient_kbe", "19"),
                ("pg_knp", "311"),
                ("pg_post_link", &shop.url("/shop/iban")),
            ],
        )
        .await;
    assert_eq!(text(&iban, "pg_status"), "process");
    env.sandbox.advance(Duration::from_secs(60)).await;
    verify_callback(&shop.wait_for("/shop/iban", 1).await[0], PAYOUT_SECRET);
    let bad = api
        .call(
            "/api/to_iban",
            &[
                ("pg_order_id", "i-2"),
                ("pg_amount", "1"),
                ("pg_description", "x"),
                ("pg_recipient_iban", "nope"),
                ("pg_recipient_iin", "1"),
                ("pg_recipient_name", "x"),
            ],
        )
        .await;
    assert_eq!(text(&bad, "pg_error_code"), "9403");

    let init = api
        .call(
            "/init_payout.php",
            &[
                ("pg_order_id", "mob-1"),
                ("pg_amount", "200"),
                ("pg_description", "top-up"),
                ("pg_order_time_limit", "2026-12-31 12:00:00"),
            ],
        )
        .await;
    assert_eq!(text(&init, "pg_merchant"), support::MERCHANT);
    let id = text(&init, "pg_payment_id").to_owned();
    let done = api
        .call(
            "/mfs/payout",
            &[
                ("pg_payment_id", &id),
                ("pg_abonent_phone", "77071234567"),
                ("pg_payment_system_code", "TELE2KZT"),
            ],
        )
        .await;
    assert_eq!(text(&done, "pg_status"), "ok");
    assert_eq!(api.balance().await, "999500.00");

    let check = api
        .call(
            "/api/cbc/check",
            &[
                ("pg_phone", "7073175200"),
                ("pg_amount", "2000"),
                ("pg_order_id", "cash-1"),
                ("pg_post_link", &shop.url("/shop/cash")),
            ],
        )
        .await;
    let cash = text(&check, "pg_payment_id").to_owned();
    let status = api
        .call("/api/cbc/status", &[("pg_payment_id", &cash)])
        .await;
    assert_eq!(text(&status, "pg_status"), "process");
    api.call("/api/cbc/exec", &[("pg_payment_id", &cash)]).await;
    assert_eq!(api.balance().await, "997500.00");
    env.sandbox.advance(Duration::from_secs(23 * 3600)).await;
    let status = api
        .call("/api/cbc/status", &[("pg_payment_id", &cash)])
        .await;
    assert_eq!(text(&status, "pg_status"), "process");
    env.sandbox.advance(Duration::from_secs(3600)).await;
    let status = api
        .call("/api/cbc/status", &[("pg_payment_id", &cash)])
        .await;
    assert_eq!(text(&status, "pg_status"), "error");
    assert_eq!(text(&status, "pg_error_code"), "75");
    assert_eq!(
        api.balance().await,
        "999500.00",
        "not withdrawn: the money came back"
    );

    // Withdrawn in time.
    let check = api
        .call(
            "/api/cbc/check",
            &[
                ("pg_phone", "7073175200"),
                ("pg_amount", "100"),
                ("pg_order_id", "cash-2"),
            ],
        )
        .await;
    let cash = text(&check, "pg_payment_id").to_owned();
    api.call("/api/cbc/exec", &[("pg_payment_id", &cash)]).await;
    api.control(
        "POST",
        &format!("/_sandbox/payouts/{cash}/complete"),
        json!({}),
    )
    .await;
    let status = api
        .call("/api/cbc/status", &[("pg_payment_id", &cash)])
        .await;
    assert_eq!(text(&status, "pg_status"), "success");
    assert_eq!(api.balance().await, "999400.00");
}
