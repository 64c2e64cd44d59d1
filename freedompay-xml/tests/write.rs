//! Writing trees: the exact output, what is escaped, what is refused and where, and merchant
//! replies that verify.

use freedompay_sign::{Fields, ScriptName, SecretKey, Value, sign};
use freedompay_xml::{
    Limits, REQUEST_ROOT, ResponseError, WriteErrorKind, parse, parse_and_verify, parse_with,
    write, write_with_root,
};

const DECL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

#[test]
fn exact_output_and_escaping() {
    let mut refund = Fields::new();
    refund.push("pg_amount", "-10");
    let mut fields = Fields::new();
    fields
        .push("pg_text", "a < b && c > d ]]> \"q\" 'a'")
        .push("pg_space", "  both  ")
        .push("pg_lines", "one\ntwo\r\nthree\rfour\tfive")
        .push("pg_empty", "")
        .push("pg_cyrillic", "Оплата №1")
        .push_map("pg_refunds", refund);
    let xml = write(&fields).unwrap();
    assert_eq!(
        xml,
        format!(
            "{DECL}<response><pg_text>a &lt; b &amp;&amp; c &gt; d ]]&gt; \"q\" 'a'</pg_text>\
             <pg_space>  both  </pg_space><pg_lines>one\ntwo&#13;\nthree&#13;four\tfive</pg_lines>\
             <pg_empty></pg_empty><pg_cyrillic>Оплата №1</pg_cyrillic>\
             <pg_refunds><pg_amount>-10</pg_amount></pg_refunds></response>"
        )
    );
    assert_eq!(parse(xml.as_bytes()).unwrap().fields(), &fields);
}

#[test]
fn roots() {
    let mut fields = Fields::new();
    fields.push("pg_order_id", "1");
    let request = write_with_root(REQUEST_ROOT, &fields).unwrap();
    assert_eq!(
        request,
        format!("{DECL}<request><pg_order_id>1</pg_order_id></request>")
    );
    assert_eq!(
        write(&Fields::new()).unwrap(),
        format!("{DECL}<response></response>")
    );
    let e = write_with_root("bad root", &fields).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (WriteErrorKind::InvalidName, "bad root")
    );
}

#[test]
fn refusals_name_the_place() {
    let mut inner = Fields::new();
    inner
        .push("ok", "1")
        .push_value("items", Value::list(["a", "b"]));
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push_map("pg_outer", inner);
    let e = write(&fields).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (WriteErrorKind::List, "response/pg_outer/items")
    );

    let mut fields = Fields::new();
    fields.push_map("pg_nothing", Fields::new());
    let e = write(&fields).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (WriteErrorKind::EmptyMap, "response/pg_nothing")
    );

    for bad in ["", "1st", "with space", "a<b", "a&b", "-x", "tab\t"] {
        let mut fields = Fields::new();
        fields.push(bad, "v");
        let e = write(&fields).unwrap_err();
        assert_eq!(e.kind(), WriteErrorKind::InvalidName, "{bad:?}");
        assert_eq!(e.path(), format!("response/{}", bad.escape_debug()));
    }

    for bad in [
        "\u{0}", "a\u{8}", "\u{b}", "\u{c}", "x\u{1f}y", "\u{fffe}", "\u{ffff}",
    ] {
        let mut fields = Fields::new();
        fields.push("pg_description", format!("card 4405639704015096 {bad}"));
        let e = write(&fields).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (WriteErrorKind::InvalidChar, "response/pg_description")
        );
        assert!(!e.to_string().contains("4405"), "{e}");
    }
}

#[test]
fn deep_trees_are_written_without_recursion() {
    let mut tree = Fields::new();
    tree.push("leaf", "x");
    for _ in 0..200 {
        let mut parent = Fields::new();
        parent.push_map("n", tree);
        tree = parent;
    }
    let xml = write(&tree).unwrap();
    assert!(xml.ends_with(&format!("{}</response>", "</n>".repeat(200))));
    let mut limits = Limits::default();
    limits.max_depth = Limits::MAX_DEPTH;
    assert_eq!(parse_with(xml.as_bytes(), &limits).unwrap().fields(), &tree);
}

/// docs/protocol.md §2.9: a merchant's reply to a result callback, signed with the callback's
/// script name; written twice, it is the same bytes (replayed callbacks get the same answer).
#[test]
fn merchant_reply() {
    let script = ScriptName::from_url("https://shop.kz/pay/result?order=7").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    let mut reply = Fields::new();
    reply
        .push("pg_status", "ok")
        .push("pg_description", "Order paid")
        .push("pg_salt", "xyz");
    let sig = sign(&script, &reply, &secret).unwrap();
    assert_eq!(sig.as_str(), "bc9ba7f85644b9079d7ddaa2e65e88f4");
    reply.push("pg_sig", sig.as_str());

    let xml = write(&reply).unwrap();
    assert_eq!(xml, write(&reply).unwrap());
    assert_eq!(
        parse_and_verify(xml.as_bytes(), &script, &secret)
            .unwrap()
            .fields(),
        &reply
    );
    let tampered = xml.replace(">ok<", ">rejected<");
    assert_eq!(
        parse_and_verify(tampered.as_bytes(), &script, &secret),
        Err(ResponseError::Mismatch)
    );
}
