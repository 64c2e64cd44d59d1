//! Output that no person watches (piped, redirected, `--json`) is plain: no colour, no
//! spinner, not one escape code, even with NO_COLOR unset. (Colour and progress on a
//! terminal are decided by `output::Look`, whose rule its unit tests cover.)

use std::process::{Command, Output, Stdio};

use freedompay_sandbox::{SandboxConfig, SandboxThread, SecretKey};

const MERCHANT: &str = "545000";
const SECRET: &str = "plain-output-payment-secret";
const PAYOUT_SECRET: &str = "plain-output-payout-secret";

fn freedompay(args: &[&str]) -> Output {
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
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

#[track_caller]
fn assert_plain(output: &Output) {
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!out.contains('\x1b'), "escape codes on stdout:\n{out:?}");
    assert!(!err.contains('\x1b'), "escape codes on stderr:\n{err:?}");
}

#[test]
fn the_demo_piped_is_plain_text() {
    let output = freedompay(&["demo"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_plain(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("  ✓ init_payment"), "{text}");
    assert!(text.contains("All 17 steps passed."), "{text}");
}

#[test]
fn reconcile_and_reports_piped_or_json_are_plain() {
    let sandbox = SandboxThread::start(
        SandboxConfig::new(MERCHANT, SecretKey::new(SECRET).unwrap())
            .payout_secret_key(SecretKey::new(PAYOUT_SECRET).unwrap()),
    )
    .unwrap();
    let base = ["--merchant-id", MERCHANT, "--base-url", sandbox.base_url()];
    for json in [false, true] {
        let mut args = vec![
            "payout",
            "reconcile",
            "never-sent",
            "--last-attempt",
            "2m-ago",
        ];
        args.extend(base);
        if json {
            args.push("--json");
        }
        let output = freedompay(&args);
        assert_eq!(output.status.code(), Some(0));
        assert_plain(&output);
        let mut args = vec!["balance"];
        args.extend(base);
        if json {
            args.push("--json");
        }
        let output = freedompay(&args);
        assert_eq!(output.status.code(), Some(0));
        assert_plain(&output);
        assert!(String::from_utf8_lossy(&output.stdout).contains("1000000.00"));
    }
    // A failure too.
    let mut args = vec!["payout", "status", "--order-id", "x"];
    args.extend(["--base-url", "http://127.0.0.1:9"]);
    args.extend(["--merchant-id", MERCHANT]);
    let output = freedompay(&args);
    assert_ne!(output.status.code(), Some(0));
    assert_plain(&output);
    sandbox.shutdown();
}
