//! `freedompay call --api card|partner --path …` against an embedded sandbox (docs/protocol.md
//! §12.4, §12.5): the Card and Partner APIs' own keys from `FREEDOMPAY_CARD_API_ID`/`_SECRET`
//! and `FREEDOMPAY_PARTNER_API_ID`/`_SECRET` (or `--api-secret-file`), the body from standard
//! input, the sandbox's state read back through its control API.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use freedompay_blocking::ureq;
use freedompay_sandbox::{
    DEFAULT_CARD_API_KEY, DEFAULT_PARTNER_API_KEY, GIFT_CARD_TEST_OTP, SandboxConfig,
    SandboxThread, SecretKey,
};
use serde_json::{Value, json};

const MERCHANT: &str = "545000";
const SECRET: &str = "cli-test-payment-secret";

fn sandbox() -> SandboxThread {
    SandboxThread::start(SandboxConfig::new(
        MERCHANT,
        SecretKey::new(SECRET).unwrap(),
    ))
    .expect("the sandbox starts")
}

/// `freedompay --json --merchant-id … --base-url … ARGS` with `env` and `stdin`, no other
/// FREEDOMPAY_* variable.
fn cli(sandbox: &SandboxThread, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freedompay"));
    command
        .args([
            "--json",
            "--merchant-id",
            MERCHANT,
            "--base-url",
            sandbox.base_url(),
        ])
        .args(args)
        .env("FREEDOMPAY_SECRET_KEY", SECRET);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FREEDOMPAY_") {
            command.env_remove(name);
        }
    }
    command.env("FREEDOMPAY_SECRET_KEY", SECRET);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

const CARD_KEY: [(&str, &str); 2] = [
    ("FREEDOMPAY_CARD_API_ID", DEFAULT_CARD_API_KEY.auth_id),
    ("FREEDOMPAY_CARD_API_SECRET", DEFAULT_CARD_API_KEY.secret),
];
const PARTNER_KEY: [(&str, &str); 2] = [
    ("FREEDOMPAY_PARTNER_API_ID", DEFAULT_PARTNER_API_KEY.auth_id),
    (
        "FREEDOMPAY_PARTNER_API_SECRET",
        DEFAULT_PARTNER_API_KEY.secret,
    ),
];

/// `freedompay call --api API --path PATH [--query]` with `body`; the reply the sandbox gave.
#[track_caller]
fn call(sandbox: &SandboxThread, api: &str, path: &str, query: bool, body: &Value) -> Value {
    let key: &[(&str, &str)] = if api == "card" {
        &CARD_KEY
    } else {
        &PARTNER_KEY
    };
    let mut args = vec!["call", "--api", api, "--path", path];
    if query {
        args.push("--query");
    }
    let output = cli(sandbox, &args, key, body.to_string().as_bytes());
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    report["reply"].clone()
}

