//! `freedompay trigger`, run as a user runs it, against a small callback handler of this
//! test (std networking) that verifies each callback with the SDK's typed notifications and
//! answers it correctly, or wrongly on purpose.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use freedompay_blocking::ureq;
use freedompay_core::Config;
use freedompay_core::notifications::{
    CallbackForm, CallbackReply, CallbackRequest, CaptureNotification, CardAddedNotification,
    CheckNotification, PayoutCardAdded, PayoutNotification, RefundNotification, ResultNotification,
    VerifiedCallback,
};
use freedompay_core::sign::{Fields, ScriptName, SecretKey};
use freedompay_sandbox::{RetrySchedule, SandboxConfig, SandboxThread};
use serde_json::Value;

const MERCHANT: &str = "545000";
const SECRET: &str = "trigger-test-payment-secret";
const PAYOUT_SECRET: &str = "trigger-test-payout-secret";

/// Every kind, as the command names it.
const KINDS: [&str; 7] = [
    "check",
    "result",
    "refund",
    "capture",
    "card-added",
    "payout-notification",
    "payout-card-added",
];

/// How the handler answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A signed `ok`, echoing the salt (post links: the signed `<response>`).
    Good,
    /// Post links: the documented unsigned `<pg_status>ok</pg_status>`.
    Documented,
    /// Signed with another secret.
    BadSignature,
    /// Signed, but without the salt.
    NoSalt,
    /// HTTP 500 with a good body.
    Http500,
    /// A signed `rejected`.
    Rejected,
    /// Plain text `OK`.
    NotXml,
}

/// What the handler received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    method: String,
    content_type: Option<String>,
    /// The verified callback (the typed notification of its path read it too), or why not.
    verified: Result<(CallbackForm, Fields), String>,
}

struct Handler {
    base_url: String,
    received: Receiver<Received>,
}

impl Handler {
    fn start(mode: Mode) -> Handler {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = channel();
        {
            let base_url = base_url.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    serve(stream, &base_url, mode, &tx);
                }
            });
        }
        Handler {
            base_url,
            received: rx,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn next(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(20))
            .expect("the handler received a callback")
    }
}

fn config() -> Config {
    Config::builder()
        .merchant_id(MERCHANT)
        .secret_key(SECRET)
        .payout_secret_key(PAYOUT_SECRET)
        .build()
        .unwrap()
}

/// Reads one request: the head up to the empty line, then a `Content-Length` body.
fn read_request(stream: &TcpStream) -> Option<(String, String, Option<String>, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0;
    let mut content_type = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, target, content_type, body))
}

/// Verifies the callback with the typed notification of its path's last segment.
fn verify(url: &str, request: CallbackRequest<'_>) -> Result<VerifiedCallback, String> {
    let config = config();
    let kind = url.rsplit('/').next().unwrap_or("");
    let kind = kind.split('?').next().unwrap_or("");
    let e = |e: freedompay_core::notifications::NotificationError| e.to_string();
    Ok(match kind {
        "check" => CheckNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "result" => ResultNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "refund" => RefundNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "capture" => CaptureNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "card-added" => CardAddedNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "payout-notification" => PayoutNotification::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        "payout-card-added" => PayoutCardAdded::verify_request(request, &config)
            .map_err(e)?
            .callback()
            .clone(),
        other => return Err(format!("no handler for {other:?}")),
    })
}

fn secret_of(path: &str) -> SecretKey {
    if path.ends_with("payout-notification") {
        SecretKey::new(PAYOUT_SECRET).unwrap()
    } else {
        SecretKey::new(SECRET).unwrap()
    }
}

