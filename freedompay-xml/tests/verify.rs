//! The verification outcomes are kept apart: valid, unsigned, mismatch, not canonicalisable,
//! not XML.

use freedompay_sign::{Fields, ScriptName, SecretKey, SignError, sign};
use freedompay_xml::{
    Document, ParseErrorKind, ResponseError, parse, parse_and_verify, verify_response,
};

fn script() -> ScriptName {
    ScriptName::new("get_status3.php").unwrap()
}

fn secret() -> SecretKey {
    SecretKey::new("TESTSECRET").unwrap()
}

fn outcome(xml: &str) -> Result<freedompay_xml::Verified, ResponseError> {
    parse_and_verify(xml.as_bytes(), &script(), &secret())
}

#[test]
fn unsigned_is_neither_valid_nor_a_mismatch() {
    let Err(ResponseError::Unsigned(reply)) = outcome(
        "<response><pg_status>error</pg_status><pg_error_code>9998</pg_error_code>\
         <pg_error_description>Некорректная подпись запроса</pg_error_description></response>",
    ) else {
        panic!("expected an unsigned reply");
    };
    assert_eq!(reply.status(), Some("error"));
    assert_eq!(reply.error_code(), Some("9998"));
    assert_eq!(
        reply.error_description(),
        Some("Некорректная подпись запроса")
    );
    assert_eq!(reply.document().root_name(), "response");

    // A `pg_sig` that is only nested does not sign the response.
    let nested = "<response><pg_status>ok</pg_status><x><pg_sig>abc</pg_sig></x></response>";
    assert!(matches!(outcome(nested), Err(ResponseError::Unsigned(_))));
    // Nor does anything in a root without children.
    assert!(matches!(
        outcome("<pg_status>ok</pg_status>"),
        Err(ResponseError::Unsigned(_))
    ));
}

#[test]
fn present_but_wrong_signatures_are_mismatches() {
    for sig in [
        "<pg_sig/>",
        "<pg_sig></pg_sig>",
        "<pg_sig>   </pg_sig>",
        "<pg_sig><a>1</a></pg_sig>",
    ] {
        let xml =
            format!("<response><pg_status>ok</pg_status><pg_salt>s</pg_salt>{sig}</response>");
        assert_eq!(outcome(&xml), Err(ResponseError::Mismatch), "{sig}");
    }
    // The right signature with different case or surrounding spaces is not the signature.
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push("pg_salt", "s");
    let sig = sign(&script(), &fields, &secret()).unwrap();
    for written in [sig.as_str().to_uppercase(), format!(" {}", sig.as_str())] {
        let xml = format!(
            "<response><pg_status>ok</pg_status><pg_salt>s</pg_salt><pg_sig>{written}</pg_sig></response>"
        );
        assert_eq!(outcome(&xml), Err(ResponseError::Mismatch), "{written}");
    }
    let xml = format!(
        "<response><pg_status>ok</pg_status><pg_salt>s</pg_salt><pg_sig>{}</pg_sig></response>",
        sig.as_str()
    );
    assert!(outcome(&xml).is_ok());
}

#[test]
fn unknown_elements_and_the_root_name() {
    // Elements the SDK does not know are signed like any other.
    let mut fields = Fields::new();
    fields
        .push("pg_status", "ok")
        .push("pg_new_thing", "2026")
        .push("pg_salt", "s");
    let sig = sign(&script(), &fields, &secret()).unwrap();
    let body = format!(
        "<pg_status>ok</pg_status><pg_new_thing>2026</pg_new_thing><pg_salt>s</pg_salt><pg_sig>{}</pg_sig>",
        sig.as_str()
    );
    // Any root name: the root is not signed.
    for root in ["response", "root", "anything"] {
        let verified = outcome(&format!("<{root}>{body}</{root}>")).unwrap();
        assert_eq!(verified.document().root_name(), root);
        assert_eq!(verified.text("pg_new_thing"), Some("2026"));
    }
    // Dropping the unknown element breaks it.
    let without = body.replace("<pg_new_thing>2026</pg_new_thing>", "");
    assert_eq!(
        outcome(&format!("<response>{without}</response>")),
        Err(ResponseError::Mismatch)
    );
}

#[test]
fn responses_the_reference_algorithm_cannot_order() {
    let xml =
        "<response><pg_param>a</pg_param><pg_param1>b</pg_param1><pg_sig>x</pg_sig></response>";
    assert!(matches!(
        outcome(xml),
        Err(ResponseError::Sign(SignError::AmbiguousNames { .. }))
    ));
}

#[test]
fn not_xml() {
    let Err(ResponseError::Parse(e)) = outcome("<html><body>502 Bad Gateway</body>") else {
        panic!("expected a parse error");
    };
    assert_eq!(e.kind(), ParseErrorKind::UnexpectedEof);
}

#[test]
fn verify_response_on_a_built_document() {
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push("pg_salt", "s");
    let sig = sign(&script(), &fields, &secret()).unwrap();
    fields.push("pg_sig", sig.as_str());
    let verified = verify_response(
        Document::new("response", fields.clone()),
        &script(),
        &secret(),
    )
    .unwrap();
    assert_eq!(verified.clone().into_fields(), fields);
    assert_eq!(
        verified.into_document(),
        parse(freedompay_xml::write(&fields).unwrap().as_bytes()).unwrap()
    );
    assert_eq!(
        parse(b"<response/>").unwrap(),
        Document::new("response", Fields::new())
    );
}

#[test]
fn display_shows_codes_not_texts() {
    let Err(e) = outcome(
        "<response><pg_error_code>101</pg_error_code><pg_error_description>Empty merchant</pg_error_description></response>",
    ) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "the response is not signed (no pg_sig): pg_error_code 101"
    );
    assert!(!format!("{e:?}").contains("Empty merchant"));
    let Err(e) = outcome("<response><pg_error_code>4405 6397 0401 5096</pg_error_code></response>")
    else {
        panic!()
    };
    assert_eq!(e.to_string(), "the response is not signed (no pg_sig)");
    let Err(e) = outcome("<response><pg_salt>s</pg_salt><pg_sig>0</pg_sig></response>") else {
        panic!()
    };
    assert!(
        e.to_string()
            .starts_with("the response signature does not match")
    );
}
