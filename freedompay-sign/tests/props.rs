//! Properties of the canonicalisation, checked over generated trees. The literal port of the
//! reference algorithm (`canonical_entries`) is the oracle for the fast path.

use freedompay_sign::{
    Field, Fields, ScriptName, SecretKey, SignError, Value, VerifyError, canonical_entries,
    fast_order, sign, verify,
};
use proptest::prelude::*;

/// Names that never make the order ambiguous: letters and `_` only (a prefix followed by `_`
/// or a letter sorts the same both ways). A small alphabet gives duplicates and prefixes.
fn safe_name() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[ab_]{1,3}", 1 => "pg_[a-z_]{1,6}", 1 => "[A-Z][a-z]{0,3}"]
}

/// Any names at all, including empty, numeric, digits after prefixes, non-ASCII.
fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[ab1-]{0,3}", 1 => "\\PC{0,4}", 1 => "[0-9.+ ]{1,3}"]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-z0-9;]{0,6}", 1 => "\\PC{0,8}", 1 => Just(String::new())]
}

fn tree() -> impl Strategy<Value = Fields> {
    let leaf = text().prop_map(Value::Text);
    let value = leaf.prop_recursive(3, 40, 13, |inner| {
        prop_oneof![
            prop::collection::vec((safe_name(), inner.clone()), 0..6)
                .prop_map(|entries| Value::Map(entries.into_iter().collect())),
            prop::collection::vec(inner, 0..14).prop_map(Value::List),
        ]
    });
    prop::collection::vec((safe_name(), value), 0..8)
        .prop_map(|entries| entries.into_iter().collect())
}

fn any_tree() -> impl Strategy<Value = Fields> {
    let leaf = text().prop_map(Value::Text);
    let value = leaf.prop_recursive(3, 40, 13, |inner| {
        prop_oneof![
            prop::collection::vec((any_name(), inner.clone()), 0..6)
                .prop_map(|entries| Value::Map(entries.into_iter().collect())),
            prop::collection::vec(inner, 0..14).prop_map(Value::List),
        ]
    });
    prop::collection::vec((any_name(), value), 0..8)
        .prop_map(|entries| entries.into_iter().collect())
}

fn script() -> ScriptName {
    ScriptName::new("init_payment.php").unwrap()
}

fn secret() -> SecretKey {
    SecretKey::new("TESTSECRET").unwrap()
}

