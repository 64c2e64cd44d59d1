//! Writing trees: the exact output, what is escaped, what is refused and where, and merchant
//! replies that verify.

use freedompay_sign::{Fields, Level, Node, ScriptName, SecretKey, Value, sign};
use freedompay_xml::{
    Limits, REQUEST_ROOT, ResponseError, WriteError, WriteErrorKind, parse, parse_and_verify,
    parse_with, write, write_tree, write_tree_with_root, write_with_root,
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

/// A tree held in another form than `Fields`: vectors of pairs and items, as a `Level`.
enum Tree {
    Text(String),
    Map(Vec<(String, Tree)>),
    List(Vec<Tree>),
}

impl Tree {
    fn of(value: &Value) -> Tree {
        match value {
            Value::Text(text) => Tree::Text(text.clone()),
            Value::Map(map) => Tree::Map(Tree::map(map)),
            Value::List(items) => Tree::List(items.iter().map(Tree::of).collect()),
        }
    }

    fn map(fields: &Fields) -> Vec<(String, Tree)> {
        fields
            .iter()
            .map(|f| (f.name().to_owned(), Tree::of(f.value())))
            .collect()
    }
}

#[derive(Clone, Copy)]
enum View<'a> {
    Map(&'a [(String, Tree)]),
    List(&'a [Tree]),
}

fn node(tree: &Tree) -> Node<'_, View<'_>> {
    match tree {
        Tree::Text(text) => Node::Text(text),
        Tree::Map(map) => Node::Map(View::Map(map)),
        Tree::List(items) => Node::List(View::List(items)),
    }
}

impl<'a> Level<'a> for View<'a> {
    fn len(self) -> usize {
        match self {
            View::Map(map) => map.len(),
            View::List(items) => items.len(),
        }
    }

    fn name(self, index: usize) -> &'a str {
        match self {
            View::Map(map) => &map[index].0,
            View::List(_) => unreachable!("the writer never asks for a list's names"),
        }
    }

    fn value(self, index: usize) -> Node<'a, Self> {
        match self {
            View::Map(map) => node(&map[index].1),
            View::List(items) => node(&items[index]),
        }
    }
}

/// What `write_tree` and `write_tree_with_root` give for the tree of `fields`, as errors that
/// compare.
fn both_ways(root: &str, fields: &Fields) -> [Result<String, (WriteErrorKind, String)>; 2] {
    let tree = Tree::map(fields);
    let plain = |r: Result<String, WriteError>| r.map_err(|e| (e.kind(), e.path().to_owned()));
    let with_root = plain(write_tree_with_root(root, View::Map(&tree)));
    let response = plain(write_tree(View::Map(&tree)));
    [with_root, response]
}

/// Every tree above, written from another form than `Fields`: the same bytes, or the same
/// refusal at the same place.
#[test]
fn a_tree_in_another_form_is_written_as_fields_are() {
    let plain = |r: Result<String, WriteError>| r.map_err(|e| (e.kind(), e.path().to_owned()));
    let mut trees = Vec::new();

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
    trees.push(fields);

    let mut flat = Fields::new();
    flat.push("pg_status", "ok")
        .push("pg_empty", "")
        .push("pg_amp", "Fish & chips")
        .push("pg_status", "again");
    trees.push(flat);
    trees.push(Fields::new());

    let mut inner = Fields::new();
    inner
        .push("ok", "1")
        .push_value("items", Value::list(["a", "b"]));
    let mut fields = Fields::new();
    fields.push("pg_status", "ok").push_map("pg_outer", inner);
    trees.push(fields);
    let mut fields = Fields::new();
    fields.push_value("pg_list", Value::list(["a"]));
    trees.push(fields);
    let mut fields = Fields::new();
    fields.push_map("pg_nothing", Fields::new());
    trees.push(fields);
    for bad in ["", "1st", "with space", "a<b", "-x", "tab\t"] {
        let mut fields = Fields::new();
        fields.push("pg_status", "ok").push(bad, "v");
        trees.push(fields);
        let mut nested = Fields::new();
        nested.push_map("pg_outer", trees.last().unwrap().clone());
        trees.push(nested);
    }
    for bad in ["\u{0}", "a\u{8}", "x\u{1f}y", "\u{fffe}", "\u{ffff}"] {
        let mut fields = Fields::new();
        fields.push("pg_description", format!("card 4405639704015096 {bad}"));
        trees.push(fields);
        let mut nested = Fields::new();
        nested.push_map("pg_outer", trees.last().unwrap().clone());
        trees.push(nested);
    }
    let mut deep = Fields::new();
    deep.push("leaf", "x");
    for _ in 0..50 {
        let mut parent = Fields::new();
        parent.push_map("n", deep);
        deep = parent;
    }
    trees.push(deep);

    let mut refused = 0;
    for fields in &trees {
        for root in [REQUEST_ROOT, "bad root"] {
            let [with_root, response] = both_ways(root, fields);
            assert_eq!(
                with_root,
                plain(write_with_root(root, fields)),
                "{fields:?}"
            );
            assert_eq!(response, plain(write(fields)), "{fields:?}");
            refused += usize::from(response.is_err());
        }
    }
    // The refusals were tried, not only the documents.
    assert!(refused >= 2 * 20, "{refused}");
}
