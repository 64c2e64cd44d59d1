//! Test support shared by every operation's tests: a fixed config and salt, the wire form of
//! a request, fixtures re-signed with the test secrets.

use freedompay_sign::{Fields, SIG_FIELD, Salt, ScriptName, verify};
use freedompay_transport::HttpResponse;

use crate::operation::script_of;
use crate::{Config, ErrorKind, Operation, SecretKind, form, prepare, read_reply};

pub(crate) const PAYMENT_SECRET: &str = "PAYMENT_SECRET";
pub(crate) const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

/// Merchant 123456 on the production KZ host, with two different secrets.
pub(crate) fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key(PAYMENT_SECRET)
        .payout_secret_key(PAYOUT_SECRET)
        .build()
        .expect("valid test config")
}

pub(crate) fn salt() -> Salt {
    Salt::new("fixedSalt123").expect("valid salt")
}

/// The exact request: method, URL, headers, body, and the decoded fields for reading.
pub(crate) fn wire<O: Operation>(op: &O) -> String {
    let request = prepare(&config(), op, &salt()).expect("the request can be prepared");
    let mut out = format!("{} {}\n", request.method(), request.url());
    for (name, value) in request.headers().iter() {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if let Some(timeout) = request.timeout() {
        out.push_str(&format!("(timeout {timeout:?})\n"));
    }
    let body = String::from_utf8(request.body().to_vec()).expect("UTF-8 body");
    out.push('\n');
    out.push_str(&body);
    out.push_str("\n\n# decoded\n");
    let fields = form::decode(body.as_bytes()).expect("the body decodes");
    render(&fields, "", &mut out);
    out
}

fn render(fields: &Fields, indent: &str, out: &mut String) {
    use freedompay_sign::Value;
    for field in fields {
        match field.value() {
            Value::Text(t) => out.push_str(&format!("{indent}{} = {t}\n", field.name())),
            Value::Map(m) => {
                out.push_str(&format!("{indent}{}:\n", field.name()));
                render(m, &format!("{indent}  "), out);
            }
            Value::List(items) => {
                out.push_str(&format!(
                    "{indent}{}: [{} items]\n",
                    field.name(),
                    items.len()
                ));
                for (i, item) in items.iter().enumerate() {
                    if let Some(m) = item.as_map() {
                        out.push_str(&format!("{indent}  [{i}]\n"));
                        render(m, &format!("{indent}    "), out);
                    } else if let Some(t) = item.as_text() {
                        out.push_str(&format!("{indent}  [{i}] = {t}\n"));
                    }
                }
            }
        }
    }
}

/// Checks the request is signed with the secret of `kind` (and not with the other one).
pub(crate) fn assert_signed_with<O: Operation>(op: &O, kind: SecretKind) {
    assert_signed_under(&config(), op, kind);
}

/// As [`assert_signed_with`], under this config.
pub(crate) fn assert_signed_under<O: Operation>(config: &Config, op: &O, kind: SecretKind) {
    let request = prepare(config, op, &salt()).expect("the request can be prepared");
    let fields = form::decode(request.body()).expect("the body decodes");
    let script = script_of(O::PATH).expect("script");
    let other = match kind {
        SecretKind::Payment => SecretKind::Payout,
        SecretKind::Payout => SecretKind::Payment,
    };
    assert!(
        verify(&script, &fields, config.secret(kind)).is_ok(),
        "{} must be signed with the {kind:?} secret",
        O::NAME
    );
    assert!(
        verify(&script, &fields, config.secret(other)).is_err(),
        "{} verified with the {other:?} secret",
        O::NAME
    );
}

/// A fixture file from `tests/fixtures/`.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The XML re-signed with `script` and the test secret of `kind` (its `pg_sig` replaced).
pub(crate) fn signed_xml(xml: &str, script: &str, kind: SecretKind) -> String {
    let document = freedompay_xml::parse(xml.as_bytes()).expect("fixture parses");
    let root = document.root_name().to_owned();
    let mut fields = document.into_fields();
    fields.remove(SIG_FIELD);
    let script = ScriptName::new(script).expect("script");
    let signature =
        freedompay_sign::sign(&script, &fields, config().secret(kind)).expect("fixture signs");
    fields.push(SIG_FIELD, signature.as_str());
    freedompay_xml::write_with_root(&root, &fields).expect("fixture writes")
}

/// Reads a fixture as the operation's reply, after signing it as the gateway would.
pub(crate) fn reply<O: Operation>(op: &O, fixture_name: &str) -> Result<O::Output, ErrorKind> {
    let config = config();
    let script = script_of(O::PATH).expect("script");
    let body = signed_xml(&fixture(fixture_name), script.as_str(), op.secret(&config));
    read_reply(&config, op, &HttpResponse::new(200, body.into_bytes()))
}
