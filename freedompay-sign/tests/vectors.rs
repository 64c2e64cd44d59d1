//! The golden vectors of `tests/vectors/sign/`: each holds a message (bracket notation), its
//! script name and secret, and the canonical string and `pg_sig` that PHP 8.2 computes for it
//! with the reference flattening (`tools/php-reference/check-vectors.php`).

mod support;

use freedompay_sign::{
    Fields, ScriptName, SecretKey, VerifyError, canonical_entries, explain, fast_order, sign,
    verify,
};

#[test]
fn every_vector_signs_as_php_does() {
    for v in support::vectors() {
        let name = v.file.display();
        let script = ScriptName::new(v.script.as_str()).unwrap();
        let secret = SecretKey::new(v.secret.as_str()).unwrap();

        // The canonical string, with the secret masked by `explain`.
        let masked = v
            .canonical
            .strip_suffix(&v.secret)
            .expect("canonical ends with the secret");
        assert_eq!(
            explain(&script, &v.fields).unwrap(),
            format!("{masked}***"),
            "{name}"
        );

        // The fast path and the literal algorithm agree.
        let literal: Vec<&str> = canonical_entries(&v.fields)
            .unwrap()
            .into_iter()
            .map(|e| e.value)
            .collect();
        assert_eq!(fast_order(&v.fields).unwrap(), literal, "{name}");

        let sig = sign(&script, &v.fields, &secret).unwrap();
        assert_eq!(sig.as_str(), v.signature, "{name}");

        // The signed message verifies, with pg_sig anywhere among the fields.
        let mut signed = v.fields.clone();
        signed.set("pg_sig", sig.as_str());
        assert_eq!(verify(&script, &signed, &secret), Ok(()), "{name}");

        // Another script name or secret does not.
        let other = ScriptName::new(format!("{}x", v.script)).unwrap();
        assert_eq!(
            verify(&other, &signed, &secret),
            Err(VerifyError::Mismatch),
            "{name}"
        );
        let wrong = SecretKey::new(format!("{}x", v.secret)).unwrap();
        assert_eq!(
            verify(&script, &signed, &wrong),
            Err(VerifyError::Mismatch),
            "{name}"
        );
    }
}

#[test]
fn twelve_positions_sign_in_string_order_of_their_keys() {
    let v = support::read_vector(&support::vector_path("receipt_12_positions"));
    let names: Vec<&str> = fast_order(&v.fields)
        .unwrap()
        .into_iter()
        .filter(|s| s.starts_with("Item "))
        .collect();
    assert_eq!(
        names,
        [
            "Item 0", "Item 10", "Item 1", "Item 11", "Item 2", "Item 3", "Item 4", "Item 5",
            "Item 6", "Item 7", "Item 8", "Item 9"
        ]
    );
    let keys: Vec<String> = canonical_entries(&v.fields)
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert!(
        keys.contains(&"pg_receipt_positions0050001name002".to_string()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"pg_receipt_positions00510011name002".to_string()),
        "{keys:?}"
    );
}

#[test]
fn pg_sig_is_dropped_at_every_level_but_keeps_its_position() {
    let script = ScriptName::new("init_payment.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    let mut inner = Fields::new();
    inner.push("b", "2").push("pg_sig", "nested").push("a", "1");
    let mut with = Fields::new();
    with.push("pg_sig", "x").push_map("m", inner);
    let mut inner = Fields::new();
    inner.push("b", "2").push("a", "1");
    let mut without = Fields::new();
    without.push_map("m", inner);
    assert_eq!(explain(&script, &with).unwrap(), "init_payment.php;1;2;***");
    assert_eq!(
        sign(&script, &with, &secret).unwrap(),
        sign(&script, &without, &secret).unwrap()
    );
    let keys: Vec<String> = canonical_entries(&with)
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert_eq!(keys, ["m002a003", "m002b001"]);
}

#[test]
fn same_name_siblings_keep_their_order() {
    // As in XML responses: <card>...</card><card>...</card>.
    let script = ScriptName::new("list").unwrap();
    let card = |token: &str| {
        let mut c = Fields::new();
        c.push("pg_card_token", token);
        c
    };
    let mut fields = Fields::new();
    fields
        .push_map("card", card("second-in-name-order"))
        .push_map("card", card("a-first"))
        .push("pg_status", "ok");
    assert_eq!(
        explain(&script, &fields).unwrap(),
        "list;second-in-name-order;a-first;ok;***"
    );
}

#[test]
fn verification_outcomes_are_kept_apart() {
    let script = ScriptName::new("result").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    let mut fields = Fields::new();
    fields
        .push("pg_status", "ok")
        .push("pg_description", "Order paid")
        .push("pg_salt", "xyz");
    assert_eq!(verify(&script, &fields, &secret), Err(VerifyError::Missing));

    let mut not_text = fields.clone();
    not_text.push_map("pg_sig", Fields::new());
    assert_eq!(
        verify(&script, &not_text, &secret),
        Err(VerifyError::NotText)
    );

    let mut upper = fields.clone();
    upper.push("pg_sig", "BC9BA7F85644B9079D7DDAA2E65E88F4");
    assert_eq!(
        verify(&script, &upper, &secret),
        Err(VerifyError::Mismatch),
        "exact string comparison"
    );

    let mut short = fields.clone();
    short.push("pg_sig", "bc9ba7f8");
    assert_eq!(verify(&script, &short, &secret), Err(VerifyError::Mismatch));

    fields.push("pg_sig", "bc9ba7f85644b9079d7ddaa2e65e88f4");
    assert_eq!(verify(&script, &fields, &secret), Ok(()));
}