fn serve(mut stream: TcpStream, base_url: &str, mode: Mode, tx: &Sender<Received>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, target, content_type, body)) = read_request(&stream) else {
        return;
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.clone(), String::new()),
    };
    let url = format!("{base_url}{path}");
    let mut request = CallbackRequest::new(&url, &query, &body);
    if let Some(ct) = &content_type {
        request = request.content_type(ct);
    }
    let verified = verify(&url, request);
    let secret = secret_of(&path);
    let (status, reply) = match &verified {
        Err(why) => ("400 Bad Request", why.clone()),
        Ok(callback) => {
            let script = callback.script_name().clone();
            let salt = callback.salt();
            let signed = |reply: CallbackReply, secret: &SecretKey, salt: Option<&str>| {
                reply.sign_with(&script, salt, secret).unwrap().into_body()
            };
            match mode {
                Mode::Good => ("200 OK", signed(CallbackReply::ok(), &secret, salt)),
                Mode::Documented => (
                    "200 OK",
                    r#"<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>"#.into(),
                ),
                Mode::BadSignature => (
                    "200 OK",
                    signed(
                        CallbackReply::ok(),
                        &SecretKey::new("another-secret").unwrap(),
                        salt,
                    ),
                ),
                Mode::NoSalt => ("200 OK", signed(CallbackReply::ok(), &secret, None)),
                Mode::Http500 => (
                    "500 Internal Server Error",
                    signed(CallbackReply::ok(), &secret, salt),
                ),
                Mode::Rejected => (
                    "200 OK",
                    signed(
                        CallbackReply::rejected().description("Sold out"),
                        &secret,
                        salt,
                    ),
                ),
                Mode::NotXml => ("200 OK", "OK".into()),
            }
        }
    };
    let _ = tx.send(Received {
        path,
        method,
        content_type,
        verified: verified.map(|c| (c.form(), c.fields().clone())),
    });
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.as_bytes());
}

/// The command with the test's secrets and no other FREEDOMPAY_* variable.
fn freedompay(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freedompay"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FREEDOMPAY_") {
            command.env_remove(name);
        }
    }
    command
        .env_remove("NO_COLOR")
        .env("FREEDOMPAY_SECRET_KEY", SECRET)
        .env("FREEDOMPAY_PAYOUT_SECRET_KEY", PAYOUT_SECRET)
        .env("FREEDOMPAY_MERCHANT_ID", MERCHANT);
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