fn issuing(sandbox: &SandboxThread, kind: &str) -> Vec<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let text = agent
        .get(&sandbox.url(&format!("/_sandbox/issuing/{kind}")))
        .call()
        .expect("the control API answers")
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(records: &'a [Value], member: &str, value: &Value) -> &'a Value {
    records
        .iter()
        .find(|r| &r[member] == value)
        .unwrap_or_else(|| panic!("{member}={value} in {records:?}"))
}

#[test]
fn card_api_calls_with_the_card_key() {
    let sandbox = sandbox();
    let reply = call(
        &sandbox,
        "card",
        "/v5/card-api/card/unblock",
        true,
        &json!({"request_id": "cli-unblock", "card_id": "card-1002", "description": "found"}),
    );
    assert_eq!(reply["status"], "ok", "{reply}");
    let reply = call(
        &sandbox,
        "card",
        "/v5/card-api/card/link",
        true,
        &json!({"request_id": "cli-link", "client_id": "client-2001", "card_id": "card-1002"}),
    );
    assert_eq!(reply["status"], "ok", "{reply}");
    let reply = call(
        &sandbox,
        "card",
        "/v5/card-api/card/close",
        false,
        &json!({"request_id": "cli-close", "card_id": "card-1003", "description": "reissue"}),
    );
    assert_eq!(reply["status"], "ok", "{reply}");
    let reply = call(
        &sandbox,
        "card",
        "/v5/card-api/request/status",
        true,
        &json!({"request_id": "cli-link"}),
    );
    assert_eq!(reply["cards"], json!([{"card_id": "card-1002"}]), "{reply}");
    assert_eq!(reply["client_id"], "client-2001");
    let reply = call(
        &sandbox,
        "card",
        "/v5/cards/activate_card",
        true,
        &json!({"otp": GIFT_CARD_TEST_OTP, "card_id": 555}),
    );
    assert_eq!(reply["card_mask"], "1234********5633", "{reply}");
    let cards = issuing(&sandbox, "cards");
    assert_eq!(
        find(&cards, "card_id", &json!("card-1002"))["status"],
        "active"
    );
    assert_eq!(
        find(&cards, "card_id", &json!("card-1003"))["status"],
        "closed"
    );

    // A duplicate request_id is refused (HTTP 409): the command fails, nothing changes.
    let output = cli(
        &sandbox,
        &[
            "call",
            "--api",
            "card",
            "--path",
            "/v5/card-api/card/unblock",
            "--query",
        ],
        &CARD_KEY,
        json!({"request_id": "cli-close", "card_id": "card-1001", "description": "x"})
            .to_string()
            .as_bytes(),
    );
    assert_ne!(output.status.code(), Some(0));
    // Without the Card key, the command says which variables to set.
    let output = cli(
        &sandbox,
        &[
            "call",
            "--api",
            "card",
            "--path",
            "/v5/card-api/request/status",
            "--query",
        ],
        &[],
        b"{}",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("FREEDOMPAY_CARD_API_ID"));
}

#[test]
fn partner_api_calls_with_the_partner_key() {
    let sandbox = sandbox();
    let reply = call(
        &sandbox,
        "partner",
        "/v5/partner/rates/add",
        true,
        &json!({"rates": [{"currency_from": "USD", "currency_to": "KZT", "rate": 441.507, "rate_type": "p2p"}]}),
    );
    assert_eq!(reply["status"], "ok", "{reply}");
    assert_eq!(issuing(&sandbox, "rates")[0]["rate"], "441.507");
    let reply = call(
        &sandbox,
        "partner",
        "/v5/partner/client/add",
        true,
        &json!({"request_id": "cli-client", "company": {"name": "CLI LLP"}, "product": {}}),
    );
    let client_id = reply["client_id"].as_i64().expect("a client id");
    let reply = call(
        &sandbox,
        "partner",
        "/v5/partner/client/user/add",
        true,
        &json!({"request_id": "cli-user", "client_id": client_id, "user_info": {
            "first_name": "A", "last_name": "B", "phone": "77001112233", "email": "a@example.com"}}),
    );
    assert_eq!(reply["client_id"], client_id, "{reply}");
    let reply = call(
        &sandbox,
        "partner",
        "/v5/partner/wallet/block",
        true,
        &json!({"request_id": "cli-block", "identifier": "77001234567", "description": "fraud"}),
    );
    assert_eq!(reply["request_status"], "completed", "{reply}");
    let reply = call(
        &sandbox,
        "partner",
        "/v5/partner/wallet/statement",
        true,
        &json!({"identifier": "77001234567"}),
    );
    assert_eq!(
        reply["operations"].as_array().map(Vec::len),
        Some(2),
        "{reply}"
    );
    let wallets = issuing(&sandbox, "wallets");
    assert_eq!(
        find(&wallets, "identifier", &json!("77001234567"))["blocked"],
        true
    );

    // The Card key does not sign Partner calls: 401, the command fails.
    let output = cli(
        &sandbox,
        &[
            "call",
            "--api",
            "partner",
            "--path",
            "/v5/partner/wallet/statement",
            "--query",
        ],
        &[
            ("FREEDOMPAY_PARTNER_API_ID", DEFAULT_PARTNER_API_KEY.auth_id),
            ("FREEDOMPAY_PARTNER_API_SECRET", DEFAULT_CARD_API_KEY.secret),
        ],
        br#"{"identifier":"77001234567"}"#,
    );
    assert_ne!(output.status.code(), Some(0));
}
