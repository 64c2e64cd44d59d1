//! The golden signing vectors of `freedompay-sign` (computed by PHP 8.2 with the reference
//! class; its `init_payment.php` ones are copied to `tests/vectors/` so that this package
//! tests from its own files), replayed byte for byte: the sandbox, configured with each
//! vector's merchant id and secret, must accept the vector's own `pg_sig`.

mod support;

use std::path::Path;

use freedompay_sandbox::{Sandbox, SandboxConfig};
use freedompay_sign::{ScriptName, SecretKey};
use support::{enc, http};

struct Vector {
    name: String,
    secret: String,
    signature: String,
    lines: Vec<(String, String)>,
}

fn init_payment_vectors() -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut script = "";
        let mut secret = "";
        let mut signature = "";
        let mut lines = Vec::new();
        let mut in_fields = false;
        for line in text.lines() {
            if in_fields {
                let (n, v) = line.split_once('=').unwrap();
                lines.push((n.to_owned(), v.to_owned()));
            } else if line == "fields:" {
                in_fields = true;
            } else if let Some(v) = line.strip_prefix("script: ") {
                script = v;
            } else if let Some(v) = line.strip_prefix("secret: ") {
                secret = v;
            } else if let Some(v) = line.strip_prefix("signature: ") {
                signature = v;
            }
        }
        if script == "init_payment.php" && lines.iter().any(|(n, _)| n == "pg_merchant_id") {
            out.push(Vector {
                name: file.file_name().unwrap().to_string_lossy().into_owned(),
                secret: secret.to_owned(),
                signature: signature.to_owned(),
                lines,
            });
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_accepts_every_golden_init_payment_vector() {
    let vectors = init_payment_vectors();
    assert!(vectors.len() >= 5, "found {} vectors", vectors.len());
    let client = http();
    for v in vectors {
        let merchant = &v
            .lines
            .iter()
            .find(|(n, _)| n == "pg_merchant_id")
            .unwrap()
            .1;
        let config = SandboxConfig::new(
            merchant.as_str(),
            SecretKey::new(v.secret.as_str()).unwrap(),
        )
        .unknown_element_every(0);
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        // The vector's fields in its own order, then the vector's signature.
        let mut body: Vec<String> = v
            .lines
            .iter()
            .filter(|(n, _)| n != "pg_sig")
            .map(|(n, val)| format!("{}={}", enc(n), enc(val)))
            .collect();
        body.push(format!("pg_sig={}", v.signature));
        let response = client
            .post(sandbox.url("/init_payment.php"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        let script = ScriptName::new("init_payment.php").unwrap();
        let reply = freedompay_xml::parse_and_verify(
            text.as_bytes(),
            &script,
            &SecretKey::new(v.secret.as_str()).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}: {text}", v.name));
        assert_ne!(
            reply.text("pg_error_code"),
            Some("9998"),
            "{}: signature refused",
            v.name
        );
        let has = |name: &str| v.lines.iter().any(|(n, _)| n == name);
        if has("pg_description") && has("pg_amount") {
            assert_eq!(reply.text("pg_status"), Some("ok"), "{}: {text}", v.name);
            assert!(
                reply
                    .text("pg_redirect_url")
                    .unwrap()
                    .starts_with(sandbox.base_url())
            );
        } else {
            // Signature accepted; a required field missing is a validation error.
            assert_eq!(
                reply.text("pg_error_code"),
                Some("9403"),
                "{}: {text}",
                v.name
            );
        }

        // One more field in the same body: refused.
        let tampered = format!("{}&x=1", body.join("&"));
        let text = client
            .post(sandbox.url("/init_payment.php"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(tampered)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let reply = freedompay_xml::parse_and_verify(
            text.as_bytes(),
            &script,
            &SecretKey::new(v.secret.as_str()).unwrap(),
        )
        .unwrap();
        assert_eq!(reply.text("pg_error_code"), Some("9998"), "{}", v.name);
        sandbox.shutdown().await;
    }
}