fn trigger(handler: &Handler, kind: &str, extra: &[&str]) -> Output {
    let url = handler.url(&format!("/hooks/{kind}"));
    let mut args = vec!["trigger", kind, "--to", url.as_str()];
    args.extend(extra);
    freedompay(&args, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Output that is not a terminal has no escape codes.
#[track_caller]
fn assert_plain(output: &Output) {
    assert!(!output.stdout.contains(&0x1b), "{:?}", stdout(output));
    assert!(!output.stderr.contains(&0x1b), "{:?}", stderr(output));
}

#[test]
fn every_kind_by_its_documented_method_is_accepted_by_a_correct_handler() {
    let handler = Handler::start(Mode::Good);
    for kind in KINDS {
        let output = trigger(&handler, kind, &[]);
        assert_code(&output, 0);
        assert_plain(&output);
        let text = stdout(&output);
        for check in [
            "HTTP status",
            "XML reply",
            "pg_status",
            "pg_salt",
            "signature",
        ] {
            assert!(text.contains(&format!("✓ {check}")), "{kind}: {text}");
        }
        assert!(
            text.contains(&format!(
                "the handler answered the {kind} callback correctly"
            )),
            "{text}"
        );
        let received = handler.next();
        assert_eq!(received.path, format!("/hooks/{kind}"));
        assert_eq!(received.method, "POST");
        let (form, fields) = received.verified.expect("the typed notification reads it");
        // The payout notification is documented as multipart, the others as a form.
        if kind == "payout-notification" {
            assert_eq!(form, CallbackForm::Multipart, "{kind}");
            assert!(
                received
                    .content_type
                    .unwrap()
                    .starts_with("multipart/form-data; boundary=")
            );
            assert_eq!(fields.text("pg_merchant_id"), Some(MERCHANT));
            assert_eq!(fields.text("pg_status"), Some("ok"));
        } else {
            assert_eq!(form, CallbackForm::Form, "{kind}");
        }
        assert!(fields.text("pg_salt").is_some_and(|s| s.len() >= 8));
    }
}

#[test]
fn every_method_signs_what_it_sends() {
    let handler = Handler::start(Mode::Good);
    for (method, form, http) in [
        ("get", CallbackForm::Query, "GET"),
        ("post", CallbackForm::Form, "POST"),
        ("multipart", CallbackForm::Multipart, "POST"),
        ("xml", CallbackForm::Xml, "POST"),
    ] {
        for kind in ["result", "payout-notification"] {
            let output = trigger(&handler, kind, &["--method", method]);
            assert_code(&output, 0);
            let received = handler.next();
            assert_eq!(received.method, http);
            let (got, _) = received.verified.expect("verified");
            assert_eq!(got, form, "{kind} by {method}");
        }
    }
    // A GET callback to a URL with its own query signs that query too, as the gateway does.
    let url = handler.url("/hooks/check?shop=books&lang=en");
    let output = freedompay(&["trigger", "check", "--to", &url, "--method", "get"], &[]);
    assert_code(&output, 0);
    let (_, fields) = handler.next().verified.expect("verified");
    assert_eq!(fields.text("shop"), Some("books"));
}

#[test]
fn fields_are_overridden_and_json_reports_every_check() {
    let handler = Handler::start(Mode::Good);
    let output = trigger(
        &handler,
        "result",
        &[
            "--field",
            "pg_order_id=42",
            "--field",
            "pg_result=0",
            "--field",
            "my_param=x y",
            "--json",
        ],
    );
    assert_code(&output, 0);
    assert_plain(&output);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(value["kind"], "result");
    assert_eq!(value["http_status"], 200);
    assert_eq!(value["script"], "result");
    assert_eq!(value["sent"]["pg_order_id"], "42");
    let checks = value["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 5);
    assert!(checks.iter().all(|c| c["ok"] == true), "{value}");
    let (_, fields) = handler.next().verified.expect("verified");
    assert_eq!(fields.text("pg_order_id"), Some("42"));
    assert_eq!(fields.text("pg_result"), Some("0"));
    assert_eq!(fields.text("my_param"), Some("x y"));
}

#[test]
fn the_documented_post_link_answer_is_accepted_and_payment_callbacks_need_a_signed_one() {
    let handler = Handler::start(Mode::Documented);
    for kind in ["payout-notification", "payout-card-added"] {
        let output = trigger(&handler, kind, &[]);
        assert_code(&output, 0);
        assert!(stdout(&output).contains("the documented post-link answer"));
        handler.next();
    }
    let output = trigger(&handler, "result", &[]);
    assert_code(&output, 1);
    assert!(
        stdout(&output).contains("✗ pg_status"),
        "{}",
        stdout(&output)
    );
    handler.next();
}

/// Runs `kind` against a handler answering in `mode`; the command fails with exit 1 and
/// says what was wrong.
#[track_caller]
fn wrong(mode: Mode, kind: &str, extra: &[&str], expected: &[&str]) -> Value {
    let handler = Handler::start(mode);
    let output = trigger(&handler, kind, extra);
    assert_code(&output, 1);
    assert_plain(&output);
    let text = format!("{}{}", stdout(&output), stderr(&output));
    for words in expected {
        assert!(
            text.contains(words),
            "{mode:?} {kind}: {words:?} in\n{text}"
        );
    }
    handler
        .next()
        .verified
        .expect("the callback itself was good");
    let mut json_args = extra.to_vec();
    json_args.push("--json");
    let output = trigger(&handler, kind, &json_args);
    assert_code(&output, 1);
    handler.next();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["ok"], false, "{value}");
    assert_eq!(value["exit_code"], 1);
    value
}

#[test]
fn a_reply_signed_with_another_secret_is_reported() {
    let value = wrong(
        Mode::BadSignature,
        "check",
        &[],
        &["✗ signature", "does NOT match", "✓ pg_salt", "is wrong"],
    );
    let failed: Vec<_> = value["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["signature"]);
    // The payout notification's reply is checked with the payout secret.
    wrong(
        Mode::BadSignature,
        "payout-notification",
        &[],
        &["✗ signature", "the payout secret"],
    );
}

#[test]
fn a_reply_without_the_salt_is_reported() {
    wrong(Mode::NoSalt, "refund", &[], &["✗ pg_salt", "missing"]);
}

#[test]
fn an_http_error_is_reported() {
    wrong(Mode::Http500, "capture", &[], &["✗ HTTP status", "500"]);
}

#[test]
fn a_reply_that_is_not_xml_is_reported() {
    wrong(Mode::NotXml, "card-added", &[], &["✗ XML reply"]);
}

#[test]
fn a_rejection_is_judged_by_pg_can_reject() {
    wrong(
        Mode::Rejected,
        "result",
        &[],
        &["✗ pg_status", "pg_can_reject=0"],
    );
    wrong(
        Mode::Rejected,
        "refund",
        &[],
        &["✗ pg_status", "not an answer"],
    );
    let handler = Handler::start(Mode::Rejected);
    for (kind, extra) in [
        ("result", vec!["--field", "pg_can_reject=1"]),
        ("check", vec![]),
    ] {
        let output = trigger(&handler, kind, &extra);
        assert_code(&output, 0);
        handler.next();
    }
}

#[test]
fn a_handler_that_is_not_there_and_bad_input() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/result", listener.local_addr().unwrap());
    drop(listener);
    let output = freedompay(&["trigger", "result", "--to", &url], &[]);
    assert_code(&output, 1);
    assert!(
        stderr(&output).contains("did not answer"),
        "{}",
        stderr(&output)
    );

    // Nothing is sent without the secret a kind is signed with.
    let output = freedompay(
        &["trigger", "payout-notification", "--to", &url],
        &[("FREEDOMPAY_PAYOUT_SECRET_KEY", "")],
    );
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("payout secret"),
        "{}",
        stderr(&output)
    );
    let output = freedompay(&["trigger", "result", "--to", &url, "--field", "pg_x"], &[]);
    assert_code(&output, 2);
    let output = freedompay(&["trigger", "result"], &[]);
    assert_code(&output, 2);
    let output = freedompay(&["trigger", "sale", "--to", &url], &[]);
    assert_code(&output, 2);
}

#[test]
fn a_callback_recorded_by_the_sandbox_is_replayed() {
    let handler = Handler::start(Mode::Good);
    let sandbox = SandboxThread::start(
        SandboxConfig::new(MERCHANT, SecretKey::new(SECRET).unwrap())
            .payout_secret_key(SecretKey::new(PAYOUT_SECRET).unwrap())
            .callback_retry(RetrySchedule {
                interval: Duration::from_millis(200),
                retries: 0,
            }),
    )
    .unwrap();
    let result_url = handler.url("/hooks/result");
    let output = freedompay(
        &[
            "payment",
            "init",
            "--order-id",
            "replay-1",
            "--amount",
            "2000",
            "--description",
            "Order",
            "--result-url",
            &result_url,
            "--base-url",
            sandbox.base_url(),
            "--json",
        ],
        &[],
    );
    assert_code(&output, 0);
    let payment: Value = serde_json::from_slice(&output.stdout).unwrap();
    let payment_id = payment["payment_id"].as_u64().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut paid = agent
        .post(sandbox.url(&format!("/_sandbox/payments/{payment_id}/pay")))
        .header("content-type", "application/json")
        .send(r#"{"card": "4716047261941981"}"#)
        .unwrap();
    assert_eq!(paid.status().as_u16(), 200);
    let _ = paid.body_mut().read_to_string();
    let (_, first) = handler
        .next()
        .verified
        .expect("the sandbox's callback verifies");
    let mut list = agent
        .get(sandbox.url("/_sandbox/callbacks"))
        .call()
        .unwrap();
    let list: Value = serde_json::from_str(&list.body_mut().read_to_string().unwrap()).unwrap();
    let record = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "result")
        .expect("the result callback is recorded");
    assert_eq!(record["state"], "delivered", "{record}");
    let id = record["id"].as_u64().unwrap().to_string();

    let output = freedompay(
        &["trigger", "--replay", &id, "--base-url", sandbox.base_url()],
        &[],
    );
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("✓ signature"),
        "{}",
        stdout(&output)
    );
    let (_, again) = handler.next().verified.expect("the replay verifies");
    // The same callback: the same fields and salt, the same signature.
    assert_eq!(again, first);

    // Elsewhere, by another method.
    let output = freedompay(
        &[
            "trigger",
            "--replay",
            &id,
            "--base-url",
            sandbox.base_url(),
            "--to",
            &handler.url("/other/result"),
            "--method",
            "xml",
        ],
        &[],
    );
    assert_code(&output, 0);
    let received = handler.next();
    assert_eq!(received.path, "/other/result");
    let (form, fields) = received.verified.unwrap();
    assert_eq!(form, CallbackForm::Xml);
    assert_eq!(fields.text("pg_salt"), first.text("pg_salt"));

    let output = freedompay(
        &[
            "trigger",
            "--replay",
            "999999",
            "--base-url",
            sandbox.base_url(),
        ],
        &[],
    );
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("no callback 999999"),
        "{}",
        stderr(&output)
    );
    sandbox.shutdown();
}

#[test]
fn the_script_name_comes_from_the_url() {
    // A handler verifying with another script name than the URL's last segment fails: the
    // command signs with the URL's.
    let handler = Handler::start(Mode::Good);
    let output = trigger(&handler, "result", &["--json"]);
    assert_code(&output, 0);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["script"], "result");
    let (_, fields) = handler.next().verified.unwrap();
    assert!(
        freedompay_core::sign::verify(
            &ScriptName::new("result").unwrap(),
            &fields,
            &SecretKey::new(SECRET).unwrap()
        )
        .is_ok()
    );
}
