//! Every fixture document: its parsed tree (insta snapshot), its verification outcome, its
//! round trip through `write`, and the refusal of every truncation of it.
//!
//! `seed*.xml` are the example responses of the original documentation pages
//! (FreedomPay's public pages; docs/protocol.md §9.1 names each seed's page), copied verbatim; their signatures were made with secrets we do not know.
//! The others were written for these tests and signed with `TESTSECRET` by
//! `fixtures/sign_fixture.py`, an independent Python port of the reference algorithm.

mod common;

use common::{fixture, fixtures_dir, render};
use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{ParseErrorKind, ResponseError, parse, parse_and_verify, write_with_root};

/// What verifying a fixture with `TESTSECRET` must give.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Signed with `TESTSECRET` for this script: valid.
    Valid,
    /// Signed with a secret we do not know (documentation examples): a mismatch, not unsigned.
    SignedElsewhere,
    /// No `pg_sig`: unsigned, with this status, code and description.
    Unsigned(
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    ),
}

struct Case {
    file: &'static str,
    script: &'static str,
    expect: Expect,
}

const fn case(file: &'static str, script: &'static str, expect: Expect) -> Case {
    Case {
        file,
        script,
        expect,
    }
}

use Expect::{SignedElsewhere, Unsigned, Valid};

const CASES: &[Case] = &[
    // The documentation's examples.
    case("seed000_reg2nonreg_root.xml", "reg2nonreg", SignedElsewhere),
    case("seed001_p2p2nonreg.xml", "p2p2nonreg", SignedElsewhere),
    case(
        "seed002_get_status2_partial.xml",
        "get_status2.php",
        SignedElsewhere,
    ),
    case(
        "seed002_get_status2_ok.xml",
        "get_status2.php",
        SignedElsewhere,
    ),
    case(
        "seed002_get_status2_failed.xml",
        "get_status2.php",
        SignedElsewhere,
    ),
    case(
        "seed002_get_status2_error_340.xml",
        "get_status2.php",
        Unsigned(Some("error"), Some("340"), Some("Transaction not found")),
    ),
    // Seeds 002 and 003: the payout notify reply, whose root element is `pg_status` itself.
    case(
        "seed002_post_link_reply.xml",
        "post",
        Unsigned(None, None, None),
    ),
    case("seed002_cbc_check_ok.xml", "check", SignedElsewhere),
    case("seed002_cbc_check_error_101.xml", "check", SignedElsewhere),
    case("seed002_cbc_exec_ok.xml", "exec", SignedElsewhere),
    case("seed002_cbc_exec_error_101.xml", "exec", SignedElsewhere),
    case("seed002_cbc_status_success.xml", "status", SignedElsewhere),
    case("seed002_cbc_status_process.xml", "status", SignedElsewhere),
    case("seed002_cbc_status_error_75.xml", "status", SignedElsewhere),
    case(
        "seed002_balance_status.xml",
        "balance_status",
        SignedElsewhere,
    ),
    case(
        "seed002_init_payout.xml",
        "init_payout.php",
        SignedElsewhere,
    ),
    case("seed004_any_amount.xml", "any_amount", SignedElsewhere),
    // Written for these tests.
    case("protocol_2_7_get_status3.xml", "get_status3.php", Valid),
    case("get_status3_full.xml", "get_status3.php", Valid),
    case("refunds_nested.xml", "get_status3.php", Valid),
    case("root_element.xml", "init_payment.php", Valid),
    case("cdata.xml", "result", Valid),
    case("entities.xml", "get_status3.php", Valid),
    case("cyrillic.xml", "get_status3.php", Valid),
    case("odd_but_valid.xml", "get_status3.php", Valid),
    case(
        "unsigned_101.xml",
        "get_status3.php",
        Unsigned(Some("error"), Some("101"), Some("Empty merchant")),
    ),
    case(
        "unsigned_9998.xml",
        "init_payment.php",
        Unsigned(
            Some("error"),
            Some("9998"),
            Some("Некорректная подпись запроса"),
        ),
    ),
];

fn secret() -> SecretKey {
    SecretKey::new("TESTSECRET").unwrap()
}

fn stem(file: &str) -> &str {
    file.strip_suffix(".xml").unwrap()
}

