//! `freedompay gateway ...`, run as a user runs it: card data from the environment or standard
//! input (never a flag), never echoed, refusals before anything is sent.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const MERCHANT: &str = "545000";
const SECRET: &str = "cli-test-payment-secret";
/// The card of FreedomPay's documentation examples (public test data).
const DOC_CARD: &str = "4405645000006150";
const CVC: &str = "653";
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
    ] {
        let output = gateway(NOWHERE, args, &[], "");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
    }
}
