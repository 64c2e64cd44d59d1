//! `freedompay sign`, `verify-response` and `verify-callback`, run as a user runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use freedompay_sign::{Fields, SIG_FIELD, ScriptName, SecretKey, sign};

fn freedompay(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freedompay"));
    command
        .args(args)
        .env_remove("FREEDOMPAY_SECRET_KEY")
        .env_remove("FREEDOMPAY_PAYOUT_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary runs");
    // A command that refuses its arguments exits without reading its input: the pipe may be
    // closed before everything is written.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `tests/fixtures/sign/*.json`: freedompay-sign's PHP-checked signing vectors as the JSON a
/// user pipes to `freedompay sign` (`script`, `secret`, the expected `signature`, and the
/// `fields` in the order they are signed).
fn sign_fixtures() -> Vec<(std::path::PathBuf, serde_json::Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sign");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the signing vectors in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let value = serde_json::from_str(&text).unwrap();
            (file, value)
        })
        .collect()
}

#[test]
fn sign_reproduces_every_golden_vector() {
    for (file, vector) in sign_fixtures() {
        // serde_json keeps the key order here too (`preserve_order`, as the binary has it).
        let json = serde_json::to_string(&vector["fields"]).unwrap();
        let script = vector["script"].as_str().unwrap();
        let secret = vector["secret"].as_str().unwrap();
        let output = freedompay(
            &["sign", "--script", script],
            &[("FREEDOMPAY_SECRET_KEY", secret)],
            json.as_bytes(),
        );
        assert!(
            output.status.success(),
            "{}: {}",
            file.display(),
            stderr(&output)
        );
        let out = stdout(&output);
        assert_eq!(
            out.lines().last(),
            vector["signature"].as_str(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn sign_signs_a_number_as_written() {
    let env = [("FREEDOMPAY_SECRET_KEY", "TESTSECRET")];
    let sign_json = |json: &str| {
        let output = freedompay(
            &["sign", "--script", "init_payment.php", "--explain"],
            &env,
            json.as_bytes(),
        );
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let as_number = sign_json(r#"{"pg_merchant_id":123456,"pg_amount":25.50,"pg_salt":"s"}"#);
    let as_text = sign_json(r#"{"pg_merchant_id":"123456","pg_amount":"25.50","pg_salt":"s"}"#);
    assert_eq!(as_number, as_text);
    assert!(as_number.contains(";25.50;"), "{as_number}");
}

#[test]
fn sign_refuses_a_key_given_twice() {
    let output = freedompay(
        &["sign", "--script", "init_payment.php"],
        &[("FREEDOMPAY_SECRET_KEY", "TESTSECRET")],
        br#"{"pg_amount":"1","pg_amount":"2"}"#,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("\"pg_amount\" appears twice"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn sign_explain_masks_the_secret() {
    let json = r#"{"pg_order_id":"23","pg_merchant_id":"123456","pg_amount":"25","pg_description":"test","pg_salt":"molbulak"}"#;
    let output = freedompay(
        &[
            "sign",
            "--script",
            "https://api.freedompay.kz/init_payment.php",
            "--explain",
            "--secret-env",
            "MY_KEY",
        ],
        &[("MY_KEY", "TESTSECRET")],
        json.as_bytes(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(
        out,
        "canonical (secret masked): init_payment.php;25;test;123456;23;molbulak;***\nfe9aa0d66e010d645bafe82364540b1a\n"
    );
    assert!(!out.contains("TESTSECRET"));
}

#[test]
fn sign_refuses_bad_input_with_exit_2() {
    let env = [("FREEDOMPAY_SECRET_KEY", "TESTSECRET")];
    for bad in [
        &b"{\"a\": "[..],
        b"[1,2]",
        b"not json",
        b"\xff\xfe",
        b"{\"1\":\"numeric name\"}",
    ] {
        let output = freedompay(&["sign", "--script", "init_payment.php"], &env, bad);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{:?}: {}",
            String::from_utf8_lossy(bad),
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with("freedompay: "),
            "{}",
            stderr(&output)
        );
    }
    let output = freedompay(&["sign", "--script", "init_payment.php"], &[], b"{}");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("FREEDOMPAY_SECRET_KEY"));
}

fn signed_reply(script: &str, secret: &str, pairs: &[(&str, &str)]) -> String {
    let mut fields: Fields = pairs.iter().map(|(n, v)| (*n, *v)).collect();
    let sig = sign(
        &ScriptName::new(script).unwrap(),
        &fields,
        &SecretKey::new(secret).unwrap(),
    )
    .unwrap();
    fields.push(SIG_FIELD, sig.as_str());
    freedompay_xml::write(&fields).unwrap()
}

#[test]
fn verify_response_accepts_valid_and_explains_a_mismatch() {
    let env = [
        ("FREEDOMPAY_SECRET_KEY", "PAY"),
        ("FREEDOMPAY_PAYOUT_SECRET_KEY", "PAYOUT"),
    ];
    let reply = signed_reply(
        "balance_status",
        "PAYOUT",
        &[
            ("pg_status", "ok"),
            ("pg_balance", "10.00"),
            ("pg_salt", "x"),
        ],
    );

    let ok = freedompay(
        &["verify-response", "--script", "balance_status", "--payout"],
        &env,
        reply.as_bytes(),
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("valid"));

    // The payment secret is the wrong one for a payout endpoint.
    let wrong = freedompay(
        &["verify-response", "--script", "balance_status"],
        &env,
        reply.as_bytes(),
    );
    assert_eq!(wrong.status.code(), Some(1));
    let message = stderr(&wrong);
    assert!(message.contains("does NOT match"), "{message}");
    assert!(
        message.contains("balance_status;10.00;x;ok;***"),
        "{message}"
    );
    assert!(
        !message.contains("PAYOUT") && !message.contains(";PAY"),
        "{message}"
    );

    let tampered = reply.replace("10.00", "99.00");
    let output = freedompay(
        &["verify-response", "--script", "balance_status", "--payout"],
        &env,
        tampered.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(1));

    let unsigned =
        b"<response><pg_status>error</pg_status><pg_error_code>101</pg_error_code></response>";
    let output = freedompay(
        &["verify-response", "--script", "balance_status"],
        &env,
        unsigned,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not signed") && stderr(&output).contains("101"),
        "{}",
        stderr(&output)
    );

    for malformed in [
        &b"<response><pg_status>ok"[..],
        b"",
        b"\x00\x01",
        b"<a></b>",
    ] {
        let output = freedompay(
            &["verify-response", "--script", "balance_status"],
            &env,
            malformed,
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    }
}

fn callback_form(url: &str, secret: &str, pairs: &[(&str, &str)]) -> Vec<u8> {
    freedompay_core::notifications::testing::signed_form(
        url,
        pairs,
        &SecretKey::new(secret).unwrap(),
    )
}

#[test]
fn verify_callback_forms_and_failures() {
    let env = [
        ("FREEDOMPAY_SECRET_KEY", "PAY"),
        ("FREEDOMPAY_PAYOUT_SECRET_KEY", "PAYOUT"),
    ];
    let url = "https://shop.kz/freedompay/result";
    let pairs = [
        ("pg_order_id", "42"),
        ("pg_payment_id", "777"),
        ("pg_amount", "10"),
        ("pg_result", "1"),
        ("pg_salt", "s1"),
    ];
    let body = callback_form(url, "PAY", &pairs);

    let ok = freedompay(&["verify-callback", "--url", url], &env, &body);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = stdout(&ok);
    assert!(
        out.contains("form body") && out.contains("pg_order_id: 42"),
        "{out}"
    );

    // pg_xml form.
    let fields = freedompay_core::notifications::testing::signed_fields(
        url,
        &pairs,
        &SecretKey::new("PAY").unwrap(),
    );
    let xml = freedompay_xml::write_with_root("request", &fields).unwrap();
    let mut wrapped = Fields::new();
    wrapped.push("pg_xml", xml);
    let ok = freedompay(
        &["verify-callback", "--url", url],
        &env,
        freedompay_core::form::encode(&wrapped).as_bytes(),
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("pg_xml"));

    // GET: the query is in the URL, stdin empty.
    let query = String::from_utf8(body.clone()).unwrap();
    let ok = freedompay(
        &["verify-callback", "--url", &format!("{url}?{query}")],
        &env,
        b"",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("query string"));

    // A payout notification verifies with the payout secret only.
    let notify = callback_form(
        "https://shop.kz/notify",
        "PAYOUT",
        &[
            ("pg_payment_id", "1"),
            ("pg_status", "ok"),
            ("pg_salt", "z"),
        ],
    );
    assert!(
        freedompay(
            &[
                "verify-callback",
                "--url",
                "https://shop.kz/notify",
                "--payout"
            ],
            &env,
            &notify
        )
        .status
        .success()
    );
    assert_eq!(
        freedompay(
            &["verify-callback", "--url", "https://shop.kz/notify"],
            &env,
            &notify
        )
        .status
        .code(),
        Some(1)
    );

    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("pg_amount=10", "pg_amount=11");
    let output = freedompay(
        &["verify-callback", "--url", url],
        &env,
        tampered.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("does not match"));

    let other_url = freedompay(
        &[
            "verify-callback",
            "--url",
            "https://shop.kz/freedompay/check",
        ],
        &env,
        &body,
    );
    assert_eq!(other_url.status.code(), Some(1));

    let unsigned = freedompay(
        &["verify-callback", "--url", url],
        &env,
        b"pg_order_id=42&pg_salt=s1",
    );
    assert_eq!(unsigned.status.code(), Some(1));
    assert!(stderr(&unsigned).contains("no pg_sig"));

    for malformed in [&b"a=%ff"[..], b"pg_xml=%3Cbroken"] {
        let output = freedompay(&["verify-callback", "--url", url], &env, malformed);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    }
    let trailing = freedompay(
        &["verify-callback", "--url", "https://shop.kz/"],
        &env,
        &body,
    );
    assert_eq!(trailing.status.code(), Some(2));

    // Authentic, but without pg_salt: refused, as the SDK refuses it.
    let unsalted = callback_form(url, "PAY", &pairs[..4]);
    let output = freedompay(&["verify-callback", "--url", url], &env, &unsalted);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no pg_salt"),
        "{}",
        stderr(&output)
    );
}

/// A saved `multipart/form-data` body (the documented payout notification) is checked with
/// `--content-type`, the header's value as received.
#[test]
fn verify_callback_reads_a_saved_multipart_body() {
    let env = [
        ("FREEDOMPAY_SECRET_KEY", "PAY"),
        ("FREEDOMPAY_PAYOUT_SECRET_KEY", "PAYOUT"),
    ];
    let url = "https://shop.kz/freedompay/payout-notify";
    let body = freedompay_core::notifications::testing::signed_multipart(
        url,
        &[
            ("pg_payment_id", "98728768"),
            ("pg_order_id", "payout-42"),
            ("pg_status", "ok"),
            ("pg_merchant_id", "123456"),
            ("pg_salt", "s4lt"),
        ],
        &SecretKey::new("PAYOUT").unwrap(),
        "----c4f9e2",
    );
    let content_type = "multipart/form-data; boundary=----c4f9e2";
    let args = [
        "verify-callback",
        "--url",
        url,
        "--payout",
        "--content-type",
        content_type,
    ];
    let ok = freedompay(&args, &env, &body);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = stdout(&ok);
    assert!(
        out.contains("multipart body, 6 fields") && out.contains("pg_order_id: payout-42"),
        "{out}"
    );

    // The wrong secret: rejected (exit 1).
    let wrong = freedompay(
        &args[..3]
            .iter()
            .chain(&args[4..])
            .copied()
            .collect::<Vec<_>>(),
        &env,
        &body,
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));

    // A boundary that is not the body's: cannot be decoded (exit 2).
    let other = freedompay(
        &[
            "verify-callback",
            "--url",
            url,
            "--payout",
            "--content-type",
            "multipart/form-data; boundary=another",
        ],
        &env,
        &body,
    );
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    assert!(stderr(&other).contains("multipart"), "{}", stderr(&other));
}

#[test]
fn help_is_complete() {
    let output = freedompay(&["--help"], &[], b"");
    let out = stdout(&output);
    for word in [
        "sign",
        "verify-response",
        "verify-callback",
        "Exit codes",
        "FREEDOMPAY_SECRET_KEY",
    ] {
        assert!(out.contains(word), "--help lacks {word}:\n{out}");
    }
}
