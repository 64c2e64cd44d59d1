//! Arbitrary trees into the canonicalisation: it never panics, the fast path agrees with the
//! literal reference algorithm, and whatever signs also verifies.
#![no_main]

use arbitrary::Arbitrary;
use freedompay_sign::{Fields, ScriptName, SecretKey, Value, canonical_entries, fast_order, sign, verify};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Node {
    Text(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

fn value(node: Node) -> Value {
    match node {
        Node::Text(t) => Value::Text(t),
        Node::Map(entries) => Value::Map(entries.into_iter().map(|(n, v)| (n, value(v))).collect()),
        Node::List(items) => Value::List(items.into_iter().map(value).collect()),
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    script: String,
    secret: String,
    fields: Vec<(String, Node)>,
}

fuzz_target!(|input: Input| {
    let fields: Fields = input.fields.into_iter().map(|(n, v)| (n, value(v))).collect();
    let (Ok(script), Ok(secret)) = (ScriptName::new(input.script), SecretKey::new(input.secret)) else {
        return;
    };
    let literal = canonical_entries(&fields).map(|e| e.into_iter().map(|e| e.value).collect::<Vec<_>>());
    let fast = fast_order(&fields);
    match (&fast, &literal) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "fast path and reference disagree"),
        (Err(_), Err(_)) => {}
        _ => panic!("fast path and reference disagree on refusal: {fast:?} / {literal:?}"),
    }
    if let Ok(sig) = sign(&script, &fields, &secret) {
        let mut signed = fields.clone();
        signed.set("pg_sig", sig.as_str());
        assert_eq!(verify(&script, &signed, &secret), Ok(()));
    }
});
