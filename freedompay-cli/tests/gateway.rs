//! `freedompay gateway ...`, run as a user runs it: card data from the environment or standard
//! input (never a flag), never echoed, refusals before anything is sent.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use freedompay_blocking::ureq;
use freedompay_sandbox::{Fault, SandboxConfig, SandboxThread, SecretKey};
use serde_json::Value;

const MERCHANT: &str = "545000";
const SECRET: &str = "cli-test-payment-secret";
/// The card of FreedomPay's documentation examples (public test data).
const DOC_CARD: &str = "4405645000006150";
const CVC: &str = "653";
/// A purchase test card: approved, no 3-D Secure.
const PURCHASE_CARD: &str = "4716047261941981";
/// A valid card that is no test card: declined.
const DECLINED_CARD: &str = "4111111111111111";
/// The payout test card that succeeds (a transfer's recipient).
const PAYOUT_CARD: &str = "4671593866478252";
/// The code that passes the sandbox's ACS page.
const ACS_CODE: &str = "123456";
/// Nothing listens there: a call that reached the network would fail with exit 1 or 3, never 2.
const NOWHERE: &str = "http://127.0.0.1:9";

/// The command with no FREEDOMPAY_* variable of the caller's environment, `env` added, and
/// `stdin` written to its standard input.
fn run(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
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
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary runs");
    {
        let mut input = child.stdin.take().expect("a stdin");
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("the binary ends")
}

/// A gateway command against `base_url`, the secret in the environment.
fn gateway(base_url: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut all = vec!["gateway"];
    all.extend_from_slice(args);
    all.extend(["--merchant-id", MERCHANT, "--base-url", base_url]);
    let mut env = env.to_vec();
    env.push(("FREEDOMPAY_SECRET_KEY", SECRET));
    run(&all, &env, stdin)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[track_caller]
fn assert_no_card_data(output: &Output) {
    let all = text(output);
    assert!(
        !all.contains(DOC_CARD),
        "the card number was echoed:\n{all}"
    );
    assert!(
        !all.contains("6150 ") || all.contains("**"),
        "an unmasked card number:\n{all}"
    );
    for secret in ["cvc=653", "CVC 653", ": 653", "=653"] {
        assert!(!all.contains(secret), "the CVC was echoed:\n{all}");
    }
}

fn pay_card_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "pay",
        "card",
        "--order-id",
        "g-cli-1",
        "--amount",
        "1500",
        "--description",
        "CLI test",
        "--card-name",
        "TEST TESTOV",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn the_gateway_group_lists_every_family() {
    let output = run(&["gateway", "--help"], &[], "");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let help = String::from_utf8_lossy(&output.stdout);
    for command in [
        "pay",
        "card",
        "transfer",
        "transfer-complete",
        "transfer-status",
        "token-pay",
        "wallet-pay",
    ] {
        assert!(help.contains(command), "{command} missing:\n{help}");
    }
    let output = run(&["gateway", "pay", "--help"], &[], "");
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["card", "complete", "cancel", "clear", "refund", "status"] {
        assert!(help.contains(command), "{command} missing:\n{help}");
    }
    let output = run(&["gateway", "card", "--help"], &[], "");
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["add", "complete", "list", "remove"] {
        assert!(help.contains(command), "{command} missing:\n{help}");
    }
}

#[test]
fn there_is_no_flag_for_the_card_number_or_the_cvc() {
    for flag in ["--card", "--pan", "--cvc", "--card-pan", "--card-cvc"] {
        let output = gateway(NOWHERE, &pay_card_args(&[flag, DOC_CARD]), &[], "");
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", text(&output));
    }
}

#[test]
fn missing_card_data_is_refused_before_sending() {
    let output = gateway(NOWHERE, &pay_card_args(&["--json"]), &[], "");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["ok"], false);
    assert_eq!(json["exit_code"], 2);
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("FREEDOMPAY_CARD_PAN"), "{error}");
    assert!(error.contains("nothing was sent"), "{error}");

    // The number but no CVC.
    let output = gateway(
        NOWHERE,
        &pay_card_args(&["--expiry", "12/99"]),
        &[("FREEDOMPAY_CARD_PAN", DOC_CARD)],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("FREEDOMPAY_CARD_CVC"));
    assert_no_card_data(&output);
}

