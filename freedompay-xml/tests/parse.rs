//! What the parser accepts, how it reads it, and the typed error (kind and byte position) of
//! everything it refuses.

use freedompay_sign::{Fields, Value};
use freedompay_xml::{Limits, ParseError, ParseErrorKind, parse, parse_pg_xml, parse_with};

fn err(input: &[u8]) -> ParseError {
    parse(input).expect_err("expected the input to be refused")
}

fn leaf(input: &str) -> String {
    let doc = parse(input.as_bytes()).unwrap();
    doc.text("v").expect("a leaf named v").to_owned()
}

#[test]
fn values_are_kept_exactly() {
    assert_eq!(leaf("<r><v>  two spaces  </v></r>"), "  two spaces  ");
    assert_eq!(leaf("<r><v>\n\t</v></r>"), "\n\t");
    assert_eq!(leaf("<r><v></v></r>"), "");
    assert_eq!(leaf("<r><v/></r>"), "");
    assert_eq!(leaf("<r><v />\n</r>"), "");
    assert_eq!(leaf("<r><v>a<!-- c -->b<?pi x?>c</v></r>"), "abc");
    assert_eq!(leaf("<r><v>&lt;&gt;&amp;&apos;&quot;</v></r>"), "<>&'\"");
    assert_eq!(
        leaf("<r><v>&#65;&#x42;&#x43;&#1025;&#x1F600;</v></r>"),
        "ABCЁ😀"
    );
    assert_eq!(
        leaf("<r><v><![CDATA[<&>]]>&amp;<![CDATA[]]></v></r>"),
        "<&>&"
    );
    assert_eq!(leaf("<r><v>Оплата заказа №1</v></r>"), "Оплата заказа №1");
    // Whitespace next to markup inside a value is part of it.
    assert_eq!(leaf("<r><v> a <!-- c --> b </v></r>"), " a  b ");
    assert_eq!(leaf("<r><v>  <![CDATA[x]]>  </v></r>"), "  x  ");
    assert_eq!(leaf("<r><v>  &amp;  </v></r>"), "  &  ");
    assert_eq!(leaf("<r><v> <?pi?> </v></r>"), "  ");
}

#[test]
fn line_ends_are_normalised_as_xml_requires() {
    assert_eq!(leaf("<r><v>a\r\nb\rc\nd</v></r>"), "a\nb\nc\nd");
    assert_eq!(leaf("<r><v><![CDATA[a\r\nb]]></v></r>"), "a\nb");
    assert_eq!(leaf("<r><v>\r\n <!-- c -->\r</v></r>"), "\n \n");
    // A carriage return written as a reference is data, not a line end.
    assert_eq!(leaf("<r><v>a&#13;&#10;b&#xD;</v></r>"), "a\r\nb\r");
}

#[test]
fn structure() {
    let doc = parse(
        b"<?xml version='1.0'?>\n<root a='1'>\n  <x k=\"v\">1</x>\n  <m><y>2</y><y>3</y><z/></m>\n  <x>4</x>\n</root>\n",
    )
    .unwrap();
    assert_eq!(doc.root_name(), "root");
    assert_eq!(doc.root_text(), None);
    let mut m = Fields::new();
    m.push("y", "2").push("y", "3").push("z", "");
    let mut expected = Fields::new();
    expected.push("x", "1").push_map("m", m).push("x", "4");
    assert_eq!(doc.fields(), &expected);
    let all: Vec<&Value> = doc.fields().get_all("x").collect();
    assert_eq!(all, [&Value::Text("1".into()), &Value::Text("4".into())]);
}

#[test]
fn mixed_content_keeps_the_children_only() {
    let doc = parse(b"<r><m>text<c>1</c>more</m><n> <c>2</c> </n></r>").unwrap();
    let mut inner = Fields::new();
    inner.push("c", "1");
    assert_eq!(doc.fields().get("m"), Some(&Value::Map(inner)));
    let n = doc.fields().get("n").and_then(Value::as_map).unwrap();
    assert_eq!(n.text("c"), Some("2"));
}