#[test]
fn every_fixture_file_is_listed() {
    let mut files: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    files.sort();
    let mut listed: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn parsed_trees_match_snapshots() {
    for case in CASES {
        let doc = parse(&fixture(case.file)).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        insta::assert_snapshot!(stem(case.file), render(&doc));
    }
}

#[test]
fn verification_outcomes() {
    for case in CASES {
        let script = ScriptName::new(case.script).unwrap();
        let outcome = parse_and_verify(&fixture(case.file), &script, &secret());
        match (case.expect, outcome) {
            (Valid, Ok(verified)) => assert!(verified.text("pg_sig").is_some()),
            (SignedElsewhere, Err(ResponseError::Mismatch)) => {}
            (Unsigned(status, code, description), Err(ResponseError::Unsigned(reply))) => {
                assert_eq!(reply.status(), status, "{}", case.file);
                assert_eq!(reply.error_code(), code, "{}", case.file);
                assert_eq!(reply.error_description(), description, "{}", case.file);
            }
            (expect, outcome) => panic!("{}: expected {expect:?}, got {outcome:?}", case.file),
        }
    }
}

#[test]
fn valid_fixtures_fail_with_another_secret_or_script() {
    let other = SecretKey::new("TESTSECRET2").unwrap();
    for case in CASES.iter().filter(|c| matches!(c.expect, Valid)) {
        let bytes = fixture(case.file);
        let script = ScriptName::new(case.script).unwrap();
        assert_eq!(
            parse_and_verify(&bytes, &script, &other),
            Err(ResponseError::Mismatch),
            "{}",
            case.file
        );
        let wrong_script = ScriptName::new("get_status.php").unwrap();
        assert_eq!(
            parse_and_verify(&bytes, &wrong_script, &secret()),
            Err(ResponseError::Mismatch),
            "{}",
            case.file
        );
    }
}

/// docs/protocol.md §2.7: the canonical string and the signature of the get_status3 vector.
#[test]
fn protocol_vector() {
    let doc = parse(&fixture("protocol_2_7_get_status3.xml")).unwrap();
    let script = ScriptName::from_url("https://api.freedompay.kz/get_status3.php").unwrap();
    assert_eq!(
        freedompay_sign::explain(&script, doc.fields()).unwrap(),
        "get_status3.php;10;1;KZT;123456789;success;-10;-10;123456790;success;abc;ok;***"
    );
    let sig = freedompay_sign::sign(&script, doc.fields(), &secret()).unwrap();
    assert_eq!(sig.as_str(), "5d9a8527ebd5bdc3c16aa526d871d3f4");
    assert_eq!(doc.text("pg_sig"), Some("5d9a8527ebd5bdc3c16aa526d871d3f4"));
}

#[test]
fn written_fixtures_read_back_identically_and_still_verify() {
    for case in CASES {
        let doc = parse(&fixture(case.file)).unwrap();
        if doc.fields().is_empty() {
            continue; // a root without children (the post link reply) has nothing to write
        }
        let xml = write_with_root(doc.root_name(), doc.fields()).unwrap();
        let again = parse(xml.as_bytes()).unwrap();
        assert_eq!(again, doc, "{}", case.file);
        if matches!(case.expect, Valid) {
            let script = ScriptName::new(case.script).unwrap();
            assert!(
                parse_and_verify(xml.as_bytes(), &script, &secret()).is_ok(),
                "{}",
                case.file
            );
        }
    }
}

#[test]
fn written_protocol_vector_snapshot() {
    let doc = parse(&fixture("protocol_2_7_get_status3.xml")).unwrap();
    insta::assert_snapshot!(write_with_root(doc.root_name(), doc.fields()).unwrap());
}

/// A body cut anywhere before the end of its root element is refused, as truncated.
#[test]
fn every_truncation_is_refused() {
    for case in CASES {
        let bytes = fixture(case.file);
        let text = std::str::from_utf8(&bytes).unwrap();
        let root = parse(&bytes).unwrap().root_name().to_owned();
        let complete = text.rfind(&format!("</{root}>")).unwrap() + root.len() + 3;
        let first_root = text.find(&format!("<{root}")).unwrap();
        for len in 0..complete {
            let err = parse(&bytes[..len]).expect_err(case.file);
            let expected = if len <= first_root {
                [ParseErrorKind::NoRoot, ParseErrorKind::UnexpectedEof]
            } else {
                [ParseErrorKind::UnexpectedEof; 2]
            };
            assert!(
                expected.contains(&err.kind()),
                "{} cut at {len}: {err:?}",
                case.file
            );
            assert!(err.position() <= len, "{} cut at {len}: {err:?}", case.file);
        }
    }
}
