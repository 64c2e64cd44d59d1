//! `--data FILE` (`SandboxConfig::data_file`): the state survives a restart. Payments,
//! payouts, saved cards, callbacks, the balance and the clock come back; due work (a payout
//! in `process`, a callback waiting for its retry) goes on after it; and under concurrent
//! load nothing is lost on the way to the file.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Env, Merchant, Plan, config, start, text, verify_callback};

const PURCHASE_CARD: &str = "4716047261941981";
const PAYOUT_SUCCESS: &str = "4671593866478252";
const PAYOUT_DECLINED: &str = "5325349472901311";
const PROCESS_THEN_SUCCESS: &str = "5507841999732294";
const PROCESS_THEN_ERROR: &str = "4532676596620704";

/// A fresh directory under the system's temporary one, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "freedompay-sandbox-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start_with(data: &Path) -> Env {
    start(
        config()
            .unknown_element_every(0)
            .data_file(data)
            .callback_retry(freedompay_sandbox::RetrySchedule {
                interval: Duration::from_secs(60),
                retries: 3,
            }),
    )
    .await
}

async fn control(env: &Env, path: &str) -> Value {
    let (status, value) = env.api.control("GET", path, json!(null)).await;
    assert_eq!(status, 200, "{path}: {value}");
    value
}

/// The state as the control API shows it, without what names the sandbox's own address
/// (a restarted sandbox listens on another port).
async fn state(env: &Env) -> Value {
    let mut state = control(env, "/_sandbox/state").await;
    for list in ["payments", "payouts"] {
        for record in state[list].as_array_mut().unwrap() {
            record.as_object_mut().unwrap().remove("redirect_url");
        }
    }
    state
}