#[test]
fn root_without_children() {
    let doc =
        parse(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pg_status>ok</pg_status>").unwrap();
    assert_eq!(doc.root_name(), "pg_status");
    assert_eq!(doc.root_text(), Some("ok"));
    assert!(doc.fields().is_empty());
    let empty = parse(b"<response/>").unwrap();
    assert_eq!(
        (empty.root_name(), empty.root_text(), empty.fields().len()),
        ("response", Some(""), 0)
    );
}

#[test]
fn encodings_and_byte_order_mark() {
    for decl in ["utf-8", "UTF-8", "utf8", "Utf-8"] {
        let doc = format!("<?xml version=\"1.0\" encoding=\"{decl}\"?><r><v>1</v></r>");
        assert!(parse(doc.as_bytes()).is_ok(), "{decl}");
    }
    let with_bom = b"\xEF\xBB\xBF<r><v>1</v></r>";
    assert_eq!(parse(with_bom).unwrap().text("v"), Some("1"));
    // Positions count the byte order mark.
    assert_eq!(err(b"\xEF\xBB\xBF<r>&bad;</r>").position(), 6);
    let e = err(b"\xEF\xBB\xBF\xEF\xBB\xBF<r/>");
    assert_eq!(
        (e.kind(), e.position()),
        (ParseErrorKind::TextOutsideRoot, 3)
    );

    let e = err(b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><r/>");
    assert_eq!(
        (e.kind(), e.position()),
        (ParseErrorKind::UnsupportedEncoding, 0)
    );
    let e = err(b"<r>ok \xCF\xF0\xE8</r>");
    assert_eq!((e.kind(), e.position()), (ParseErrorKind::NotUtf8, 6));
    let e = err(b"\xFF\xFE<\x00r\x00/\x00>\x00");
    assert_eq!((e.kind(), e.position()), (ParseErrorKind::NotUtf8, 0));
    // A character cut by the end of the input is a truncation.
    let e = err("<r>Оплата".as_bytes().split_last().unwrap().1);
    assert_eq!(e.kind(), ParseErrorKind::UnexpectedEof);
}

#[test]
fn typed_errors_with_positions() {
    use ParseErrorKind::*;
    let cases: &[(&[u8], ParseErrorKind, usize)] = &[
        (b"", NoRoot, 0),
        (b"  \n", NoRoot, 3),
        (
            b"<?xml version=\"1.0\"?><!-- only a comment -->",
            NoRoot,
            44,
        ),
        (b"<r>", UnexpectedEof, 3),
        (b"<r><v>1</v>", UnexpectedEof, 11),
        (b"<r><v>1</v", UnexpectedEof, 7),
        (b"<r><!-- open", UnexpectedEof, 3),
        (b"<r><![CDATA[open", UnexpectedEof, 3),
        (b"<r>&amp", UnexpectedEof, 3),
        (b"<r><v>1</w></r>", Malformed, 7),
        (b"<r></r></r>", Malformed, 7),
        (b"<r>a & b</r>", Malformed, 5),
        (b"<r/><r/>", MultipleRoots, 4),
        (b"<r/>text", TextOutsideRoot, 4),
        (b"text<r/>", TextOutsideRoot, 0),
        (b"<r/>&amp;", TextOutsideRoot, 4),
        (b"<r/><![CDATA[x]]>", TextOutsideRoot, 4),
        (b"<r>&nbsp;</r>", UnknownEntity, 3),
        (b"<r><v>&lol9;</v></r>", UnknownEntity, 6),
        (b"<r>&#0;</r>", InvalidCharRef, 3),
        (b"<r>&#1;</r>", InvalidCharRef, 3),
        (b"<r>&#xFFFE;</r>", InvalidCharRef, 3),
        (b"<r>&#xD800;</r>", InvalidCharRef, 3),
        (b"<r>&#x110000;</r>", InvalidCharRef, 3),
        (b"<r>&#xZZ;</r>", InvalidCharRef, 3),
        (b"<r>ab\x01</r>", InvalidChar, 5),
        (b"<r><![CDATA[ab\x02]]></r>", InvalidChar, 14),
        (b"<r>\xEF\xBF\xBF</r>", InvalidChar, 3),
        (b"<r a=\"\x01\"/>", InvalidChar, 6),
        (b"<r><!-- \x1f --></r>", InvalidChar, 8),
        (b"<1r/>", InvalidName, 1),
        (b"<r><-a/></r>", InvalidName, 4),
        (b"<r><></></r>", InvalidName, 4),
        (b"<!DOCTYPE r><r/>", Doctype, 0),
        (b"<r/><?xml version=\"1.0\"?>", Malformed, 4),
        (b" <?xml version=\"1.0\"?><r/>", Malformed, 1),
        (b"<r>\n  <1a/></r>", InvalidName, 7),
        (b"<r/>\n  <r/>", MultipleRoots, 7),
        (b"<r/>\n  x", TextOutsideRoot, 4),
        (b"<r>\n  <v>1</w></r>", Malformed, 10),
        (b"<r>\n  </w></r>", Malformed, 6),
    ];
    for &(input, kind, position) in cases {
        let e = err(input);
        assert_eq!(
            (e.kind(), e.position()),
            (kind, position),
            "{:?}: {e}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn limits_are_inclusive() {
    let mut limits = Limits::default();
    limits.max_depth = 3;
    limits.max_elements = 4;
    limits.max_text_bytes = 5;
    limits.max_bytes = 64;
    assert!(parse_with(b"<r><a><b>12345</b></a></r>", &limits).is_ok());
    assert!(parse_with(b"<r><a/><b/><c/></r>", &limits).is_ok());

    let e = parse_with(b"<r><a><b><c/></b></a></r>", &limits).unwrap_err();
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooDeep, 9, Some(3))
    );
    let e = parse_with(b"<r><a/><b/><c/><d/></r>", &limits).unwrap_err();
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooManyElements, 15, Some(4))
    );
    let e = parse_with(b"<r><a>123<!---->456</a></r>", &limits).unwrap_err();
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TextTooLong, 16, Some(5))
    );
    // Decoded length counts: `&amp;` is one byte.
    assert!(parse_with(b"<r><a>&amp;&amp;&amp;&amp;&amp;</a></r>", &limits).is_ok());

    let exactly = format!("<r><a>{}</a></r>", "x".repeat(5));
    limits.max_bytes = exactly.len();
    assert!(parse_with(exactly.as_bytes(), &limits).is_ok());
    let e = parse_with(format!("{exactly} ").as_bytes(), &limits).unwrap_err();
    assert_eq!(
        (e.kind(), e.position(), e.limit()),
        (ParseErrorKind::TooLarge, exactly.len(), Some(exactly.len()))
    );
}

