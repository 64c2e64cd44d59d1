//! `freedompay sign --jws` and the `/v5` JSON API commands, run as a user runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The Invoice documentation's example token (docs.freedompay.kz doc-786384).
const INVOICE_TOKEN: &str = "eyJwYXRoIjoiL3Y1L21lcmNoYW50L2ludm9pY2UvaW5pdCIsIm1lcmNoYW50X2lkIjoxMjM0NTYsIm1ldGhvZCI6IlBPU1QiLCJwYXJhbXMiOiIiLCJhbGciOiJIUzUxMiJ9..wCwFCAmxN0nbTm6mad8GxowIjgkCwfF7IAy2ijO9thLjsZFXnS4K_I4NPnXjkTFTMnEzqjk8rtIVmtf7NbGyvg";

fn freedompay(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freedompay"));
    command
        .args(args)
        .env_remove("FREEDOMPAY_SECRET_KEY")
        .env_remove("FREEDOMPAY_MERCHANT_ID")
        .env_remove("FREEDOMPAY_BASE_URL")
        .env_remove("FREEDOMPAY_CARD_API_ID")
        .env_remove("FREEDOMPAY_CARD_API_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary runs");
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn body() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/jws/invoice_init_body.json"
    ))
    .unwrap()
}

const MERCHANT: [(&str, &str); 2] = [
    ("FREEDOMPAY_MERCHANT_ID", "123456"),
    ("FREEDOMPAY_SECRET_KEY", "secret_key"),
];

#[test]
fn sign_jws_reproduces_the_invoice_example_and_masks_the_key() {
    let output = freedompay(
        &[
            "sign",
            "--jws",
            "--api",
            "invoice",
            "--path",
            "/v5/merchant/invoice/init",
        ],
        &MERCHANT,
        &body(),
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert_eq!(stdout.lines().last(), Some(INVOICE_TOKEN));
    assert!(stdout.contains(r#"header:  {"path":"/v5/merchant/invoice/init","merchant_id":123456,"method":"POST","params":"","alg":"HS512"}"#), "{stdout}");
    assert!(stdout.contains("Счет за услуги"), "the payload is shown");
    assert!(
        !stdout.contains("secret_key\n") && !stdout.contains(": secret_key"),
        "{stdout}"
    );
}

#[test]
fn sign_jws_checks_a_token() {
    let ok = freedompay(
        &[
            "sign",
            "--jws",
            "--api",
            "invoice",
            "--token",
            INVOICE_TOKEN,
        ],
        &MERCHANT,
        &body(),
    );
    assert!(ok.status.success());
    assert!(
        String::from_utf8(ok.stdout)
            .unwrap()
            .contains("verified: yes")
    );

    let wrong_key = [
        ("FREEDOMPAY_MERCHANT_ID", "123456"),
        ("FREEDOMPAY_SECRET_KEY", "another"),
    ];
    let refused = freedompay(
        &[
            "sign",
            "--jws",
            "--api",
            "invoice",
            "--token",
            INVOICE_TOKEN,
        ],
        &wrong_key,
        &body(),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8(refused.stdout)
            .unwrap()
            .contains("verified: NO")
    );
}

#[test]
fn the_card_api_needs_its_own_key() {
    let output = freedompay(
        &[
            "sign",
            "--jws",
            "--api",
            "card",
            "--path",
            "/v5/card-api/request/status",
        ],
        &MERCHANT,
        b"{}",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("FREEDOMPAY_CARD_API_ID")
    );

    let with_key = [
        ("FREEDOMPAY_MERCHANT_ID", "123456"),
        ("FREEDOMPAY_SECRET_KEY", "x"),
        ("FREEDOMPAY_CARD_API_ID", "123456"),
        ("FREEDOMPAY_CARD_API_SECRET", "secret"),
    ];
    let output = freedompay(
        &[
            "sign",
            "--jws",
            "--api",
            "card",
            "--path",
            "/v5/card-api/request/status",
        ],
        &with_key,
        br#"{"request_id":"828cf71d-a447-4a67-a149-c1df8bc197ca"}"#,
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    // The Card API's documented example token (docs.freedompay.kz doc-760202).
    assert!(stdout.trim_end().ends_with("..f1sQoeIpX_ZjOaykQzSeylvvKaVrEQV4gNM2ACFbEMkFDUV9Zk5WO1yQGEWez-vnQMVHodLBDVEyh5Xm2-3MjQ"), "{stdout}");
}

#[test]
fn call_refuses_a_body_that_is_not_json_before_sending() {
    let output = freedompay(
        &[
            "--base-url",
            "http://127.0.0.1:9",
            "call",
            "--api",
            "async",
            "--path",
            "/v5/g2g/read",
            "--query",
        ],
        &MERCHANT,
        b"not json",
    );
    assert_eq!(output.status.code(), Some(2));
}