#[test]
fn bad_card_data_is_refused_without_echoing_it() {
    // A Luhn error, from the environment.
    let output = gateway(
        NOWHERE,
        &pay_card_args(&[]),
        &[
            ("FREEDOMPAY_CARD_PAN", "4405645000006151"),
            ("FREEDOMPAY_CARD_EXPIRY", "12/99"),
            ("FREEDOMPAY_CARD_CVC", CVC),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let all = text(&output);
    assert!(all.contains("FREEDOMPAY_CARD_PAN"), "{all}");
    assert!(!all.contains("4405645000006151"), "{all}");

    // An expired card, from stdin.
    let output = gateway(
        NOWHERE,
        &pay_card_args(&["--card-stdin"]),
        &[],
        &format!("{DOC_CARD}\n01/20\n{CVC}\n"),
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--card-stdin (expiry)"));
    assert_no_card_data(&output);

    // A CVC of two digits, from --cvc-stdin.
    let output = gateway(
        NOWHERE,
        &pay_card_args(&["--cvc-stdin", "--expiry", "12/99"]),
        &[("FREEDOMPAY_CARD_PAN", DOC_CARD)],
        "65\n",
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--cvc-stdin"));
    assert_no_card_data(&output);
}

#[test]
fn a_call_that_cannot_connect_is_an_error_not_an_echo() {
    // Valid card data; nothing listens: the payment may not have been sent (refused
    // connection), exit 1 or 3, and the card never shows.
    let output = gateway(
        NOWHERE,
        &pay_card_args(&["--card-stdin", "--json"]),
        &[],
        &format!("{DOC_CARD}\n12/99\n{CVC}\n"),
    );
    let code = output.status.code();
    assert!(matches!(code, Some(1 | 3)), "{}", text(&output));
    assert_no_card_data(&output);
}

#[test]
fn other_commands_refuse_bad_input_before_sending() {
    for args in [
        &[
            "pay",
            "complete",
            "--payment-id",
            "x",
            "--md",
            "m",
            "--pares",
            "p",
        ][..],
        &["pay", "cancel", "--payment-id", "0"],
        &["pay", "clear", "--payment-id", "7", "--amount", "1.234"],
        &["pay", "refund", "--payment-id", "7", "--amount", "-5"],
        &["pay", "status"],
        &["card", "list", "--user-id", ""],
        &["card", "remove", "--user-id", "u1", "--card-token", " "],
        &["transfer-status", "--payment-id", "abc"],
        &[
            "token-pay",
            "--order-id",
            "t-1",
            "--amount",
            "10",
            "--description",
            "d",
            "--user-id",
            "u1",
            "--card-token",
            "bad token",
        ],
        &[
            "wallet-pay",
            "--wallet",
            "paypal",
            "--order-id",
            "w-1",
            "--amount",
            "10",
            "--description",
            "d",
            "--card-name",
            "TEST TESTOV",
        ],
        &[
            "transfer-complete",
            "--payment-id",
            "5",
            "--md",
            " ",
            "--pares",
            "p",
        ],
        // A transfer names its recipient, or says there is none.
        &[
            "transfer",
            "--order-id",
            "p-1",
            "--amount",
            "10",
            "--description",
            "d",
            "--card-name",
            "TEST TESTOV",
        ],
    ] {
        let output = gateway(NOWHERE, args, &[], "");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
    }
}

// ---------------------------------------------------------------------------------------------
// Against the embedded sandbox.

fn sandbox() -> SandboxThread {
    SandboxThread::start(SandboxConfig::new(
        MERCHANT,
        SecretKey::new(SECRET).unwrap(),
    ))
    .expect("the sandbox starts")
}

#[track_caller]
fn ok_json(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "{}", text(output));
    assert_no_card_data(output);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(output)))
}

/// The payer on the sandbox's ACS page: posts the form the command printed, types the code;
/// the PaRes the page posts back to the TermUrl.
fn pass_acs(step: &Value, code: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let form = &step["acs_form"];
    let mut fields = freedompay_core::sign::Fields::new();
    fields
        .push("PaReq", form["PaReq"].as_str().expect("PaReq"))
        .push("MD", form["MD"].as_str().expect("MD"))
        .push("TermUrl", form["TermUrl"].as_str().expect("TermUrl"))
        .push("code", code);
    let mut response = agent
        .post(step["acs_url"].as_str().expect("an ACS URL"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send(freedompay_core::form::encode(&fields).as_str())
        .expect("the ACS page answers");
    assert_eq!(response.status().as_u16(), 200);
    let page = response.body_mut().read_to_string().unwrap();
    let at = page.find("name=\"PaRes\" value=\"").expect("a PaRes") + 20;
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

const TERM_URL: &str = "https://shop.example/3ds-return";

/// `pay card` through 3-D Secure (card data on stdin), `pay complete` (PaRes on stdin),
/// `pay status` (status_v2), `pay refund`.
#[test]
fn card_payment_through_3ds_then_refund() {
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let started = ok_json(&gateway(
        base,
        &pay_card_args(&[
            "--card-stdin",
            "--auto-clearing",
            "--term-url",
            TERM_URL,
            "--json",
        ]),
        &[],
        &format!("{DOC_CARD}\n12/99\n{CVC}\n"),
    ));
    assert_eq!(started["three_ds"], true, "{started}");
    assert_eq!(started["card"], "4405 64** **** 6150");
    assert_eq!(started["acs_form"]["TermUrl"], TERM_URL);
    assert!(
        started["acs_form"]["MD"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        started["acs_form"]["PaReq"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    let id = started["payment_id"].as_u64().expect("an id").to_string();
    let md = started["acs_form"]["MD"].as_str().unwrap().to_owned();

    let pares = pass_acs(&started, ACS_CODE);
    let done = ok_json(&gateway(
        base,
        &[
            "pay",
            "complete",
            "--payment-id",
            &id,
            "--md",
            &md,
            "--pares-stdin",
            "--json",
        ],
        &[],
        &format!("{pares}\n"),
    ));
    assert_eq!(done["status"], "ok", "{done}");
    assert!(done["auth_code"].is_string());

    let status = ok_json(&gateway(
        base,
        &["pay", "status", "--payment-id", &id, "--json"],
        &[],
        "",
    ));
    assert_eq!(status["found"], true);
    assert_eq!(status["payment_status"], "success", "{status}");
    assert_eq!(status["amount"], "1500.00");
    assert_eq!(status["card_pan"], "4405-64XX-XXXX-6150");
    let text_status = gateway(base, &["pay", "status", "--order-id", "g-cli-1"], &[], "");
    assert_eq!(text_status.status.code(), Some(0), "{}", text(&text_status));
    assert!(text(&text_status).contains(&format!("payment {id}: success")));

    let refunded = ok_json(&gateway(
        base,
        &[
            "pay",
            "refund",
            "--payment-id",
            &id,
            "--amount",
            "100",
            "--json",
        ],
        &[],
        "",
    ));
    assert_eq!(refunded["status"], "ok", "{refunded}");
}

/// The text output of a 3-D Secure step: the ACS URL, MD and PaReq, and the next command.
#[test]
fn a_3ds_step_in_text() {
    let sandbox = sandbox();
    let output = gateway(
        sandbox.base_url(),
        &pay_card_args(&["--expiry", "12/99"]),
        &[
            ("FREEDOMPAY_CARD_PAN", DOC_CARD),
            ("FREEDOMPAY_CARD_CVC", CVC),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_no_card_data(&output);
    let shown = text(&output);
    assert!(shown.contains("3-D Secure required"), "{shown}");
    assert!(shown.contains("/_sandbox/acs"), "{shown}");
    assert!(shown.contains("MD ") && shown.contains("PaReq "), "{shown}");
    assert!(
        shown.contains("freedompay gateway pay complete --payment-id"),
        "{shown}"
    );
    assert!(shown.contains("--term-url"), "{shown}");
}

/// Two-step payments from the environment: cleared in part, or cancelled; a declined card
/// exits 1.
#[test]
fn two_step_payments_and_a_decline() {
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let env = [
        ("FREEDOMPAY_CARD_PAN", PURCHASE_CARD),
        ("FREEDOMPAY_CARD_EXPIRY", "12/99"),
        ("FREEDOMPAY_CARD_CVC", CVC),
    ];
    let mut ids = Vec::new();
    for order in ["g-hold-1", "g-hold-2"] {
        let args = [
            "pay",
            "card",
            "--order-id",
            order,
            "--amount",
            "1000",
            "--description",
            "Hold",
            "--card-name",
            "TEST TESTOV",
            "--no-auto-clearing",
            "--json",
        ];
        let held = ok_json(&gateway(base, &args, &env, ""));
        assert_eq!(held["three_ds"], false, "{held}");
        assert_eq!(held["card"], "4716 04** **** 1981");
        ids.push(held["payment_id"].as_u64().unwrap().to_string());
    }
    let cleared = ok_json(&gateway(
        base,
        &[
            "pay",
            "clear",
            "--payment-id",
            &ids[0],
            "--amount",
            "800",
            "--json",
        ],
        &[],
        "",
    ));
    assert_eq!(cleared["clearing_amount"], "800.00", "{cleared}");
    let cancelled = ok_json(&gateway(
        base,
        &["pay", "cancel", "--payment-id", &ids[1], "--json"],
        &[],
        "",
    ));
    assert_eq!(cancelled["status"], "ok", "{cancelled}");

    let env = [
        ("FREEDOMPAY_CARD_PAN", DECLINED_CARD),
        ("FREEDOMPAY_CARD_EXPIRY", "12/99"),
        ("FREEDOMPAY_CARD_CVC", CVC),
    ];
    let declined = gateway(base, &pay_card_args(&["--json"]), &env, "");
    assert_eq!(declined.status.code(), Some(1), "{}", text(&declined));
    let json: Value = serde_json::from_slice(&declined.stdout).unwrap();
    assert_eq!(json["outcome_unknown"], false);
    assert!(!text(&declined).contains(DECLINED_CARD));
}

/// A connection dropped after the request was sent: exit 3, and how to find out.
#[test]
fn an_unknown_outcome_exits_3() {
    let sandbox = sandbox();
    sandbox.set_fault(
        Some("/g2g/payment"),
        Fault {
            drop_connection: true,
            count: Some(1),
            ..Fault::default()
        },
    );
    let output = gateway(
        sandbox.base_url(),
        &pay_card_args(&["--card-stdin", "--json"]),
        &[],
        &format!("{PURCHASE_CARD}\n12/99\n{CVC}\n"),
    );
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["outcome_unknown"], true);
    assert!(
        json["status_command"]
            .as_str()
            .unwrap()
            .contains("freedompay gateway pay status --order-id g-cli-1"),
        "{json}"
    );
    assert!(!text(&output).contains(PURCHASE_CARD));
}

/// `card add` (through 3-D Secure and without), `card list`, `token-pay`, `card remove`.
#[test]
fn stored_cards_and_token_payment() {
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let added = ok_json(&gateway(
        base,
        &[
            "card",
            "add",
            "--user-id",
            "u-1",
            "--card-name",
            "TEST TESTOV",
            "--card-stdin",
            "--json",
        ],
        &[],
        &format!("{PURCHASE_CARD}\n12/99\n{CVC}\n"),
    ));
    assert_eq!(added["three_ds"], false, "{added}");
    let token = added["card_token"].as_str().expect("a token").to_owned();

    let with_3ds = ok_json(&gateway(
        base,
        &[
            "card",
            "add",
            "--user-id",
            "u-1",
            "--card-name",
            "TEST TESTOV",
            "--card-stdin",
            "--term-url",
            TERM_URL,
            "--json",
        ],
        &[],
        &format!("{DOC_CARD}\n12/99\n{CVC}\n"),
    ));
    assert_eq!(with_3ds["three_ds"], true, "{with_3ds}");
    let pares = pass_acs(&with_3ds, ACS_CODE);
    let id = with_3ds["payment_id"].as_u64().unwrap().to_string();
    let md = with_3ds["acs_form"]["MD"].as_str().unwrap();
    let stored = ok_json(&gateway(
        base,
        &[
            "card",
            "complete",
            "--payment-id",
            &id,
            "--md",
            md,
            "--pares",
            &pares,
            "--json",
        ],
        &[],
        "",
    ));
    assert!(stored["card_token"].is_string(), "{stored}");

    let list = ok_json(&gateway(
        base,
        &["card", "list", "--user-id", "u-1", "--json"],
        &[],
        "",
    ));
    assert_eq!(list["count"], 2, "{list}");

    let paid = ok_json(&gateway(
        base,
        &[
            "token-pay",
            "--order-id",
            "g-token-1",
            "--amount",
            "990",
            "--description",
            "Token",
            "--user-id",
            "u-1",
            "--card-token",
            &token,
            "--json",
        ],
        &[],
        "",
    ));
    assert_eq!(paid["status"], "ok", "{paid}");
    assert_eq!(paid["three_ds"], false);

    let removed = ok_json(&gateway(
        base,
        &[
            "card",
            "remove",
            "--user-id",
            "u-1",
            "--card-token",
            &token,
            "--json",
        ],
        &[],
        "",
    ));
    assert!(removed["card_hash"].is_string(), "{removed}");
    let list = ok_json(&gateway(
        base,
        &["card", "list", "--user-id", "u-1", "--json"],
        &[],
        "",
    ));
    assert_eq!(list["count"], 1, "{list}");
}

/// `wallet-pay`: the device card from the environment, the cryptogram on stdin, never shown.
#[test]
fn wallet_payment() {
    let sandbox = sandbox();
    let cryptogram = "AgAAAAAABk4DWZ4C28yUQAAAAAA=";
    let output = gateway(
        sandbox.base_url(),
        &[
            "wallet-pay",
            "--wallet",
            "apple_pay",
            "--order-id",
            "g-wallet-1",
            "--amount",
            "450",
            "--description",
            "Wallet",
            "--card-name",
            "TEST TESTOV",
            "--eci",
            "05",
            "--cryptogram-stdin",
            "--json",
        ],
        &[
            ("FREEDOMPAY_CARD_PAN", PURCHASE_CARD),
            ("FREEDOMPAY_CARD_EXPIRY", "12/29"),
        ],
        &format!("{cryptogram}\n"),
    );
    let paid = ok_json(&output);
    assert_eq!(paid["status"], "ok", "{paid}");
    assert_eq!(paid["wallet"], "apple_pay");
    assert!(!text(&output).contains(cryptogram));
    assert!(!text(&output).contains(PURCHASE_CARD));
}

/// `transfer` (without and with 3-D Secure), `transfer-complete`, `transfer-status`.
#[test]
fn transfers() {
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let sent = ok_json(&gateway(
        base,
        &[
            "transfer",
            "--order-id",
            "g-p2p-1",
            "--amount",
            "5000",
            "--description",
            "Gift",
            "--card-name",
            "TEST TESTOV",
            "--card-stdin",
            "--recipient-card",
            PAYOUT_CARD,
            "--json",
        ],
        &[],
        &format!("{PURCHASE_CARD}\n12/99\n{CVC}\n"),
    ));
    assert_eq!(sent["three_ds"], false, "{sent}");
    assert_eq!(sent["from"], "card 4716 04** **** 1981");
    assert_eq!(sent["to"], "card 4671 59** **** 8252");
    let id = sent["payment_id"].as_u64().unwrap().to_string();
    let status = ok_json(&gateway(
        base,
        &["transfer-status", "--payment-id", &id, "--json"],
        &[],
        "",
    ));
    assert_eq!(status["found"], true, "{status}");

    let started = ok_json(&gateway(
        base,
        &[
            "transfer",
            "--order-id",
            "g-p2p-2",
            "--amount",
            "700",
            "--description",
            "Gift",
            "--card-name",
            "TEST TESTOV",
            "--recipient-card",
            PAYOUT_CARD,
            "--term-url",
            TERM_URL,
            "--json",
        ],
        &[
            ("FREEDOMPAY_CARD_PAN", DOC_CARD),
            ("FREEDOMPAY_CARD_EXPIRY", "12/99"),
            ("FREEDOMPAY_CARD_CVC", CVC),
        ],
        "",
    ));
    assert_eq!(started["three_ds"], true, "{started}");
    let pares = pass_acs(&started, ACS_CODE);
    let id = started["payment_id"].as_u64().unwrap().to_string();
    let md = started["acs_form"]["MD"].as_str().unwrap();
    let done = ok_json(&gateway(
        base,
        &[
            "transfer-complete",
            "--payment-id",
            &id,
            "--md",
            md,
            "--pares-stdin",
            "--json",
        ],
        &[],
        &pares,
    ));
    assert_eq!(done["status"], "ok", "{done}");
    assert_eq!(done["three_ds"], false);

    let missing = gateway(
        base,
        &["transfer-status", "--payment-id", "987654321"],
        &[],
        "",
    );
    assert_eq!(missing.status.code(), Some(0), "{}", text(&missing));
    assert!(text(&missing).contains("not found"));
}