#[test]
fn errors_never_show_document_text() {
    let secret_looking = "4405639704015096";
    let inputs = [
        format!("<r><pan>{secret_looking}</pan>"),
        format!("<r><pan>{secret_looking}&bogus;</pan></r>"),
        format!("<r><pan>{secret_looking}</pin></r>"),
        format!("<r><pan>{secret_looking}\u{1}</pan></r>"),
        format!("<r><pan>{secret_looking} & </pan></r>"),
    ];
    for input in inputs {
        let e = err(input.as_bytes());
        assert!(!e.to_string().contains(secret_looking), "{e}");
        assert!(!format!("{e:?}").contains(secret_looking), "{e:?}");
    }
    let doc = parse(format!("<r><pan>{secret_looking}</pan></r>").as_bytes()).unwrap();
    assert!(!format!("{doc:?}").contains(secret_looking));
}

#[test]
fn display() {
    assert_eq!(
        err(b"<r>&nbsp;</r>").to_string(),
        "unknown XML entity (only the five predefined ones are accepted) at byte 3"
    );
    assert_eq!(
        err(b"<r><v>1</w></r>").to_string(),
        "malformed XML at byte 7: end tag does not match the open element"
    );
    let mut limits = Limits::default();
    limits.max_bytes = 4;
    assert_eq!(
        parse_with(b"<r/> ", &limits).unwrap_err().to_string(),
        "XML document too large at byte 4 (limit 4)"
    );
}

#[test]
fn pg_xml_field() {
    let value = "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><pg_order_id>7</pg_order_id>\
                 <pg_description>Оплата &amp; доставка</pg_description></request>";
    let doc = parse_pg_xml(value).unwrap();
    assert_eq!(doc.root_name(), "request");
    assert_eq!(doc.text("pg_description"), Some("Оплата & доставка"));
}
