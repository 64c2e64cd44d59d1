//! Under load nothing is lost: thousands of payouts at once, each one's state and the balance
//! checked to the tiyn; the control API's lists page through all of them; past the retention
//! limit the oldest finished records are forgotten, and nothing in progress is.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use support::{config, start, text};

/// Payouts fired at once, over [`CONNECTIONS`] concurrent senders.
const PAYOUTS: usize = 2_000;
const CONNECTIONS: usize = 64;

/// The payout test cards and what each does (docs/protocol.md §5).
const SUCCESS: &str = "4671593866478252";
const DECLINED: &str = "5325349472901311";
const PROCESS_THEN_SUCCESS: &str = "5507841999732294";
const PROCESS_THEN_ERROR: &str = "4532676596620704";

/// Payout `i`: its card and its amount in minor units (every amount different, so that a
/// payout counted twice or missed shows in the balance).
fn plan(i: usize) -> (&'static str, i64) {
    let card = match i % 10 {
        0 => DECLINED,
        1 => PROCESS_THEN_SUCCESS,
        2 => PROCESS_THEN_ERROR,
        _ => SUCCESS,
    };
    (card, 100 + i as i64)
}

fn amount_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn minor(text: &str) -> i64 {
    freedompay_sandbox::parse_minor_units(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_payouts_each_end_as_their_card_says_and_the_balance_adds_up() {
    let env = start(config().unknown_element_every(0)).await;
    let api = Arc::new(env.api);
    let start_balance = minor(&api.balance().await);

    let fired = tokio::time::timeout(Duration::from_secs(120), async {
        let mut senders = tokio::task::JoinSet::new();
        for worker in 0..CONNECTIONS {
            let api = Arc::clone(&api);
            senders.spawn(async move {
                let mut replies = Vec::new();
                for i in (worker..PAYOUTS).step_by(CONNECTIONS) {
                    let (card, amount) = plan(i);
                    let order = format!("load-{i}");
                    let reply = api
                        .call(
                            "/g2g/p2p2nonreg",
                            &[
                                ("pg_order_id", order.as_str()),
                                ("pg_amount", amount_text(amount).as_str()),
                                ("pg_description", "load"),
                                ("pg_payment_to", card),
                            ],
                        )
                        .await;
                    replies.push((i, reply));
                }
                replies
            });
        }
        let mut all = Vec::new();
        while let Some(replies) = senders.join_next().await {
            all.extend(replies.unwrap());
        }
        all
    })
    .await
    .expect("2,000 payouts within two minutes");
    assert_eq!(fired.len(), PAYOUTS);

    // Each reply says what its card does; every id is new.
    let mut ids = HashSet::new();
    let mut taken = 0;
    let mut by_id = Vec::new();
    for (i, reply) in &fired {
        let (card, amount) = plan(*i);
        let expected = match card {
            DECLINED => "error",
            PROCESS_THEN_SUCCESS | PROCESS_THEN_ERROR => "process",
            _ => "ok",
        };
        assert_eq!(text(reply, "pg_status"), expected, "payout {i}: {reply:?}");
        assert_eq!(text(reply, "pg_order_id"), format!("load-{i}"));
        assert_eq!(minor(text(reply, "pg_payment_amount")), amount);
        let id = text(reply, "pg_payment_id").to_owned();
        assert!(ids.insert(id.clone()), "payout id {id} given twice");
        if card != DECLINED {
            taken += amount;
        }
        by_id.push((*i, id));
    }
    assert_eq!(minor(&api.balance().await), start_balance - taken);

    // The process delay passes: the `process` payouts end, the failed ones give the money back.
    env.sandbox.advance(Duration::from_secs(61)).await;
    let mut returned = 0;
    let mut checks = tokio::task::JoinSet::new();
    for chunk in by_id.chunks(PAYOUTS / CONNECTIONS + 1) {
        let api = Arc::clone(&api);
        let chunk = chunk.to_vec();
        checks.spawn(async move {
            let mut statuses = Vec::new();
            for (i, id) in chunk {
                let reply = api
                    .call("/api/payment_status", &[("pg_payment_id", id.as_str())])
                    .await;
                statuses.push((i, text(&reply, "pg_payment_status").to_owned()));
            }
            statuses
        });
    }
    let mut seen = 0;
    while let Some(statuses) = checks.join_next().await {
        for (i, status) in statuses.unwrap() {
            seen += 1;
            let (card, amount) = plan(i);
            let expected = match card {
                DECLINED | PROCESS_THEN_ERROR => "error",
                _ => "success",
            };
            assert_eq!(status, expected, "payout {i}");
            if card == PROCESS_THEN_ERROR {
                returned += amount;
            }
        }
    }
    assert_eq!(seen, PAYOUTS);
    assert_eq!(
        minor(&api.balance().await),
        start_balance - taken + returned
    );

    // The control API pages through all of them, each once, in id order.
    let mut listed = Vec::new();
    let mut after = String::new();
    loop {
        let path = format!("/_sandbox/payouts?limit=300{after}");
        let (status, page) = api.control("GET", &path, json!(null)).await;
        assert_eq!(status, 200, "{page}");
        let page = page.as_array().unwrap().clone();
        for payout in &page {
            listed.push(payout["id"].as_i64().unwrap());
        }
        if page.len() < 300 {
            break;
        }
        after = format!("&after={}", listed.last().unwrap());
    }
    assert_eq!(listed.len(), PAYOUTS);
    assert!(listed.windows(2).all(|w| w[0] < w[1]));
    let (status, error) = api
        .control("GET", "/_sandbox/payouts?limit=0", json!(null))
        .await;
    assert_eq!(status, 400, "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_retention_limit_the_oldest_finished_payouts_are_forgotten_and_none_in_process() {
    let env = start(config().unknown_element_every(0).retention(20)).await;
    let api = &env.api;
    // One payout in `process` first: it is the oldest, and is kept however many follow.
    let waiting = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_order_id", "waiting"),
                ("pg_amount", "5.00"),
                ("pg_description", "load"),
                ("pg_payment_to", PROCESS_THEN_SUCCESS),
            ],
        )
        .await;
    assert_eq!(text(&waiting, "pg_status"), "process");
    let mut ids = Vec::new();
    for i in 0..100 {
        let reply = api
            .call(
                "/g2g/p2p2nonreg",
                &[
                    ("pg_order_id", format!("r-{i}").as_str()),
                    ("pg_amount", "1.00"),
                    ("pg_description", "load"),
                    ("pg_payment_to", SUCCESS),
                ],
            )
            .await;
        ids.push(text(&reply, "pg_payment_id").to_owned());
    }
    let (_, state) = api.control("GET", "/_sandbox/state", json!(null)).await;
    let kept = state["payouts_total"].as_u64().unwrap();
    assert!(kept <= 21, "{kept} payouts kept with a limit of 20");

    // The oldest finished one is forgotten: not found, by id and by order.
    let old = api
        .call("/api/payment_status", &[("pg_payment_id", ids[0].as_str())])
        .await;
    assert_eq!(text(&old, "pg_status"), "error", "{old:?}");
    let old = api
        .call("/api/payment_status2", &[("pg_order_id", "r-0")])
        .await;
    assert_eq!(text(&old, "pg_status"), "error", "{old:?}");
    // The newest is there, and so is the one in process, which still finishes.
    let newest = api
        .call("/api/payment_status2", &[("pg_order_id", "r-99")])
        .await;
    assert_eq!(text(&newest, "pg_payment_status"), "success");
    env.sandbox.advance(Duration::from_secs(61)).await;
    let waited = api
        .call(
            "/api/payment_status",
            &[("pg_payment_id", text(&waiting, "pg_payment_id"))],
        )
        .await;
    assert_eq!(text(&waited, "pg_payment_status"), "success");
}