/// The leaves of a tree as mutable references, in tree order.
fn leaves_mut(fields: &mut Fields) -> Vec<&mut String> {
    fn walk<'a>(value: &'a mut Value, out: &mut Vec<&'a mut String>) {
        match value {
            Value::Text(t) => out.push(t),
            Value::Map(m) => m.iter_mut().for_each(|f| walk(f.value_mut(), out)),
            Value::List(items) => items.iter_mut().for_each(|v| walk(v, out)),
        }
    }
    let mut out = Vec::new();
    fields
        .iter_mut()
        .for_each(|f| walk(f.value_mut(), &mut out));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The fast path and the literal algorithm agree on every tree, errors included.
    #[test]
    fn fast_path_matches_the_literal_algorithm(fields in any_tree()) {
        let literal = canonical_entries(&fields).map(|e| e.into_iter().map(|e| e.value.to_string()).collect::<Vec<_>>());
        let fast = fast_order(&fields).map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
        // With several refused names in one tree, the two may name different ones first.
        match (fast, literal) {
            (Ok(fast), Ok(literal)) => prop_assert_eq!(fast, literal),
            (Err(_), Err(_)) => {}
            (fast, literal) => prop_assert!(false, "fast {fast:?} vs literal {literal:?}"),
        }
    }

    /// The signature is MD5 (the `md-5` crate, all at once) of the literal canonical string,
    /// whatever its length: the signer's own block handling and padding agree with it.
    #[test]
    fn sign_is_md5_of_the_literal_canonical_string(fields in tree(), key in "[A-Za-z0-9]{1,90}") {
        let secret = SecretKey::new(key.as_str()).unwrap();
        let sig = sign(&script(), &fields, &secret).unwrap();
        prop_assert_eq!(sig.as_str(), literal_md5(&fields, &key));
    }

    /// No tree, whatever its names, makes signing panic.
    #[test]
    fn signing_never_panics(fields in any_tree()) {
        let _ = sign(&script(), &fields, &secret());
    }

    /// Sign, then verify.
    #[test]
    fn sign_then_verify(fields in tree()) {
        let sig = sign(&script(), &fields, &secret()).unwrap();
        let mut signed = fields.clone();
        signed.push("pg_sig", sig.as_str());
        prop_assert_eq!(verify(&script(), &signed, &secret()), Ok(()));
    }

    /// The order in which differently named fields are added does not matter; same-name
    /// fields keep theirs.
    #[test]
    fn order_of_differently_named_fields_does_not_matter(fields in tree(), seed in any::<u64>()) {
        let entries: Vec<Field> = fields.clone().into_iter().collect();
        // A stable sort by a random key per *name* moves names around but keeps the relative
        // order of fields that share a name.
        let key = |name: &str| {
            let mut h = seed;
            for b in name.bytes() { h = h.wrapping_mul(0x100000001b3).wrapping_add(u64::from(b)); }
            h
        };
        let mut shuffled = entries.clone();
        shuffled.sort_by_key(|f| key(f.name()));
        let shuffled = Fields::from(shuffled);
        prop_assert_eq!(sign(&script(), &fields, &secret()).unwrap(), sign(&script(), &shuffled, &secret()).unwrap());
    }

    /// Swapping two same-name fields with different values changes the signature.
    #[test]
    fn same_name_fields_keep_their_order(a in "[a-z]{1,5}", b in "[a-z]{1,5}", other in "[a-z]{0,5}") {
        prop_assume!(a != b);
        let mut first = Fields::new();
        first.push("pg_x", other.as_str()).push("item", a.as_str()).push("item", b.as_str());
        let mut second = Fields::new();
        second.push("pg_x", other.as_str()).push("item", b.as_str()).push("item", a.as_str());
        prop_assert_ne!(sign(&script(), &first, &secret()).unwrap(), sign(&script(), &second, &secret()).unwrap());
    }

    /// Changing any value, the script or the secret, or adding or dropping a field, breaks
    /// verification.
    #[test]
    fn tampering_is_detected(fields in tree(), pick in any::<prop::sample::Index>(), extra in "[a-z]{0,4}") {
        let sig = sign(&script(), &fields, &secret()).unwrap();
        let mut signed = fields.clone();
        signed.push("pg_sig", sig.as_str());

        // Another value at one leaf.
        let mut tampered = fields.clone();
        let mut leaves = leaves_mut(&mut tampered);
        if !leaves.is_empty() {
            let leaf = pick.get_mut(&mut leaves);
            leaf.push('x');
            let mut t = tampered.clone();
            t.push("pg_sig", sig.as_str());
            prop_assert_eq!(verify(&script(), &t, &secret()), Err(VerifyError::Mismatch));
        }

        // One more field (even an empty one adds a segment).
        let mut added = signed.clone();
        added.push("zz_added", extra.as_str());
        prop_assert_eq!(verify(&script(), &added, &secret()), Err(VerifyError::Mismatch));

        // One field fewer.
        if let Some(first) = fields.iter().next().map(|f| f.name().to_string()) {
            let mut dropped = signed.clone();
            dropped.remove(&first);
            if canonical_entries(&dropped).unwrap().len() != canonical_entries(&signed).unwrap().len() {
                prop_assert_eq!(verify(&script(), &dropped, &secret()), Err(VerifyError::Mismatch));
            }
        }

        prop_assert_eq!(verify(&ScriptName::new("init_payment.phq").unwrap(), &signed, &secret()), Err(VerifyError::Mismatch));
        prop_assert_eq!(verify(&script(), &signed, &SecretKey::new("TESTSECRET ").unwrap()), Err(VerifyError::Mismatch));
    }

    /// Renaming a field breaks verification whenever it changes the order of the values.
    /// (Names themselves are not hashed by FreedomPay's algorithm: see `renaming_in_place`.)
    #[test]
    fn renaming_that_reorders_is_detected(v1 in "[a-z]{1,4}", v2 in "[a-z]{1,4}") {
        prop_assume!(v1 != v2);
        let mut fields = Fields::new();
        fields.push("pg_amount", v1.as_str()).push("pg_description", v2.as_str());
        let sig = sign(&script(), &fields, &secret()).unwrap();
        let mut renamed = Fields::new();
        renamed.push("pg_zmount", v1.as_str()).push("pg_description", v2.as_str()).push("pg_sig", sig.as_str());
        prop_assert_eq!(verify(&script(), &renamed, &secret()), Err(VerifyError::Mismatch));
    }

    /// Any top-level name starting like a number is refused, never signed.
    #[test]
    fn numeric_names_are_refused(name in "[0-9+.-][a-z0-9]{0,3}") {
        let mut fields = Fields::new();
        fields.push(name.as_str(), "1");
        prop_assert_eq!(sign(&script(), &fields, &secret()), Err(SignError::NumericName { name }));
    }
}

/// FreedomPay's algorithm hashes values in key order, not the keys: a rename that keeps the
/// order verifies. The typed layers read fields by name only after verification, so a
/// renamed field is then simply missing; this test pins the limitation down.
#[test]
fn renaming_in_place() {
    let mut fields = Fields::new();
    fields.push("pg_amount", "10").push("pg_salt", "s");
    let sig = sign(&script(), &fields, &secret()).unwrap();
    let mut renamed = Fields::new();
    renamed
        .push("pg_amount_x", "10")
        .push("pg_salt", "s")
        .push("pg_sig", sig.as_str());
    assert_eq!(verify(&script(), &renamed, &secret()), Ok(()));
}

/// MD5 in lowercase hex of `script;values...;secret`, the values from `canonical_entries`.
fn literal_md5(fields: &Fields, secret: &str) -> String {
    use md5::{Digest, Md5};
    let mut text = String::from("init_payment.php");
    for entry in canonical_entries(fields).unwrap() {
        text.push(';');
        text.push_str(entry.value);
    }
    text.push(';');
    text.push_str(secret);
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every length of canonical string around the 64-byte blocks, with short and long values.
#[test]
fn every_length_hashes_like_md5() {
    for len in 0..300 {
        for piece in [1, 7, 16, 17, 63, 64, 65, 200] {
            let mut fields = Fields::new();
            let value = "x".repeat(len);
            for (i, chunk) in value.as_bytes().chunks(piece).enumerate() {
                fields.push(format!("f{i:03}"), std::str::from_utf8(chunk).unwrap());
            }
            for secret in ["K", "SECRET_0123456789", &"s".repeat(70)] {
                let key = SecretKey::new(secret).unwrap();
                assert_eq!(
                    sign(&script(), &fields, &key).unwrap().as_str(),
                    literal_md5(&fields, secret),
                    "{len} bytes in pieces of {piece}, secret of {}",
                    secret.len()
                );
            }
        }
    }
}
