//! The Gateway API (`/g2g/…`, docs/protocol.md §11) end to end: card payments with and
//! without 3-D Secure through the sandbox's ACS page (driven over HTTP like a browser), the
//! two-step rules, stored cards paying by token, wallet payments, transfers moving the
//! sandbox's money, `status_v2`, and the signature refused with 9998. Requests are signed here
//! with `freedompay-sign`; every reply is verified.

mod support;

use freedompay_sandbox::parse_minor_units;
use freedompay_sign::{Fields, ScriptName, SecretKey};
use support::{Api, Merchant, PAY_SECRET, config, form, start, text, verify_callback};

/// A Gateway test card that pays without 3-D Secure (docs.freedompay.kz doc-741636).
const PAYING_CARD: &str = "4716047261941981";
/// The Gateway pages' example card: pays after 3-D Secure.
const THREE_DS_CARD: &str = "4405645000006150";
/// A valid card that is no purchase test card (a payout test card): declined.
const DECLINED_CARD: &str = "4671593866478252";
/// The payout test card that fails with error 10000.
const PAYOUT_ERROR_CARD: &str = "5325349472901311";
/// The transfer's "no card" token.
const NO_CARD: &str = "2d0b504c-b95d-4cf6-b782-5a7d13ab2c85";

fn card(pan: &str) -> Vec<(&str, &str)> {
    vec![
        ("pg_card_pan", pan),
        ("pg_card_cvc", "653"),
        ("pg_card_year", "29"),
        ("pg_card_month", "09"),
        ("pg_card_name", "TEST TESTOV"),
    ]
}

async fn pay(api: &Api, order: &str, amount: &str, pan: &str, extra: &[(&str, &str)]) -> Fields {
    let mut pairs = vec![
        ("pg_order_id", order),
        ("pg_amount", amount),
        ("pg_currency", "KZT"),
        ("pg_description", "Gateway order"),
    ];
    pairs.extend(card(pan));
    pairs.extend_from_slice(extra);
    api.call("/g2g/payment", &pairs).await
}

async fn balance(api: &Api) -> i64 {
    parse_minor_units(&api.balance().await).unwrap()
}

/// The hidden inputs and the action of an HTML form the sandbox wrote.
fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form_tag = html.split("<form").nth(1).expect("a form").to_owned();
    let action = attr(form_tag.split('>').next().unwrap(), "action").expect("an action");
    let inputs = html
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next().unwrap();
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect();
    (action, inputs)
}

fn value<'a>(inputs: &'a [(String, String)], name: &str) -> &'a str {
    inputs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {inputs:?}"))
}