async fn callbacks(env: &Env) -> Vec<Value> {
    control(env, "/_sandbox/callbacks")
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn wait_for_callback_state(env: &Env, kind: &str, wanted: &str) -> Value {
    for _ in 0..200 {
        if let Some(c) = callbacks(env)
            .await
            .into_iter()
            .find(|c| c["kind"] == kind && c["state"] == wanted)
        {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no {kind} callback {wanted}: {:?}", callbacks(env).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_payouts_cards_callbacks_balance_and_clock_survive_a_restart() {
    let dir = TempDir::new("restart");
    let data = dir.file("sandbox.db");
    let shop = Merchant::start().await;
    // The payout notification fails at first, then the shop answers it.
    shop.plan("/shop/notify", vec![Plan::Status(500), Plan::DocOk]);

    let env = start_with(&data).await;
    let api = &env.api;
    // A payment, paid: its result callback is delivered.
    let payment = api
        .init_payment(
            "1500.00",
            &[
                ("pg_order_id", "order-1"),
                ("pg_result_url", &shop.url("/shop/result")),
            ],
        )
        .await;
    api.pay(&payment, PURCHASE_CARD).await;
    shop.wait_for("/shop/result", 1).await;
    // A payout paid at once whose notification waits for its retry, and one in `process`.
    let paid = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_order_id", "payout-1"),
                ("pg_amount", "250.50"),
                ("pg_description", "Reward"),
                ("pg_payment_to", PAYOUT_SUCCESS),
                ("pg_post_link", &shop.url("/shop/notify")),
            ],
        )
        .await;
    assert_eq!(text(&paid, "pg_status"), "ok", "{paid:?}");
    let waiting = api
        .call(
            "/g2g/p2p2nonreg",
            &[
                ("pg_order_id", "payout-2"),
                ("pg_amount", "10.00"),
                ("pg_description", "Reward"),
                ("pg_payment_to", PROCESS_THEN_SUCCESS),
            ],
        )
        .await;
    assert_eq!(text(&waiting, "pg_status"), "process");
    let pending = wait_for_callback_state(&env, "payout_notify", "pending").await;
    assert_eq!(pending["attempts"].as_array().unwrap().len(), 1);
    // A saved card.
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
    let session = text(&add, "pg_redirect_url")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (status, added) = api
        .control(
            "POST",
            &format!("/_sandbox/cards/{session}/add"),
            json!({"card": "5367654276102126", "exp": "11/28"}),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    // Sandbox time moves on, not yet to the notification's retry.
    env.sandbox.advance(Duration::from_secs(30)).await;

    let before = state(&env).await;
    let callbacks_before = callbacks(&env).await;
    let balance_before = api.balance().await;
    env.sandbox.shutdown().await;

    // Started again on the same file.
    let env = start_with(&data).await;
    let after = state(&env).await;
    assert_eq!(after, before, "the state after a restart");
    assert_eq!(after["cards"].as_array().unwrap().len(), 1);
    assert_eq!(after["payments"].as_array().unwrap().len(), 1);
    assert_eq!(after["payouts"].as_array().unwrap().len(), 2);
    assert_eq!(env.api.balance().await, balance_before);
    assert_eq!(callbacks(&env).await, callbacks_before);
    assert_eq!(
        after["now"], "2026-01-01 05:00:30",
        "the clock went on from where it was"
    );

    // The payment reads back by the gateway's own query, card included.
    let status = env
        .api
        .call("/get_status3.php", &[("pg_payment_id", payment.as_str())])
        .await;
    assert_eq!(text(&status, "pg_payment_status"), "success", "{status:?}");
    // New records do not reuse an id.
    let next = env.api.init_payment("5.00", &[]).await;
    let all_ids: Vec<i64> = before["payments"]
        .as_array()
        .unwrap()
        .iter()
        .chain(before["payouts"].as_array().unwrap())
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(all_ids.iter().all(|id| next.parse::<i64>().unwrap() > *id));

    // Due work goes on: the retry of the notification and the payout in `process`.
    let delivered_before = shop.received("/shop/notify").len();
    env.sandbox.advance(Duration::from_secs(120)).await;
    let notified = shop.wait_for("/shop/notify", delivered_before + 1).await;
    verify_callback(notified.last().unwrap(), support::PAYOUT_SECRET);
    let done = wait_for_callback_state(&env, "payout_notify", "delivered").await;
    assert_eq!(done["id"], pending["id"]);
    let finished = env
        .api
        .call("/api/payment_status2", &[("pg_order_id", "payout-2")])
        .await;
    assert_eq!(text(&finished, "pg_payment_status"), "success");
    env.sandbox.shutdown().await;

    // And once more: what happened after the restart was kept too.
    let env = start_with(&data).await;
    let again = callbacks(&env).await;
    let notify = again.iter().find(|c| c["id"] == pending["id"]).unwrap();
    assert_eq!(notify["state"], "delivered", "{notify}");
    let payout = control(&env, "/_sandbox/payouts")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["order_id"] == "payout-2")
        .cloned()
        .unwrap();
    assert_eq!(payout["status"], "success");
    env.sandbox.shutdown().await;
}

/// Payout `i`: its card and amount (every amount different, so that a payout counted twice
/// or lost shows in the balance).
fn plan(i: usize) -> (&'static str, i64) {
    let card = match i % 10 {
        0 => PAYOUT_DECLINED,
        1 => PROCESS_THEN_SUCCESS,
        2 => PROCESS_THEN_ERROR,
        _ => PAYOUT_SUCCESS,
    };
    (card, 100 + i as i64)
}

fn minor(text: &str) -> i64 {
    freedompay_sandbox::parse_minor_units(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_concurrent_payouts_with_the_store_on_lose_nothing_across_a_restart() {
    const PAYOUTS: usize = 400;
    const SENDERS: usize = 32;
    let dir = TempDir::new("load");
    let data = dir.file("sandbox.db");
    let env = start_with(&data).await;
    let api = Arc::new(env.api);
    let start_balance = minor(&api.balance().await);

    let mut senders = tokio::task::JoinSet::new();
    for worker in 0..SENDERS {
        let api = Arc::clone(&api);
        senders.spawn(async move {
            let mut replies = Vec::new();
            for i in (worker..PAYOUTS).step_by(SENDERS) {
                let (card, amount) = plan(i);
                let amount = format!("{}.{:02}", amount / 100, amount % 100);
                let order = format!("load-{i}");
                let reply = api
                    .call(
                        "/g2g/p2p2nonreg",
                        &[
                            ("pg_order_id", order.as_str()),
                            ("pg_amount", amount.as_str()),
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
    let mut fired = Vec::new();
    while let Some(replies) = senders.join_next().await {
        fired.extend(replies.unwrap());
    }
    assert_eq!(fired.len(), PAYOUTS);
    let mut taken = 0;
    let mut ids = std::collections::HashSet::new();
    for (i, reply) in &fired {
        let (card, amount) = plan(*i);
        let expected = match card {
            PAYOUT_DECLINED => "error",
            PROCESS_THEN_SUCCESS | PROCESS_THEN_ERROR => "process",
            _ => "ok",
        };
        assert_eq!(text(reply, "pg_status"), expected, "payout {i}");
        assert!(ids.insert(text(reply, "pg_payment_id").to_owned()));
        if card != PAYOUT_DECLINED {
            taken += amount;
        }
    }
    assert_eq!(minor(&api.balance().await), start_balance - taken);
    env.sandbox.shutdown().await;

    // Every payout and the balance are in the file: a restarted sandbox has them all, and
    // finishes those in `process`.
    let env = start_with(&data).await;
    assert_eq!(minor(&env.api.balance().await), start_balance - taken);
    env.sandbox.advance(Duration::from_secs(61)).await;
    let mut returned = 0;
    for (i, reply) in &fired {
        let (card, amount) = plan(*i);
        let status = env
            .api
            .call(
                "/api/payment_status",
                &[("pg_payment_id", text(reply, "pg_payment_id"))],
            )
            .await;
        let expected = match card {
            PAYOUT_DECLINED | PROCESS_THEN_ERROR => "error",
            _ => "success",
        };
        assert_eq!(text(&status, "pg_payment_status"), expected, "payout {i}");
        if card == PROCESS_THEN_ERROR {
            returned += amount;
        }
    }
    assert_eq!(
        minor(&env.api.balance().await),
        start_balance - taken + returned
    );
    let payouts = control(&env, "/_sandbox/payouts?limit=10000").await;
    assert_eq!(payouts.as_array().unwrap().len(), PAYOUTS);
    env.sandbox.shutdown().await;

    // The last changes (the finished payouts, the balance) were kept too.
    let env = start_with(&data).await;
    assert_eq!(
        minor(&env.api.balance().await),
        start_balance - taken + returned
    );
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_sandbox_store_is_refused() {
    let dir = TempDir::new("refused");
    let data = dir.file("not-a-database.db");
    std::fs::write(
        &data,
        "not a database, just text that is long enough to look like a file header",
    )
    .unwrap();
    let result = freedompay_sandbox::Sandbox::start(
        config().data_file(&data),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    let Err(error) = result else {
        panic!("a file that is not a database is refused");
    };
    assert!(error.to_string().contains("not-a-database.db"), "{error}");
}

/// The binary (`freedompay-sandbox --data FILE`), killed without a chance to clean up:
/// everything it had answered is in the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_keeps_its_state_in_the_data_file_even_when_killed() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let dir = TempDir::new("binary");
    let data = dir.file("shared.db");
    let run = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_freedompay-sandbox"))
            .args(["--addr", "127.0.0.1:0", "--merchant-id", support::MERCHANT])
            .args(["--secret-key", support::PAY_SECRET])
            .args(["--payout-secret-key", support::PAYOUT_SECRET])
            .args(["--fixed-clock", &support::START.to_string(), "--quiet"])
            .arg("--data")
            .arg(&data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut url = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        let api = support::Api {
            base: url.trim().to_owned(),
            merchant: support::MERCHANT.into(),
            secret: support::PAY_SECRET.into(),
            payout_secret: support::PAYOUT_SECRET.into(),
            http: support::http(),
        };
        (child, api)
    };

    let (mut child, api) = run();
    let payment = api.init_payment("99.00", &[("pg_order_id", "kept")]).await;
    api.pay(&payment, PURCHASE_CARD).await;
    let (status, _) = api
        .control("POST", "/_sandbox/advance?seconds=90", json!({}))
        .await;
    assert_eq!(status, 200);
    let balance = api.balance().await;
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, api) = run();
    let (_, state) = api.control("GET", "/_sandbox/state", json!(null)).await;
    assert_eq!(state["now"], "2026-01-01 05:01:30", "{state}");
    assert_eq!(state["payments"][0]["id"].to_string(), payment);
    assert_eq!(state["payments"][0]["status"], "success");
    assert_eq!(api.balance().await, balance);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_file_serves_one_sandbox_at_a_time() {
    let dir = TempDir::new("shared");
    let data = dir.file("sandbox.db");
    let first = start_with(&data).await;
    let second = freedompay_sandbox::Sandbox::start(
        config().data_file(&data),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    let Err(error) = second else {
        panic!("a second sandbox on the same file is refused");
    };
    assert!(
        error.to_string().contains("another sandbox is using it"),
        "{error}"
    );
    first.sandbox.shutdown().await;
}
