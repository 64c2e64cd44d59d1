//! Every operation of `freedompay`, run as a user runs it, against an embedded sandbox.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use freedompay_blocking::ureq;
use freedompay_sandbox::{Fault, RetrySchedule, SandboxConfig, SandboxThread, SecretKey};
use serde_json::Value;

const MERCHANT: &str = "545000";
const SECRET: &str = "cli-test-payment-secret";
const PAYOUT_SECRET: &str = "cli-test-payout-secret";
const PURCHASE_CARD: &str = "4716047261941981";
const PAYOUT_CARD: &str = "4671593866478252";
const REFUSED_CARD: &str = "5325349472901311";
/// Nothing listens there: notifications sent to it fail, which these tests do not mind.
const POST_LINK: &str = "http://127.0.0.1:9/freedompay/payout-notify";

fn sandbox() -> SandboxThread {
    let config = SandboxConfig::new(MERCHANT, SecretKey::new(SECRET).unwrap())
        .payout_secret_key(SecretKey::new(PAYOUT_SECRET).unwrap())
        .callback_retry(RetrySchedule {
            interval: Duration::from_millis(200),
            retries: 0,
        })
        .callback_timeout(Duration::from_secs(2))
        .payout_process_delay(Duration::from_secs(60));
    SandboxThread::start(config).expect("the sandbox starts")
}

/// The command with no FREEDOMPAY_* variable of the caller's environment.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freedompay"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FREEDOMPAY_") {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("the binary runs")
}

/// Runs an operation against the sandbox: merchant id and base URL as flags, secrets in
/// the environment.
fn cli(sandbox: &SandboxThread, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--merchant-id", MERCHANT, "--base-url", sandbox.base_url()]);
    run(
        &all,
        &[
            ("FREEDOMPAY_SECRET_KEY", SECRET),
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
        ],
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[track_caller]
fn success(output: &Output) {
    assert_eq!(
        code(output),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

#[track_caller]
fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(output)))
}

/// A JSON request to the sandbox's control API.
fn control(sandbox: &SandboxThread, method: &str, path: &str, body: Value) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let url = sandbox.url(path);
    let mut response = match method {
        "GET" => agent.get(&url).call(),
        _ => agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string().as_str()),
    }
    .expect("the control API answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn pay(sandbox: &SandboxThread, payment_id: u64) {
    let (status, body) = control(
        sandbox,
        "POST",
        &format!("/_sandbox/payments/{payment_id}/pay"),
        serde_json::json!({ "card": PURCHASE_CARD }),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success", "{body}");
}

fn payout_card(sandbox: &SandboxThread, order: &str, card: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "payout",
        "card",
        "--order-id",
        order,
        "--amount",
        "1500.50",
        "--card",
        card,
        "--description",
        "Reward",
        "--post-link",
        POST_LINK,
    ];
    args.extend(extra);
    cli(sandbox, &args)
}

fn init_payment(sandbox: &SandboxThread, order: &str, extra: &[&str]) -> u64 {
    let mut args = vec![
        "payment",
        "init",
        "--order-id",
        order,
        "--amount",
        "2000",
        "--description",
        "Order",
        "--json",
    ];
    args.extend(extra);
    let output = cli(sandbox, &args);
    success(&output);
    let value = json(&output);
    assert!(
        value["redirect_url"]
            .as_str()
            .unwrap()
            .starts_with(sandbox.base_url())
    );
    value["payment_id"].as_u64().expect("a payment id")
}

