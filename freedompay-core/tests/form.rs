//! The form codec: the bytes the gateway's PHP side reads, and callbacks decoded as it does.

use freedompay_core::form::{self, FormError};
use freedompay_sign::{Fields, Value};
use proptest::prelude::*;

#[test]
fn decodes_like_php_parse_str() {
    let fields = form::decode(b"a=1&b=x+y%21&c[]=p&c[]=q&d[k][0]=v&a=2&&=skip&e").unwrap();
    assert_eq!(
        fields.text("a"),
        Some("2"),
        "a repeated name replaces the value in place"
    );
    assert_eq!(fields.iter().next().unwrap().name(), "a");
    assert_eq!(fields.text("b"), Some("x y!"));
    let c = fields.get("c").unwrap().as_list().unwrap();
    assert_eq!(
        c.iter().map(|v| v.as_text().unwrap()).collect::<Vec<_>>(),
        ["p", "q"]
    );
    let d = fields.get("d").unwrap().as_map().unwrap();
    assert_eq!(
        d.get("k").unwrap().as_list().unwrap()[0].as_text(),
        Some("v")
    );
    assert_eq!(fields.text("e"), Some(""));
    assert_eq!(fields.len(), 5);
}

#[test]
fn php_name_rules() {
    let fields = form::decode(b"a.b=1&c d=2&x[y=3&%5Bz%5D=4&m%5Bn%5D=5").unwrap();
    assert_eq!(fields.text("a_b"), Some("1"));
    assert_eq!(fields.text("c_d"), Some("2"));
    assert_eq!(fields.text("x_y"), Some("3"));
    assert!(
        !fields.contains("[z]"),
        "a name that is only brackets is dropped"
    );
    assert_eq!(
        fields.get("m").unwrap().as_map().unwrap().text("n"),
        Some("5")
    );
    assert_eq!(
        form::decode(b"bad=%zz%4").unwrap().text("bad"),
        Some("%zz%4")
    );
}

#[test]
fn refuses_what_it_cannot_hold() {
    assert_eq!(form::decode(b"a=%ff").unwrap_err(), FormError::NotUtf8);
    let deep = format!("a{}=1", "[x]".repeat(form::MAX_DEPTH + 1));
    assert_eq!(
        form::decode(deep.as_bytes()).unwrap_err(),
        FormError::TooDeep
    );
    let many = "a=1&".repeat(form::MAX_FIELDS + 1);
    assert_eq!(
        form::decode(many.as_bytes()).unwrap_err(),
        FormError::TooManyFields
    );
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,8}"
}

fn tree() -> impl Strategy<Value = Fields> {
    let leaf = "\\PC{0,12}".prop_map(Value::Text);
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::List),
            prop::collection::vec((name(), inner), 1..4).prop_map(|pairs| {
                let mut seen = std::collections::HashSet::new();
                Value::Map(
                    pairs
                        .into_iter()
                        .filter(|(n, _)| seen.insert(n.clone()))
                        .collect(),
                )
            }),
        ]
    });
    prop::collection::vec((name(), value), 0..6).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(n, _)| seen.insert(n.clone()))
            .collect()
    })
}

proptest! {
    /// What we encode decodes to the same tree: names, order, nesting and texts.
    #[test]
    fn encode_then_decode_is_the_identity(fields in tree()) {
        let encoded = form::encode(&fields);
        let decoded = form::decode(encoded.as_bytes()).unwrap();
        prop_assert_eq!(decoded, fields);
    }

    #[test]
    fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = form::decode(&bytes);
    }
}
