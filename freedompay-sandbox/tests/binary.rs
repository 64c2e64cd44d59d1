//! The `freedompay-sandbox` binary: flags, the base URL on stdout, one log line per request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn the_binary_prints_its_url_serves_and_logs_without_secrets() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_freedompay-sandbox"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--merchant-id",
            "777",
            "--secret-key",
            "TOPSECRET-1",
            "--payout-secret-key",
            "TOPSECRET-2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    let url = url.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let addr = url.trim_start_matches("http://");

    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = "pg_merchant_id=777&pg_salt=abc&pg_sig=0";
    write!(
        stream,
        "POST /api/balance_status HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(
        reply.contains("<pg_error_code>9998</pg_error_code>"),
        "{reply}"
    );

    // The log is written in bursts (within about 20 ms of a request): read it until the
    // request's line has come, then stop the sandbox and read the rest.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    while !log.contains("POST /api/balance_status 200") {
        if stderr.read_line(&mut log).unwrap() == 0 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    stderr.read_to_string(&mut log).unwrap();
    assert!(log.contains("POST /api/balance_status 200"), "{log}");
    assert!(!log.contains("TOPSECRET"), "{log}");
}

#[test]
fn the_binary_refuses_missing_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_freedompay-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--merchant-id", "777"])
        .env_remove("FREEDOMPAY_SANDBOX_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--secret-key"));
}

#[test]
fn the_binary_listens_on_a_host_name() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_freedompay-sandbox"))
        .args([
            "--addr",
            "localhost:0",
            "--merchant-id",
            "777",
            "--secret-key",
            "TOPSECRET-1",
            "--quiet",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let url = url.trim();
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("http://[::1]:"),
        "{url}"
    );
}

#[test]
fn the_binary_refuses_an_address_without_a_port() {
    let output = Command::new(env!("CARGO_BIN_EXE_freedompay-sandbox"))
        .args([
            "--addr",
            "nowhere",
            "--merchant-id",
            "777",
            "--secret-key",
            "s",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--addr: HOST:PORT"));
}