#[test]
fn balance_as_text_and_json() {
    let sandbox = sandbox();
    let output = cli(&sandbox, &["balance"]);
    success(&output);
    assert!(
        stdout(&output).contains("1000000.00"),
        "{}",
        stdout(&output)
    );
    // Global flags come before the subcommand too.
    let output = run(
        &[
            "--json",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
            "balance",
        ],
        &[
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
            ("FREEDOMPAY_SECRET_KEY", SECRET),
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["ok"], true);
    assert_eq!(value["balance"], "1000000.00");
}

#[test]
fn configuration_from_the_environment() {
    let sandbox = sandbox();
    let output = run(
        &["balance", "--json"],
        &[
            ("FREEDOMPAY_MERCHANT_ID", MERCHANT),
            ("FREEDOMPAY_BASE_URL", sandbox.base_url()),
            ("FREEDOMPAY_SECRET_KEY", SECRET),
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
            ("FREEDOMPAY_SANDBOX_SECRET_KEY", "ignored-by-operations"),
        ],
    );
    success(&output);
    assert_eq!(json(&output)["balance"], "1000000.00");
    // Secrets from files.
    let dir = std::env::temp_dir().join(format!("freedompay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (payment_file, payout_file) = (dir.join("payment"), dir.join("payout"));
    std::fs::write(&payment_file, format!("{SECRET}\n")).unwrap();
    std::fs::write(&payout_file, format!("{PAYOUT_SECRET}\n")).unwrap();
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
            "--secret-key-file",
            payment_file.to_str().unwrap(),
            "--payout-secret-key-file",
            payout_file.to_str().unwrap(),
        ],
        &[],
    );
    success(&output);
    let _ = std::fs::remove_dir_all(&dir);
    // Without a payout secret, a payout-secret call is refused before anything is sent.
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    assert_eq!(code(&output), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--payout-secret-same-as-payment"),
        "{}",
        stderr(&output)
    );
    // Chosen explicitly, the payment secret signs it: here that is the wrong one (9998 or a
    // signature that does not verify), and the message says to check the payout secret.
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
            "--payout-secret-same-as-payment",
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("payout secret"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn payout_to_a_card_and_its_status_by_order_and_by_payment_id() {
    let sandbox = sandbox();
    let output = payout_card(&sandbox, "payout-1", PAYOUT_CARD, &[]);
    success(&output);
    let text = stdout(&output);
    assert!(text.contains("4671 59** **** 8252"), "{text}");
    assert!(
        !text.contains(PAYOUT_CARD),
        "the card number is masked: {text}"
    );
    assert!(text.contains("ok"), "{text}");

    let output = payout_card(
        &sandbox,
        "payout-2",
        PAYOUT_CARD,
        &[
            "--currency",
            "KZT",
            "--user-id",
            "user-7",
            "--card-name",
            "JOHN DOE",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["status"], "ok");
    assert_eq!(value["order_id"], "payout-2");
    assert_eq!(value["card"], "4671 59** **** 8252");
    let payment_id = value["payment_id"].as_u64().unwrap();

    let output = cli(
        &sandbox,
        &["payout", "status", "--order-id", "payout-2", "--json"],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["found"], true);
    assert_eq!(value["payment_status"], "success");
    assert_eq!(value["payment_id"], payment_id);

    let output = cli(&sandbox, &["payout", "status", "--order-id", "payout-1"]);
    success(&output);
    assert!(stdout(&output).contains("success"), "{}", stdout(&output));

    let id = payment_id.to_string();
    let output = cli(
        &sandbox,
        &["payout", "status", "--payment-id", &id, "--json"],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["found"], true);
    assert_eq!(value["payment_id"], payment_id);
    assert_eq!(value["final"], true);

    let output = cli(
        &sandbox,
        &[
            "payout",
            "status",
            "--order-id",
            "payout-2",
            "--payment-id",
            &id,
        ],
    );
    success(&output);

    let output = cli(
        &sandbox,
        &["payout", "status", "--order-id", "never-sent", "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["found"], false);

    // The balance went down by both payouts.
    let output = cli(&sandbox, &["balance", "--json"]);
    success(&output);
    assert_eq!(json(&output)["balance"], "996999.00");
}

#[test]
fn a_refused_payout_exits_1_with_the_gateway_code() {
    let sandbox = sandbox();
    let output = payout_card(&sandbox, "payout-refused", REFUSED_CARD, &[]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("10000"), "{err}");
    assert!(err.contains("payout-refused"), "{err}");
    assert!(!err.contains(REFUSED_CARD) && !stdout(&output).contains(REFUSED_CARD));

    let output = payout_card(&sandbox, "payout-refused-2", REFUSED_CARD, &["--json"]);
    assert_eq!(code(&output), Some(1));
    let value = json(&output);
    assert_eq!(value["ok"], false);
    assert_eq!(value["error_code"], 10000);
    assert_eq!(value["kind"], "gateway_error");
    assert_eq!(value["outcome_unknown"], false);
    assert_eq!(value["exit_code"], 1);
}

#[test]
fn payout_page_and_iban() {
    let sandbox = sandbox();
    let output = cli(
        &sandbox,
        &[
            "payout",
            "page",
            "--order-id",
            "page-1",
            "--amount",
            "700",
            "--description",
            "Cashback",
            "--back-link",
            "https://shop.kz/payouts/done",
            "--post-link",
            POST_LINK,
            "--time-limit",
            "2035-12-31 12:00:00",
            "--user-id",
            "user-7",
            "--email",
            "user@shop.kz",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["status"], "ok");
    let redirect = value["redirect_url"].as_str().unwrap();
    assert!(redirect.starts_with(sandbox.base_url()), "{redirect}");
    // The recipient enters a card on the page.
    let payment_id = value["payment_id"].as_u64().unwrap();
    let (status, body) = control(
        &sandbox,
        "POST",
        &format!("/_sandbox/payouts/{payment_id}/pay"),
        serde_json::json!({ "card": PAYOUT_CARD }),
    );
    assert_eq!(status, 200, "{body}");
    let output = cli(
        &sandbox,
        &["payout", "status", "--order-id", "page-1", "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["payment_status"], "success");

    let output = cli(
        &sandbox,
        &[
            "payout",
            "iban",
            "--order-id",
            "iban-1",
            "--amount",
            "350000",
            "--iban",
            "KZ86125KZT5004100100",
            "--iin",
            "900101301234",
            "--recipient-name",
            "Иванов Иван Иванович",
            "--kbe",
            "19",
            "--bik",
            "KCJBKZKX",
            "--knp",
            "311",
            "--description",
            "Salary, November",
            "--post-link",
            POST_LINK,
        ],
    );
    success(&output);
    let text = stdout(&output);
    assert!(
        !text.contains("KZ86125KZT5004100100"),
        "the IBAN is masked: {text}"
    );
    let output = cli(
        &sandbox,
        &["payout", "status", "--order-id", "iban-1", "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["found"], true);

    // A page's time limit is checked before anything is sent.
    let output = cli(
        &sandbox,
        &[
            "payout",
            "page",
            "--order-id",
            "page-2",
            "--amount",
            "700",
            "--description",
            "x",
            "--back-link",
            "https://shop.kz/done",
            "--post-link",
            POST_LINK,
            "--time-limit",
            "31.12.2035",
        ],
    );
    assert_eq!(code(&output), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--time-limit"));
}

#[test]
fn payout_to_a_saved_card_token() {
    let sandbox = sandbox();
    let output = cli(
        &sandbox,
        &[
            "payout",
            "add-card",
            "--user-id",
            "payee-1",
            "--post-link",
            "http://127.0.0.1:9/freedompay/card-added",
            "--back-link",
            "https://shop.kz/cards/done",
            "--json",
        ],
    );
    success(&output);
    let session = json(&output)["payment_id"].as_u64().unwrap();
    let (status, added) = control(
        &sandbox,
        "POST",
        &format!("/_sandbox/cards/{session}/add"),
        serde_json::json!({ "card": PAYOUT_CARD }),
    );
    assert_eq!(status, 200, "{added}");
    let token = added["card_token"]
        .as_str()
        .expect("a card token")
        .to_owned();

    let output = cli(
        &sandbox,
        &[
            "payout",
            "token",
            "--order-id",
            "token-1",
            "--amount",
            "2500",
            "--description",
            "Winnings",
            "--user-id",
            "payee-1",
            "--card-token",
            &token,
            "--post-link",
            POST_LINK,
            "--time-limit",
            "2035-12-31 12:00:00",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["order_id"], "token-1");
    assert!(
        matches!(value["status"].as_str(), Some("ok" | "success")),
        "{value}"
    );

    // A token the gateway does not know: a typed gateway error.
    let output = cli(
        &sandbox,
        &[
            "payout",
            "token",
            "--order-id",
            "token-2",
            "--amount",
            "2500",
            "--description",
            "Winnings",
            "--user-id",
            "payee-1",
            "--card-token",
            "no-such-token",
            "--post-link",
            POST_LINK,
            "--time-limit",
            "2035-12-31 12:00:00",
            "--json",
        ],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert_eq!(json(&output)["kind"], "gateway_error");
}

#[test]
fn payment_init_any_amount_status_and_refund() {
    let sandbox = sandbox();
    let output = cli(
        &sandbox,
        &[
            "payment",
            "init",
            "--order-id",
            "order-1",
            "--amount",
            "1500",
            "--description",
            "Order 1",
            "--currency",
            "KZT",
            "--testing",
            "--language",
            "en",
            "--lifetime",
            "3600",
            "--user-id",
            "payer-1",
            "--user-email",
            "payer@shop.kz",
            "--user-phone",
            "+7 701 777 77 77",
            "--check-url",
            "http://127.0.0.1:9/freedompay/check",
            "--result-url",
            "http://127.0.0.1:9/freedompay/result",
            "--success-url",
            "https://shop.kz/ok",
            "--failure-url",
            "https://shop.kz/fail",
            "--request-method",
            "POST",
        ],
    );
    success(&output);
    let text = stdout(&output);
    assert!(text.contains("payment id"), "{text}");
    assert!(
        text.contains(&format!("{}/pay/", sandbox.base_url())),
        "{text}"
    );

    let output = cli(
        &sandbox,
        &[
            "payment",
            "init",
            "--any-amount",
            "--order-id",
            "donation-1",
            "--amount",
            "1000",
            "--min",
            "500",
            "--max",
            "50000",
            "--description",
            "Donation",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["operation"], "any_amount_payment");
    assert!(value["payment_id"].as_u64().is_some());

    // Paid, then refunded in part.
    let id = init_payment(&sandbox, "order-2", &[]);
    let output = cli(
        &sandbox,
        &[
            "payment",
            "status",
            "--payment-id",
            &id.to_string(),
            "--json",
        ],
    );
    success(&output);
    assert_eq!(json(&output)["paid"], false);
    pay(&sandbox, id);
    let output = cli(
        &sandbox,
        &["payment", "status", "--order-id", "order-2", "--json"],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["payment_status"], "success");
    assert_eq!(value["payment_id"], id);
    let output = cli(
        &sandbox,
        &[
            "payment",
            "refund",
            "--payment-id",
            &id.to_string(),
            "--amount",
            "500",
            "--json",
        ],
    );
    success(&output);
    assert_eq!(json(&output)["status"], "ok");
    let output = cli(
        &sandbox,
        &[
            "payment",
            "status",
            "--payment-id",
            &id.to_string(),
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["refunds"][0]["amount"], "-500.00", "{value}");
    let output = cli(
        &sandbox,
        &["payment", "status", "--payment-id", &id.to_string()],
    );
    success(&output);
    assert!(stdout(&output).contains("-500.00"), "{}", stdout(&output));

    // A payment the gateway does not know.
    let output = cli(
        &sandbox,
        &["payment", "status", "--payment-id", "424242", "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["found"], false);
    let output = cli(&sandbox, &["payment", "refund", "--payment-id", "424242"]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("340"), "{}", stderr(&output));
}

#[test]
fn two_step_payments_are_cleared_or_cancelled() {
    let sandbox = sandbox();
    let id = init_payment(&sandbox, "two-step-1", &["--no-auto-clearing"]);
    pay(&sandbox, id);
    let id_text = id.to_string();
    let output = cli(
        &sandbox,
        &["payment", "status", "--payment-id", &id_text, "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["captured"], false);
    let output = cli(
        &sandbox,
        &[
            "payment",
            "clear",
            "--payment-id",
            &id_text,
            "--amount",
            "1500",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["status"], "ok");
    let output = cli(
        &sandbox,
        &["payment", "status", "--payment-id", &id_text, "--json"],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["captured"], true);
    assert_eq!(value["clearing_amount"], "1500.00");

    let id = init_payment(&sandbox, "two-step-2", &["--auto-clearing", "0"]);
    pay(&sandbox, id);
    let id_text = id.to_string();
    let output = cli(&sandbox, &["payment", "cancel", "--payment-id", &id_text]);
    success(&output);
    assert!(stdout(&output).contains("cancelled"), "{}", stdout(&output));
    let output = cli(
        &sandbox,
        &["payment", "status", "--payment-id", &id_text, "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["payment_status"], "revoked");
    // Clearing a cancelled payment is refused.
    let output = cli(
        &sandbox,
        &["payment", "clear", "--payment-id", &id_text, "--json"],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert_eq!(json(&output)["kind"], "gateway_error");
}

/// `payout reconcile`: the lost payout is found paid; an order that never arrived is
/// "never arrived" only a minute after its last attempt, and "in flight" (exit 3) before.
#[test]
fn payout_reconcile_follows_the_one_minute_rule() {
    let sandbox = sandbox();
    sandbox.set_fault(
        Some("/g2g/p2p2nonreg"),
        Fault {
            drop_connection: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let output = payout_card(&sandbox, "payout-reconciled", PAYOUT_CARD, &[]);
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    let output = cli(
        &sandbox,
        &[
            "payout",
            "reconcile",
            "payout-reconciled",
            "--last-attempt",
            "5s-ago",
            "--deadline",
            "5",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["verdict"], "paid", "{value}");

    let output = cli(
        &sandbox,
        &[
            "payout",
            "reconcile",
            "payout-never-sent",
            "--last-attempt",
            "2m-ago",
            "--json",
        ],
    );
    success(&output);
    assert_eq!(json(&output)["verdict"], "never_arrived");

    let output = cli(
        &sandbox,
        &[
            "payout",
            "reconcile",
            "payout-never-sent",
            "--last-attempt",
            "1s-ago",
            "--deadline",
            "1",
        ],
    );
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("do NOT resend"),
        "{}",
        stderr(&output)
    );

    // `payout status` says the same about a not-found answer.
    let output = cli(
        &sandbox,
        &[
            "payout",
            "status",
            "--order-id",
            "payout-never-sent",
            "--json",
        ],
    );
    success(&output);
    let value = json(&output);
    assert_eq!(value["found"], false);
    assert_eq!(value["conclusive"], false);
    let output = cli(
        &sandbox,
        &[
            "payout",
            "status",
            "--order-id",
            "payout-never-sent",
            "--last-attempt",
            "10m-ago",
            "--json",
        ],
    );
    success(&output);
    assert_eq!(json(&output)["conclusive"], true);

    // Pay-in: by order id through get_status3.php.
    let output = cli(
        &sandbox,
        &[
            "payment",
            "reconcile",
            "payment-never-sent",
            "--last-attempt",
            "2026-01-01T00:00:00Z",
            "--json",
        ],
    );
    success(&output);
    assert_eq!(json(&output)["verdict"], "never_arrived");
    let output = cli(
        &sandbox,
        &["payment", "status", "--order-id", "payment-never-sent"],
    );
    success(&output);
    assert!(
        stdout(&output).contains("do NOT send it again yet"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_unknown_outcome_exits_3_and_names_the_order() {
    let sandbox = sandbox();
    // The reply is lost after the gateway paid out.
    sandbox.set_fault(
        Some("/g2g/p2p2nonreg"),
        Fault {
            drop_connection: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let output = payout_card(&sandbox, "payout-lost", PAYOUT_CARD, &[]);
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("payout-lost"), "{err}");
    assert!(err.contains("do NOT resend"), "{err}");
    assert!(
        err.contains("freedompay payout reconcile payout-lost --last-attempt"),
        "{err}"
    );
    assert!(err.contains("UNKNOWN"), "{err}");
    // It did happen: the status says so.
    let output = cli(
        &sandbox,
        &["payout", "status", "--order-id", "payout-lost", "--json"],
    );
    success(&output);
    assert_eq!(json(&output)["payment_status"], "success");

    // The gateway stalls past --timeout.
    sandbox.set_fault(
        Some("/g2g/p2p2nonreg"),
        Fault {
            latency_ms: 4000,
            count: Some(1),
            ..Fault::default()
        },
    );
    let started = Instant::now();
    let output = payout_card(
        &sandbox,
        "payout-stalled",
        PAYOUT_CARD,
        &["--timeout", "1", "--json"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout is honoured"
    );
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    let value = json(&output);
    assert_eq!(value["outcome_unknown"], true);
    assert_eq!(value["order_id"], "payout-stalled");
    assert_eq!(value["exit_code"], 3);
    assert_eq!(
        value["status_command"],
        "freedompay payout reconcile payout-stalled --last-attempt <when it was sent>"
    );
    assert!(stderr(&output).contains("check its status before trying again"));

    // A refund whose reply is lost names the payment.
    let id = init_payment(&sandbox, "order-lost-refund", &[]);
    pay(&sandbox, id);
    sandbox.set_fault(
        Some("/revoke.php"),
        Fault {
            truncate_body: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let output = cli(
        &sandbox,
        &["payment", "refund", "--payment-id", &id.to_string()],
    );
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("payment {id}")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_wrong_secret_exits_1_with_a_signature_message() {
    let sandbox = sandbox();
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
        ],
        &[
            ("FREEDOMPAY_SECRET_KEY", SECRET),
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", "not-the-payout-secret"),
        ],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("signature"), "{err}");
    assert!(
        !err.contains("not-the-payout-secret"),
        "the secret is never printed"
    );

    let output = run(
        &[
            "payment",
            "status",
            "--payment-id",
            "1",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
            "--json",
        ],
        &[("FREEDOMPAY_SECRET_KEY", "wrong")],
    );
    assert_eq!(code(&output), Some(1));
    assert_eq!(json(&output)["kind"], "signature_invalid");
}

/// The payouts the sandbox has seen.
fn payouts(sandbox: &SandboxThread) -> usize {
    let (status, body) = control(sandbox, "GET", "/_sandbox/payouts", Value::Null);
    assert_eq!(status, 200);
    body.as_array().map_or(0, Vec::len)
}

#[test]
fn bad_input_exits_2_and_sends_nothing() {
    let sandbox = sandbox();
    for (amount, card) in [
        ("1.001", PAYOUT_CARD),
        ("abc", PAYOUT_CARD),
        ("1e3", PAYOUT_CARD),
        ("0", PAYOUT_CARD),
        ("100", "4671593866478253"),
        ("100", "4671-5938-6647"),
        ("100", "4671593866478252x"),
    ] {
        let output = cli(
            &sandbox,
            &[
                "payout",
                "card",
                "--order-id",
                "bad-1",
                "--amount",
                amount,
                "--card",
                card,
                "--description",
                "x",
                "--post-link",
                POST_LINK,
            ],
        );
        assert_eq!(
            code(&output),
            Some(2),
            "{amount} {card}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(err.contains("nothing was sent"), "{err}");
        assert!(
            !err.contains(card) || card.len() < 13,
            "the card is not echoed: {err}"
        );
    }
    let luhn = cli(
        &sandbox,
        &[
            "payout",
            "card",
            "--order-id",
            "bad-2",
            "--amount",
            "100",
            "--card",
            "4671593866478253",
            "--description",
            "x",
            "--post-link",
            POST_LINK,
        ],
    );
    assert!(stderr(&luhn).contains("Luhn"), "{}", stderr(&luhn));
    assert_eq!(payouts(&sandbox), 0, "nothing reached the sandbox");

    for args in [
        &[
            "payout",
            "card",
            "--order-id",
            "b",
            "--amount",
            "1",
            "--card",
            PAYOUT_CARD,
            "--description",
            "x",
            "--post-link",
            "not a url",
        ][..],
        &["payout", "status", "--payment-id", "abc"],
        &["payout", "status"],
        &["payment", "status", "--payment-id", "0"],
        &[
            "payment",
            "init",
            "--order-id",
            "o",
            "--amount",
            "1",
            "--description",
            "d",
            "--lifetime",
            "10",
        ],
        &[
            "payment",
            "init",
            "--order-id",
            "o",
            "--amount",
            "1",
            "--description",
            "d",
            "--request-method",
            "PUT",
        ],
        &[
            "payment",
            "init",
            "--order-id",
            "o",
            "--amount",
            "1",
            "--description",
            "d",
            "--min",
            "1",
        ],
        &[
            "payment",
            "init",
            "--order-id",
            "o",
            "--amount",
            "1",
            "--description",
            "d",
            "--any-amount",
            "--min",
            "1",
        ],
        &["payment", "refund", "--payment-id", "1", "--amount", "1,5"],
        &["balance", "--timeout", "abc"],
        &["balance", "--timeout", "0"],
        &["balance", "--region", "mars"],
        &["no-such-command"],
    ] {
        let output = cli(&sandbox, args);
        assert_eq!(code(&output), Some(2), "{args:?}: {}", stderr(&output));
    }
    // Missing settings.
    let output = run(&["balance"], &[("FREEDOMPAY_SECRET_KEY", SECRET)]);
    assert_eq!(code(&output), Some(2));
    assert!(
        stderr(&output).contains("FREEDOMPAY_MERCHANT_ID"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
        ],
        &[],
    );
    assert_eq!(code(&output), Some(2));
    assert!(
        stderr(&output).contains("FREEDOMPAY_SECRET_KEY"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &[
            "balance",
            "--merchant-id",
            "12ab",
            "--base-url",
            sandbox.base_url(),
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    assert_eq!(code(&output), Some(2));
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            "ftp://x",
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    assert_eq!(code(&output), Some(2));
    // A bad input in JSON mode is a JSON error too.
    let output = cli(
        &sandbox,
        &[
            "payout",
            "card",
            "--order-id",
            "bad-3",
            "--amount",
            "x",
            "--card",
            PAYOUT_CARD,
            "--description",
            "x",
            "--post-link",
            POST_LINK,
            "--json",
        ],
    );
    assert_eq!(code(&output), Some(2));
    assert_eq!(json(&output)["exit_code"], 2);
    assert_eq!(payouts(&sandbox), 0);
}

#[test]
fn an_unreachable_gateway_is_a_failure_not_a_panic() {
    // Port 9 (discard) is closed on loopback: the connection is refused, nothing is sent.
    let output = run(
        &[
            "payout",
            "card",
            "--order-id",
            "p",
            "--amount",
            "1",
            "--card",
            PAYOUT_CARD,
            "--description",
            "x",
            "--post-link",
            POST_LINK,
            "--merchant-id",
            MERCHANT,
            "--base-url",
            "http://127.0.0.1:9",
            "--payout-secret-same-as-payment",
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("not sent"), "{}", stderr(&output));
}

#[test]
fn demo_runs_to_the_end() {
    let output = run(&["demo"], &[]);
    success(&output);
    let text = stdout(&output);
    assert!(text.contains("All 17 steps passed"), "{text}");
    assert!(!text.contains('✗'), "{text}");
    for step in [
        "init_payment",
        "payer pays",
        "check callback",
        "result callback",
        "payment_status",
        "payout_to_card",
        "payout notification",
        "payout_status_by_order",
        "balance",
        "gateway_card_payment",
        "payer passes 3-D Secure",
        "gateway_complete_card",
        "gateway_store_card",
        "gateway_token_payment",
        "gateway_wallet_payment",
        "gateway_card_transfer",
        "gateway_payment_status",
    ] {
        assert!(text.contains(step), "{step} missing:\n{text}");
    }
    assert!(
        !text.contains(PAYOUT_CARD) && !text.contains(PURCHASE_CARD),
        "cards are masked"
    );
}

#[test]
fn demo_against_a_configured_gateway_is_read_only() {
    let sandbox = sandbox();
    let output = run(
        &["demo"],
        &[
            ("FREEDOMPAY_BASE_URL", sandbox.base_url()),
            ("FREEDOMPAY_MERCHANT_ID", MERCHANT),
            ("FREEDOMPAY_SECRET_KEY", SECRET),
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
        ],
    );
    success(&output);
    let text = stdout(&output);
    assert!(text.contains("read-only"), "{text}");
    assert!(text.contains("not found, as expected"), "{text}");
    assert_eq!(payouts(&sandbox), 0, "no money moved");
    // A gateway without credentials: told what to set.
    let output = run(&["demo"], &[("FREEDOMPAY_BASE_URL", sandbox.base_url())]);
    assert_eq!(code(&output), Some(2));
    assert!(
        stderr(&output).contains("FREEDOMPAY_SECRET_KEY"),
        "{}",
        stderr(&output)
    );
}

/// Kills the child on drop, so that a failed assertion leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sandbox_subcommand_serves_a_client() {
    let mut child = command(
        &[
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--merchant-id",
            MERCHANT,
            "--secret-key",
            SECRET,
            "--payout-secret-key",
            PAYOUT_SECRET,
            "--starting-balance",
            "5000",
            "--callback-retry-interval-ms",
            "100",
            "--callback-retries",
            "1",
            "--unknown-element-every",
            "0",
            "--payout-process-delay-secs",
            "1",
            "--cardstoragepayout-secret",
            "payout",
            "--quiet",
        ],
        &[],
    )
    .spawn()
    .expect("the sandbox runs");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line.trim().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
    let output = run(
        &[
            "balance",
            "--json",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            &base,
        ],
        &[
            ("FREEDOMPAY_SECRET_KEY", SECRET),
            ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
        ],
    );
    success(&output);
    assert_eq!(json(&output)["balance"], "5000.00");
    // Ctrl-C stops it cleanly.
    #[cfg(unix)]
    {
        let mut running = running;
        let pid = running.0.id().to_string();
        let kill = Command::new("kill").args(["-INT", &pid]).status();
        if kill.is_ok_and(|s| s.success()) {
            let deadline = Instant::now() + Duration::from_secs(20);
            let status = loop {
                if let Some(status) = running.0.try_wait().unwrap() {
                    break status;
                }
                assert!(
                    Instant::now() < deadline,
                    "the sandbox did not stop on SIGINT"
                );
                std::thread::sleep(Duration::from_millis(50));
            };
            assert!(status.success(), "{status:?}");
        }
    }
    #[cfg(not(unix))]
    drop(running);

    // The secrets from the sandbox's environment variables.
    let mut child = command(
        &["sandbox", "--addr", "127.0.0.1:0", "--quiet"],
        &[
            ("FREEDOMPAY_MERCHANT_ID", MERCHANT),
            ("FREEDOMPAY_SANDBOX_SECRET_KEY", SECRET),
        ],
    )
    .spawn()
    .expect("the sandbox runs");
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let output = run(
        &[
            "balance",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            line.trim(),
            "--payout-secret-same-as-payment",
        ],
        &[("FREEDOMPAY_SECRET_KEY", SECRET)],
    );
    success(&output);

    // Bad flags: usage errors, no server.
    for args in [
        &["sandbox", "--merchant-id", MERCHANT][..],
        &["sandbox", "--secret-key", SECRET],
        &[
            "sandbox",
            "--merchant-id",
            MERCHANT,
            "--secret-key",
            SECRET,
            "--addr",
            "nowhere",
        ],
        &[
            "sandbox",
            "--merchant-id",
            MERCHANT,
            "--secret-key",
            SECRET,
            "--starting-balance",
            "x",
        ],
        &[
            "sandbox",
            "--merchant-id",
            MERCHANT,
            "--secret-key",
            SECRET,
            "--cardstoragepayout-secret",
            "x",
        ],
    ] {
        let output = run(args, &[]);
        assert_eq!(code(&output), Some(2), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn help_lists_every_command_and_flag() {
    let output = run(&["--help"], &[]);
    success(&output);
    let text = stdout(&output);
    for word in [
        "balance",
        "payout",
        "payment",
        "sandbox",
        "demo",
        "sign",
        "verify-response",
        "verify-callback",
        "--merchant-id",
        "--base-url",
        "--region",
        "--test",
        "--timeout",
        "--json",
        "FREEDOMPAY_MERCHANT_ID",
        "FREEDOMPAY_SECRET_KEY",
        "FREEDOMPAY_PAYOUT_SECRET_KEY",
        "FREEDOMPAY_BASE_URL",
        "Exit codes",
    ] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
    let output = run(&["sandbox", "--help"], &[]);
    success(&output);
    let text = stdout(&output);
    for word in [
        "--addr",
        "--merchant-id",
        "--secret-key",
        "--payout-secret-key",
        "--starting-balance",
        "--callback-retry-interval-ms",
        "--callback-retries",
        "--unknown-element-every",
        "--payout-process-delay-secs",
        "--cardstoragepayout-secret",
        "--unsigned-signature-errors",
        "--fixed-clock",
        "--quiet",
        "FREEDOMPAY_SANDBOX_SECRET_KEY",
    ] {
        assert!(text.contains(word), "sandbox --help lacks {word}:\n{text}");
    }
    let expect: &[(&[&str], &[&str])] = &[
        (
            &["payout"],
            &["card", "status", "page", "iban", "token", "add-card"],
        ),
        (
            &["payment"],
            &["init", "status", "refund", "clear", "cancel"],
        ),
        (
            &["payout", "card"],
            &[
                "--order-id",
                "--amount",
                "--card",
                "--description",
                "--post-link",
                "--currency",
                "--user-id",
                "--card-name",
            ],
        ),
        (&["payout", "status"], &["--order-id", "--payment-id"]),
        (
            &["payout", "page"],
            &["--back-link", "--time-limit", "--email", "--user-id"],
        ),
        (
            &["payout", "iban"],
            &[
                "--iban",
                "--iin",
                "--recipient-name",
                "--kbe",
                "--bik",
                "--knp",
            ],
        ),
        (
            &["payout", "token"],
            &["--card-token", "--user-id", "--time-limit"],
        ),
        (
            &["payout", "add-card"],
            &["--user-id", "--post-link", "--back-link"],
        ),
        (
            &["payment", "init"],
            &[
                "--any-amount",
                "--min",
                "--max",
                "--currency",
                "--result-url",
                "--check-url",
                "--success-url",
                "--failure-url",
                "--testing",
                "--lifetime",
                "--language",
                "--user-id",
                "--user-email",
                "--user-phone",
                "--no-auto-clearing",
            ],
        ),
        (&["payment", "status"], &["--payment-id", "--order-id"]),
        (&["payment", "refund"], &["--payment-id", "--amount"]),
        (&["payment", "clear"], &["--payment-id", "--amount"]),
        (&["payment", "cancel"], &["--payment-id"]),
        (&["balance"], &["--json"]),
        (&["demo"], &["FREEDOMPAY_BASE_URL"]),
    ];
    for (path, words) in expect {
        let mut args = path.to_vec();
        args.push("--help");
        let output = run(&args, &[]);
        success(&output);
        let text = stdout(&output);
        for word in *words {
            assert!(text.contains(word), "{path:?} --help lacks {word}:\n{text}");
        }
    }
}

/// A small deterministic generator of test inputs.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Bytes biased towards the characters of JSON, XML and forms.
    fn input(&mut self) -> Vec<u8> {
        const ALPHABET: &[u8] =
            b"{}[]<>/=&%?\"':,.- pg_sigxmlresponse0123456789abc\n\t\xff\xc3\x00";
        let len = (self.next() % 200) as usize;
        (0..len)
            .map(|_| ALPHABET[(self.next() as usize) % ALPHABET.len()])
            .collect()
    }
}

#[test]
fn garbage_on_standard_input_never_panics() {
    use std::io::Write;
    let mut rng = Lcg(0x5eed);
    let commands: [&[&str]; 4] = [
        &["sign", "--script", "init_payment.php"],
        &["verify-response", "--script", "init_payment.php"],
        &[
            "verify-callback",
            "--url",
            "https://shop.kz/freedompay/result",
        ],
        &[
            "verify-callback",
            "--url",
            "https://shop.kz/payout-notify",
            "--payout",
        ],
    ];
    let mut inputs: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"<response><pg_sig>".to_vec(),
        b"pg_xml=%3C".to_vec(),
        b"pg_xml=<request><pg_sig>x</pg_sig></request>".to_vec(),
        b"a[=1&a[b]]=2".to_vec(),
        vec![0xff; 64],
    ];
    inputs.extend((0..25).map(|_| rng.input()));
    for args in commands {
        for input in &inputs {
            let mut child = command(
                args,
                &[
                    ("FREEDOMPAY_SECRET_KEY", SECRET),
                    ("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET),
                ],
            )
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
            let _ = child.stdin.take().unwrap().write_all(input);
            let output = child.wait_with_output().unwrap();
            let err = stderr(&output);
            assert!(
                matches!(code(&output), Some(0..=2)),
                "{args:?} {:?}: {:?}\n{err}",
                String::from_utf8_lossy(input),
                output.status
            );
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}
