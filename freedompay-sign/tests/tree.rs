//! `sign_tree` and `verify_tree` on a tree held in another form than `Fields` give what `sign`
//! and `verify` give on the same tree, lists and nested maps included.

use freedompay_sign::{
    Fields, Level, Node, ScriptName, SecretKey, Value, VerifyError, sign, sign_tree, verify,
    verify_tree,
};
use proptest::prelude::*;

/// A tree of its own: vectors of pairs and items.
enum Tree {
    Text(String),
    Map(Vec<(String, Tree)>),
    List(Vec<Tree>),
}

fn convert_value(value: &Value) -> Tree {
    match value {
        Value::Text(text) => Tree::Text(text.clone()),
        Value::Map(map) => Tree::Map(convert(map)),
        Value::List(items) => Tree::List(items.iter().map(convert_value).collect()),
    }
}

fn convert(fields: &Fields) -> Vec<(String, Tree)> {
    fields
        .iter()
        .map(|f| (f.name().to_owned(), convert_value(f.value())))
        .collect()
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
            View::List(_) => unreachable!("names of a list are never asked for"),
        }
    }

    fn value(self, index: usize) -> Node<'a, Self> {
        match self {
            View::Map(map) => node(&map[index].1),
            View::List(items) => node(&items[index]),
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[ab_]{1,3}", 1 => "pg_[a-z_]{1,6}", 1 => "[ab1-]{0,3}", 1 => Just("pg_sig".to_owned())]
}

fn tree() -> impl Strategy<Value = Fields> {
    let leaf = "[a-z0-9;]{0,6}".prop_map(Value::Text);
    let value = leaf.prop_recursive(3, 40, 13, |inner| {
        prop_oneof![
            prop::collection::vec((name(), inner.clone()), 0..6)
                .prop_map(|entries| Value::Map(entries.into_iter().collect())),
            prop::collection::vec(inner, 0..14).prop_map(Value::List),
        ]
    });
    prop::collection::vec((name(), value), 0..8).prop_map(|entries| entries.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn another_tree_signs_and_verifies_as_fields(fields in tree(), signed in any::<bool>()) {
        let script = ScriptName::new("init_payment.php").unwrap();
        let secret = SecretKey::new("TESTSECRET").unwrap();
        let mut fields = fields;
        if signed && let Ok(sig) = sign(&script, &fields, &secret) {
            fields.set("pg_sig", sig.as_str());
        }
        let mine = convert(&fields);
        prop_assert_eq!(
            sign_tree(&script, View::Map(&mine), &secret),
            sign(&script, &fields, &secret)
        );
        prop_assert_eq!(
            verify_tree(&script, View::Map(&mine), &secret),
            verify(&script, &fields, &secret)
        );
    }
}

#[test]
fn verify_tree_keeps_the_outcomes_apart() {
    let script = ScriptName::new("result").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    let pairs = |sig: Option<Tree>| {
        let mut map = vec![
            ("pg_status".to_owned(), Tree::Text("ok".into())),
            ("pg_description".to_owned(), Tree::Text("Order paid".into())),
            ("pg_salt".to_owned(), Tree::Text("xyz".into())),
        ];
        map.extend(sig.map(|sig| ("pg_sig".to_owned(), sig)));
        map
    };
    let text = |s: &str| Some(Tree::Text(s.into()));
    let good = pairs(text("bc9ba7f85644b9079d7ddaa2e65e88f4"));
    assert_eq!(verify_tree(&script, View::Map(&good), &secret), Ok(()));
    let bad = pairs(text("bc9ba7f85644b9079d7ddaa2e65e88f5"));
    assert_eq!(
        verify_tree(&script, View::Map(&bad), &secret),
        Err(VerifyError::Mismatch)
    );
    let none = pairs(None);
    assert_eq!(
        verify_tree(&script, View::Map(&none), &secret),
        Err(VerifyError::Missing)
    );
    let nested = pairs(Some(Tree::Map(vec![])));
    assert_eq!(
        verify_tree(&script, View::Map(&nested), &secret),
        Err(VerifyError::NotText)
    );
}