/// The payer at the ACS page: the merchant's form posted to `pg_3d_acsurl`, the code typed,
/// the page's answer followed to the `TermUrl` (the shop). Returns what the shop received:
/// `PaRes` and `MD`.
async fn pass_acs(api: &Api, shop: &Merchant, reply: &Fields, code: &str) -> (String, String) {
    assert_eq!(text(reply, "pg_3ds"), "1", "{reply:?}");
    let acs_url = text(reply, "pg_3d_acsurl");
    let term_url = shop.url("/shop/3ds");
    let challenge = [
        ("PaReq", text(reply, "pg_3d_pareq")),
        ("MD", text(reply, "pg_3d_md")),
        ("TermUrl", term_url.as_str()),
    ];
    let encoded = |pairs: &[(&str, &str)]| {
        let mut f = Fields::new();
        for (n, v) in pairs {
            f.push(*n, *v);
        }
        form(&f)
    };
    // 1. The merchant's page posts the challenge to the ACS: a form asking for the code.
    let page = api
        .http
        .post(acs_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encoded(&challenge))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let (action, inputs) = form_of(&page.text().await.unwrap());
    assert!(action.ends_with("/_sandbox/acs"), "{action}");
    assert_eq!(value(&inputs, "MD"), text(reply, "pg_3d_md"));
    // 2. The payer types the code and submits.
    let mut submit: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    submit.push(("code", code));
    let answer = api
        .http
        .post(api.url("/_sandbox/acs"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encoded(&submit))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let (action, inputs) = form_of(&answer.text().await.unwrap());
    assert_eq!(action, term_url);
    // 3. The browser follows the auto-submitting form to the TermUrl.
    let before = shop.received("/shop/3ds").len();
    let posted = api
        .http
        .post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encoded(
            &inputs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let received = shop.wait_for("/shop/3ds", before + 1).await;
    let got = &received[before].fields;
    (
        got.text("PaRes").unwrap().to_owned(),
        got.text("MD").unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_payment_without_3ds_pays_calls_back_and_answers_status_v2() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let before = balance(api).await;
    let result_url = shop.url("/shop/result");
    let reply = pay(
        api,
        "gw-1",
        "1500.00",
        PAYING_CARD,
        &[
            ("pg_result_url", result_url.as_str()),
            ("pg_user_email", "payer@example.com"),
            ("pg_user_phone", "77011234567"),
        ],
    )
    .await;
    assert_eq!(text(&reply, "pg_status"), "ok", "{reply:?}");
    assert!(reply.text("pg_3ds").is_none());
    let id = text(&reply, "pg_payment_id").to_owned();
    assert_eq!(text(&reply, "pg_order_id"), "gw-1");
    assert_eq!(text(&reply, "pg_payment_status"), "success");
    assert_eq!(text(&reply, "pg_auth_code").len(), 6);
    assert!(!text(&reply, "pg_card_token").is_empty());
    assert_eq!(balance(api).await - before, 150_000);

    let result = &shop.wait_for("/shop/result", 1).await[0];
    verify_callback(result, PAY_SECRET);
    assert_eq!(result.fields.text("pg_payment_id"), Some(id.as_str()));
    assert_eq!(result.fields.text("pg_result"), Some("1"));

    let status = api.call("/g2g/status_v2", &[("pg_payment_id", &id)]).await;
    for (name, expected) in [
        ("pg_status", "ok"),
        ("pg_payment_id", id.as_str()),
        ("pg_order_id", "gw-1"),
        ("pg_currency", "KZT"),
        ("pg_payment_status", "success"),
        ("pg_amount", "1500.00"),
        ("pg_clearing_amount", "1500.00"),
        ("pg_refund_amount", "0.00"),
        ("pg_user_email", "payer@example.com"),
        ("pg_card_name", "TEST TESTOV"),
        ("pg_card_pan", "4716-04XX-XXXX-1981"),
        ("pg_card_exp", "09/29"),
        ("pg_card_brand", "VI"),
        ("pg_user_phone", "77011234567"),
        ("pg_captured", "1"),
    ] {
        assert_eq!(text(&status, name), expected, "{name}");
    }
    for name in [
        "pg_card_id",
        "pg_card_token",
        "pg_payment_date",
        "pg_refund_payments",
        "pg_revoked_payments",
    ] {
        assert!(status.get(name).is_some(), "{name} missing: {status:?}");
    }
    let by_order = api.call("/g2g/status_v2", &[("pg_order_id", "gw-1")]).await;
    assert_eq!(text(&by_order, "pg_payment_id"), id);
    let unknown = api
        .call("/g2g/status_v2", &[("pg_payment_id", "999999999")])
        .await;
    assert_eq!(text(&unknown, "pg_status"), "ok");
    assert_eq!(text(&unknown, "pg_payment_id"), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_that_is_no_test_card_is_declined_and_moves_nothing() {
    let env = start(config()).await;
    let api = &env.api;
    let before = balance(api).await;
    let reply = pay(api, "gw-2", "10", DECLINED_CARD, &[]).await;
    assert_eq!(text(&reply, "pg_status"), "error");
    assert_eq!(text(&reply, "pg_error_code"), "5");
    assert_eq!(text(&reply, "pg_payment_status"), "error");
    let id = text(&reply, "pg_payment_id").to_owned();
    assert_eq!(balance(api).await, before);
    let status = api.call("/g2g/status_v2", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&status, "pg_payment_status"), "error");
    assert_eq!(text(&status, "pg_failure_code"), "5");
    // A card that fails Luhn is a validation error; so is an expired card.
    let bad = pay(api, "gw-2b", "10", "4405645000006151", &[]).await;
    assert_eq!(text(&bad, "pg_error_code"), "9403");
    let mut pairs = vec![("pg_order_id", "gw-2c"), ("pg_amount", "10")];
    pairs.push(("pg_description", "x"));
    pairs.extend(card(PAYING_CARD));
    pairs.retain(|(n, _)| *n != "pg_card_year");
    pairs.push(("pg_card_year", "24"));
    let expired = api.call("/g2g/payment", &pairs).await;
    assert_eq!(text(&expired, "pg_error_code"), "9403");
    assert!(text(&expired, "pg_error_description").contains("expired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gateway_endpoint_refuses_a_wrong_signature_with_9998() {
    let env = start(config()).await;
    let api = &env.api;
    let wrong = SecretKey::new("not-the-secret").unwrap();
    for path in [
        "/g2g/payment",
        "/g2g/paymentAcs",
        "/g2g/cancel",
        "/g2g/clearing",
        "/g2g/refund",
        "/g2g/status_v2",
        "/g2g/cardstorage/add",
        "/g2g/cardstorage/payment_acs",
        "/g2g/cardstorage/list",
        "/g2g/cardstorage/remove",
        "/g2g/p2p/transfer",
        "/g2g/p2p/transfer_acs",
        "/g2g/p2p/status",
    ] {
        let mut fields = Fields::new();
        fields
            .push("pg_merchant_id", support::MERCHANT)
            .push("pg_payment_id", "1000001")
            .push("pg_salt", "salt");
        let sig =
            freedompay_sign::sign(&ScriptName::from_url(path).unwrap(), &fields, &wrong).unwrap();
        fields.push("pg_sig", sig.as_str());
        let reply = api.send(path, fields).await;
        assert_eq!(text(&reply, "pg_status"), "error", "{path}");
        assert_eq!(text(&reply, "pg_error_code"), "9998", "{path}");
        // The payment secret is the right one: the same request signed with it gets through.
        let ok = api.call(path, &[("pg_payment_id", "1000001")]).await;
        assert_ne!(ok.text("pg_error_code"), Some("9998"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_3ds_round_trip_through_the_acs_page_pays() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let before = balance(api).await;
    let reply = pay(api, "gw-3", "200", THREE_DS_CARD, &[]).await;
    assert_eq!(text(&reply, "pg_status"), "ok");
    let id = text(&reply, "pg_payment_id").to_owned();
    assert!(
        text(&reply, "pg_3d_acsurl").ends_with("/_sandbox/acs"),
        "{reply:?}"
    );
    // Nothing moved yet; the payment waits.
    assert_eq!(balance(api).await, before);
    let status = api.call("/g2g/status_v2", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&status, "pg_payment_status"), "pending");
    // Continuing before the payer answered is refused, and changes nothing.
    let early = api
        .call(
            "/g2g/paymentAcs",
            &[
                ("pg_payment_id", &id),
                ("pg_md", text(&reply, "pg_3d_md")),
                ("pg_pares", "forged"),
            ],
        )
        .await;
    assert_eq!(text(&early, "pg_error_code"), "9403");

    // The page also opens by GET with the challenge in the query.
    let (status_code, page) = api
        .get_raw(&format!(
            "/_sandbox/acs?PaReq={}&MD={}&TermUrl={}",
            text(&reply, "pg_3d_pareq"),
            text(&reply, "pg_3d_md"),
            support::enc(&shop.url("/shop/3ds"))
        ))
        .await;
    assert_eq!(status_code, 200);
    assert!(page.contains("name=\"code\""), "{page}");

    let (pares, md) = pass_acs(api, &shop, &reply, "123456").await;
    assert_eq!(md, text(&reply, "pg_3d_md"));
    let done = api
        .call(
            "/g2g/paymentAcs",
            &[("pg_payment_id", &id), ("pg_md", &md), ("pg_pares", &pares)],
        )
        .await;
    assert_eq!(text(&done, "pg_status"), "ok", "{done:?}");
    assert_eq!(text(&done, "pg_payment_id"), id);
    for name in [
        "pg_auth_code",
        "pg_reference",
        "pg_datetime",
        "pg_card_id",
        "pg_card_token",
    ] {
        assert!(done.text(name).is_some(), "{name}");
    }
    assert_eq!(balance(api).await - before, 20_000);
    // The same continuation again: the same outcome, nothing moved twice.
    let again = api
        .call(
            "/g2g/paymentAcs",
            &[("pg_payment_id", &id), ("pg_md", &md), ("pg_pares", &pares)],
        )
        .await;
    assert_eq!(text(&again, "pg_status"), "ok");
    assert_eq!(balance(api).await - before, 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_acs_code_declines_and_pg_3ds_challenge_asks_any_card() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let before = balance(api).await;
    let reply = pay(api, "gw-4", "50", PAYING_CARD, &[("pg_3ds_challenge", "1")]).await;
    let id = text(&reply, "pg_payment_id").to_owned();
    let (pares, md) = pass_acs(api, &shop, &reply, "000000").await;
    let done = api
        .call(
            "/g2g/paymentAcs",
            &[("pg_payment_id", &id), ("pg_md", &md), ("pg_pares", &pares)],
        )
        .await;
    assert_eq!(text(&done, "pg_status"), "error");
    assert_eq!(text(&done, "pg_error_code"), "5");
    assert!(text(&done, "pg_error_description").contains("3-D Secure"));
    assert_eq!(balance(api).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_clearing_and_refund_follow_the_two_step_rules() {
    let env = start(config()).await;
    let api = &env.api;
    let before = balance(api).await;
    let hold = pay(
        api,
        "gw-5",
        "100",
        PAYING_CARD,
        &[("pg_auto_clearing", "0")],
    )
    .await;
    let id = text(&hold, "pg_payment_id").to_owned();
    assert_eq!(balance(api).await, before, "a hold moves nothing yet");
    // Refund before clearing: refused.
    let early = api
        .call(
            "/g2g/refund",
            &[("pg_payment_id", &id), ("pg_amount", "10")],
        )
        .await;
    assert_eq!(text(&early, "pg_status"), "error");
    // Clearing more than the hold: refused; a part: captured.
    let too_much = api
        .call(
            "/g2g/clearing",
            &[("pg_payment_id", &id), ("pg_amount", "101")],
        )
        .await;
    assert_eq!(text(&too_much, "pg_status"), "error");
    let cleared = api
        .call(
            "/g2g/clearing",
            &[("pg_payment_id", &id), ("pg_amount", "80")],
        )
        .await;
    assert_eq!(text(&cleared, "pg_status"), "ok", "{cleared:?}");
    assert_eq!(text(&cleared, "pg_clearing_amount"), "80.00");
    assert_eq!(balance(api).await - before, 8_000);
    // Cancel after clearing: refused. Refund a part, then the rest.
    let cancel = api.call("/g2g/cancel", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&cancel, "pg_status"), "error");
    let refund = api
        .call(
            "/g2g/refund",
            &[("pg_payment_id", &id), ("pg_amount", "30")],
        )
        .await;
    assert_eq!(text(&refund, "pg_status"), "ok", "{refund:?}");
    assert!(!text(&refund, "pg_refund_payment_id").is_empty());
    assert_eq!(text(&refund, "pg_refund_amount"), "30.00");
    assert_eq!(balance(api).await - before, 5_000);
    let status = api.call("/g2g/status_v2", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&status, "pg_refund_amount"), "-30.00");
    assert_eq!(text(&status, "pg_clearing_amount"), "80.00");
    let rest = api.call("/g2g/refund", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&rest, "pg_status"), "ok");
    assert_eq!(balance(api).await, before);

    // A second hold, cancelled.
    let hold = pay(api, "gw-6", "40", PAYING_CARD, &[("pg_auto_clearing", "0")]).await;
    let id = text(&hold, "pg_payment_id").to_owned();
    let cancel = api.call("/g2g/cancel", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&cancel, "pg_status"), "ok", "{cancel:?}");
    let status = api.call("/g2g/status_v2", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&status, "pg_payment_status"), "revoked");
    let clear = api.call("/g2g/clearing", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&clear, "pg_status"), "error");
    assert_eq!(balance(api).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_card_pays_by_token_and_can_be_removed() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let post_link = shop.url("/shop/card");
    let mut pairs = vec![
        ("pg_user_id", "1234"),
        ("pg_order_id", "card-1"),
        ("pg_post_link", post_link.as_str()),
    ];
    pairs.extend(card(PAYING_CARD));
    let added = api.call("/g2g/cardstorage/add", &pairs).await;
    assert_eq!(text(&added, "pg_status"), "ok", "{added:?}");
    let token = text(&added, "pg_card_token").to_owned();
    assert_eq!(text(&added, "pg_card_hash"), "4716-04XX-XXXX-1981");
    let callback = &shop.wait_for("/shop/card", 1).await[0];
    verify_callback(callback, PAY_SECRET);
    assert_eq!(callback.fields.text("pg_card_token"), Some(token.as_str()));

    let list = api
        .call("/g2g/cardstorage/list", &[("pg_user_id", "1234")])
        .await;
    assert_eq!(text(&list, "pg_status"), "ok");
    let Some(freedompay_sign::Value::Map(card_fields)) = list.get("card") else {
        panic!("no <card> in {list:?}");
    };
    assert_eq!(card_fields.text("pg_card_token"), Some(token.as_str()));

    let before = balance(api).await;
    let token_pay = [
        ("pg_order_id", "tok-1"),
        ("pg_amount", "25"),
        ("pg_currency", "KZT"),
        ("pg_description", "By token"),
        ("pg_user_id", "1234"),
        ("pg_card_token", token.as_str()),
    ];
    let paid = api.call("/g2g/payment", &token_pay).await;
    assert_eq!(text(&paid, "pg_status"), "ok", "{paid:?}");
    assert!(paid.text("pg_3ds").is_none());
    assert_eq!(balance(api).await - before, 2_500);
    // Another user's token: not found.
    let other = api
        .call(
            "/g2g/payment",
            &[
                ("pg_amount", "1"),
                ("pg_description", "x"),
                ("pg_user_id", "9"),
                ("pg_card_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(text(&other, "pg_error_code"), "340");

    let removed = api
        .call(
            "/g2g/cardstorage/remove",
            &[("pg_user_id", "1234"), ("pg_card_token", &token)],
        )
        .await;
    assert_eq!(text(&removed, "pg_status"), "success");
    assert!(removed.text("deleted_at").is_some());
    let after = api.call("/g2g/payment", &token_pay).await;
    assert_eq!(text(&after, "pg_error_code"), "340");
    let list = api
        .call("/g2g/cardstorage/list", &[("pg_user_id", "1234")])
        .await;
    assert!(list.get("card").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storing_a_card_with_3ds_goes_through_the_acs_page() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let mut pairs = vec![("pg_user_id", "77")];
    pairs.extend(card(THREE_DS_CARD));
    let reply = api.call("/g2g/cardstorage/add", &pairs).await;
    assert_eq!(text(&reply, "pg_status"), "ok");
    let id = text(&reply, "pg_payment_id").to_owned();
    let (pares, md) = pass_acs(api, &shop, &reply, "123456").await;
    let stored = api
        .call(
            "/g2g/cardstorage/payment_acs",
            &[("pg_payment_id", &id), ("pg_md", &md), ("pg_pares", &pares)],
        )
        .await;
    assert_eq!(text(&stored, "pg_status"), "ok", "{stored:?}");
    let token = text(&stored, "pg_card_token").to_owned();
    let list = api
        .call("/g2g/cardstorage/list", &[("pg_user_id", "77")])
        .await;
    let Some(freedompay_sign::Value::Map(card_fields)) = list.get("card") else {
        panic!("no <card> in {list:?}");
    };
    assert_eq!(card_fields.text("pg_card_token"), Some(token.as_str()));
    // The MD of another transaction is refused.
    let mut pairs = vec![("pg_user_id", "77")];
    pairs.extend(card(THREE_DS_CARD));
    let second = api.call("/g2g/cardstorage/add", &pairs).await;
    let wrong = api
        .call(
            "/g2g/cardstorage/payment_acs",
            &[
                ("pg_payment_id", text(&second, "pg_payment_id")),
                ("pg_md", &md),
                ("pg_pares", &pares),
            ],
        )
        .await;
    assert_eq!(text(&wrong, "pg_error_code"), "9403");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_payments_succeed_or_decline_by_the_test_data() {
    let env = start(config()).await;
    let api = &env.api;
    let wallet = |method: &'static str, pan: &'static str, eci: &'static str| {
        let mut pairs = vec![
            ("pg_order_id", "w-1"),
            ("pg_amount", "990"),
            ("pg_currency", "KZT"),
            ("pg_description", "Wallet"),
            ("pg_auto_clearing", "1"),
            ("pg_payment_method", method),
            ("pg_card_pan", pan),
            ("pg_card_year", "29"),
            ("pg_card_month", "12"),
            ("pg_card_name", "TEST TESTOV"),
            (
                "pg_online_payment_cryptogram",
                "AgAAAAAAAIR8CQrXcIhbQAAAAAA=",
            ),
        ];
        if !eci.is_empty() {
            pairs.push(("pg_eci_indicator", eci));
        }
        pairs
    };
    let before = balance(api).await;
    let apple = api
        .call("/g2g/payment", &wallet("apple_pay", PAYING_CARD, "05"))
        .await;
    assert_eq!(text(&apple, "pg_status"), "ok", "{apple:?}");
    assert_eq!(balance(api).await - before, 99_000);
    let google = api
        .call("/g2g/payment", &wallet("google_pay", PAYING_CARD, "07"))
        .await;
    assert_eq!(text(&google, "pg_error_code"), "5", "ECI 07 is declined");
    let samsung = api
        .call("/g2g/payment", &wallet("samsung_pay", DECLINED_CARD, ""))
        .await;
    assert_eq!(text(&samsung, "pg_error_code"), "5");
    let samsung = api
        .call("/g2g/payment", &wallet("samsung_pay", PAYING_CARD, ""))
        .await;
    assert_eq!(text(&samsung, "pg_status"), "ok");
    let status = api
        .call(
            "/g2g/status_v2",
            &[("pg_payment_id", text(&samsung, "pg_payment_id"))],
        )
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    let mut missing = wallet("apple_pay", PAYING_CARD, "05");
    missing.retain(|(n, _)| *n != "pg_online_payment_cryptogram");
    let refused = api.call("/g2g/payment", &missing).await;
    assert_eq!(text(&refused, "pg_error_code"), "9403");
    assert_eq!(balance(api).await - before, 2 * 99_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_move_the_sandboxs_money() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let before = balance(api).await;
    // Card to card with a commission: the merchant keeps the commission.
    let mut pairs = vec![
        ("pg_order_id", "p2p-1"),
        ("pg_amount", "5000"),
        ("pg_currency_from", "KZT"),
        ("pg_currency_to", "KZT"),
        ("pg_commission_amount", "100"),
        ("pg_card_recipient", DECLINED_CARD),
    ];
    pairs.extend(card(PAYING_CARD));
    let done = api.call("/g2g/p2p/transfer", &pairs).await;
    assert_eq!(text(&done, "pg_status"), "ok", "{done:?}");
    let id = text(&done, "pg_payment_id").to_owned();
    assert_eq!(balance(api).await - before, 10_000);
    let (_, view) = api
        .control("GET", "/_sandbox/gateway", serde_json::json!({}))
        .await;
    assert_eq!(view["cards"]["4716-04XX-XXXX-1981"], "-5100.00", "{view}");
    assert_eq!(view["cards"]["4671-59XX-XXXX-8252"], "5000.00", "{view}");
    let status = api.call("/g2g/p2p/status", &[("pg_payment_id", &id)]).await;
    assert_eq!(text(&status, "pg_payment_status"), "success");
    assert_eq!(text(&status, "pg_amount"), "5000.00");
    let unknown = api
        .call("/g2g/p2p/status", &[("pg_payment_id", "424242")])
        .await;
    assert_eq!(text(&unknown, "pg_payment_id"), "0");

    // A payout only (the sender is "no card"): the merchant pays.
    let payout = api
        .call(
            "/g2g/p2p/transfer",
            &[
                ("pg_order_id", "p2p-2"),
                ("pg_amount", "300"),
                ("pg_card_token", NO_CARD),
                ("pg_card_recipient", DECLINED_CARD),
                ("pg_card_recipient_name", "IVAN IVANOV"),
            ],
        )
        .await;
    assert_eq!(text(&payout, "pg_status"), "ok", "{payout:?}");
    assert_eq!(balance(api).await - before, 10_000 - 30_000);

    // The recipient's card refuses (payout test card 10000): nothing moves.
    let mut pairs = vec![
        ("pg_order_id", "p2p-3"),
        ("pg_amount", "700"),
        ("pg_card_recipient", PAYOUT_ERROR_CARD),
    ];
    pairs.extend(card(PAYING_CARD));
    let refused = api.call("/g2g/p2p/transfer", &pairs).await;
    assert_eq!(text(&refused, "pg_error_code"), "10000");
    assert_eq!(balance(api).await - before, 10_000 - 30_000);

    // With 3-D Secure: transfer_acs after the ACS page; a debit only (recipient "no card").
    let mut pairs = vec![
        ("pg_order_id", "p2p-4"),
        ("pg_amount", "20"),
        ("pg_card_recipient_token", NO_CARD),
    ];
    pairs.extend(card(THREE_DS_CARD));
    let reply = api.call("/g2g/p2p/transfer", &pairs).await;
    let id = text(&reply, "pg_payment_id").to_owned();
    let (pares, md) = pass_acs(api, &shop, &reply, "123456").await;
    let done = api
        .call(
            "/g2g/p2p/transfer_acs",
            &[("pg_payment_id", &id), ("pg_md", &md), ("pg_pares", &pares)],
        )
        .await;
    assert_eq!(text(&done, "pg_status"), "ok", "{done:?}");
    assert_eq!(balance(api).await - before, 10_000 - 30_000 + 2_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_replies_are_signed_xml_with_the_gateways_content_type() {
    let env = start(config()).await;
    let api = &env.api;
    let fields = api.signed("/g2g/status_v2", &[("pg_payment_id", "1")]);
    let response = api
        .http
        .post(api.url("/g2g/status_v2"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/xml; charset=UTF-8"
    );
    let body = response.text().await.unwrap();
    let reply = api.verify("/g2g/status_v2", &body).unwrap().into_fields();
    assert_eq!(text(&reply, "pg_payment_id"), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_numbers_are_kept_masked_only() {
    let env = start(config()).await;
    let shop = Merchant::start().await;
    let api = &env.api;
    let result_url = shop.url("/shop/result");
    pay(
        api,
        "mask-1",
        "10",
        PAYING_CARD,
        &[("pg_result_url", result_url.as_str())],
    )
    .await;
    shop.wait_for("/shop/result", 1).await;
    let mut pairs = vec![("pg_user_id", "5")];
    pairs.extend(card(PAYING_CARD));
    api.call("/g2g/cardstorage/add", &pairs).await;
    let mut pairs = vec![("pg_amount", "10"), ("pg_card_recipient", DECLINED_CARD)];
    pairs.extend(card(PAYING_CARD));
    api.call("/g2g/p2p/transfer", &pairs).await;
    for path in [
        "/_sandbox/state",
        "/_sandbox/payments",
        "/_sandbox/callbacks",
        "/_sandbox/gateway",
    ] {
        let (status, body) = api.get_raw(path).await;
        assert_eq!(status, 200, "{path}");
        for pan in [PAYING_CARD, DECLINED_CARD] {
            assert!(!body.contains(pan), "{path} shows {pan}: {body}");
        }
    }
    let result = &shop.received("/shop/result")[0];
    assert!(!result.query.contains(PAYING_CARD));
    assert_eq!(
        result.fields.text("pg_card_pan"),
        Some("4716-04XX-XXXX-1981")
    );
}
