//! Hostile input gets a typed error early: at the first byte that crosses a limit, without
//! reading (or building a tree for) the rest. Big inputs are generated here, not committed.

use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{Limits, ParseErrorKind, ResponseError, parse, parse_and_verify, parse_with};

const MIB: usize = 1024 * 1024;

fn billion_laughs() -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let previous = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "  <!ENTITY lol{i} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    doc.push_str("]>\n<response><pg_status>&lol9;</pg_status></response>\n");
    doc
}

#[test]
fn billion_laughs_is_refused_at_the_doctype() {
    let doc = billion_laughs();
    let e = parse(doc.as_bytes()).unwrap_err();
    assert_eq!((e.kind(), e.position()), (ParseErrorKind::Doctype, 22));
    // Without the DTD the entities are simply unknown.
    let body = "<response><pg_status>&lol9;</pg_status></response>";
    assert_eq!(
        parse(body.as_bytes()).unwrap_err().kind(),
        ParseErrorKind::UnknownEntity
    );
    // Through the verifying entry point, it is a parse error, not a signature outcome.
    let script = ScriptName::new("get_status3.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    assert!(matches!(
        parse_and_verify(doc.as_bytes(), &script, &secret),
        Err(ResponseError::Parse(e)) if e.kind() == ParseErrorKind::Doctype
    ));
}

#[test]
fn external_entities_are_refused_at_the_doctype() {
    let doc = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>";
    assert_eq!(
        parse(doc.as_bytes()).unwrap_err().kind(),
        ParseErrorKind::Doctype
    );
}

#[test]
fn hundred_thousand_nested_elements() {
    let depth = 100_000;
    let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let e = parse(doc.as_bytes()).unwrap_err();
    // Refused at the 33rd start tag, right at the beginning of the input.
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooDeep, 32 * 3, Some(32))
    );

    // The depth limit cannot be lifted beyond `Limits::MAX_DEPTH`: the tree's own drop,
    // clone and comparison recurse, so a deeper tree could exhaust the stack later.
    let mut lifted = Limits::default();
    lifted.max_depth = usize::MAX;
    lifted.max_elements = usize::MAX;
    let e = parse_with(doc.as_bytes(), &lifted).unwrap_err();
    let cap = Limits::MAX_DEPTH;
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooDeep, cap * 3, Some(cap))
    );
    let deepest = format!("{}{}", "<a>".repeat(cap), "</a>".repeat(cap));
    assert!(parse_with(deepest.as_bytes(), &lifted).is_ok());
}

#[test]
fn ten_megabyte_signature() {
    let doc = format!(
        "<response><pg_status>ok</pg_status><pg_salt>s</pg_salt><pg_sig>{}</pg_sig></response>",
        "f".repeat(10 * MIB)
    );
    // Refused on its length alone, before any byte is read.
    let e = parse(doc.as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooLarge, MIB, Some(MIB))
    );

    // Allowed in by size, it still fails the value limit at the start of the value.
    let mut limits = Limits::default();
    limits.max_bytes = 20 * MIB;
    let e = parse_with(doc.as_bytes(), &limits).unwrap_err();
    assert_eq!((e.kind(), e.position()), (ParseErrorKind::TextTooLong, 63));
}

#[test]
fn a_flood_of_elements_stops_at_the_limit() {
    let doc = format!("<response>{}</response>", "<pg_x/>".repeat(200_000));
    let mut limits = Limits::default();
    limits.max_bytes = 2 * MIB;
    let e = parse_with(doc.as_bytes(), &limits).unwrap_err();
    assert_eq!(e.kind(), ParseErrorKind::TooManyElements);
    assert_eq!(e.position(), 10 + 9_999 * 7);
}

#[test]
fn a_flood_of_references_is_bounded_by_the_value_limit() {
    // Each `&#x10FFFF;` decodes to 4 bytes from 10: references cannot amplify the input.
    let doc = format!("<r><v>{}</v></r>", "&#x10FFFF;".repeat(50_000));
    assert_eq!(
        parse(doc.as_bytes()).unwrap().text("v").map(str::len),
        Some(4 * 50_000)
    );
    let mut limits = Limits::default();
    limits.max_text_bytes = 1000;
    let e = parse_with(doc.as_bytes(), &limits).unwrap_err();
    assert_eq!(
        (e.kind(), e.position()),
        (ParseErrorKind::TextTooLong, 6 + 250 * 10)
    );
}

#[test]
fn huge_attributes_and_comments_cost_only_their_reading() {
    let doc = format!(
        "<r a=\"{}\"><!--{}--><v>1</v></r>",
        "x".repeat(400_000),
        "y".repeat(400_000)
    );
    assert_eq!(parse(doc.as_bytes()).unwrap().text("v"), Some("1"));
}
