//! Names that make the reference ordering ambiguous (docs/protocol.md §2.4) are refused with a
//! clear error; names that are merely unusual are not.

mod support;

use freedompay_sign::{Fields, ScriptName, SecretKey, SignError, sign};

fn sign_lines(lines: &[&str]) -> Result<String, SignError> {
    let fields = support::fields_from_lines(lines.iter().copied());
    sign(
        &ScriptName::new("init_payment.php").unwrap(),
        &fields,
        &SecretKey::new("k").unwrap(),
    )
    .map(|s| s.to_string())
}

#[test]
fn empty_names_are_refused_at_any_level() {
    let mut fields = Fields::new();
    fields.push("", "x");
    let err = sign(
        &ScriptName::new("s").unwrap(),
        &fields,
        &SecretKey::new("k").unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        SignError::EmptyName {
            path: String::new()
        }
    );
    assert_eq!(err.to_string(), "a field has an empty name");

    let mut inner = Fields::new();
    inner.push("", "x");
    let mut item = Fields::new();
    item.push_map("customer", inner);
    let mut fields = Fields::new();
    fields.push_list("pg_receipt", [item]);
    let err = sign(
        &ScriptName::new("s").unwrap(),
        &fields,
        &SecretKey::new("k").unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        SignError::EmptyName {
            path: "pg_receipt[0][customer]".into()
        }
    );
    assert!(err.to_string().contains("pg_receipt[0][customer]"));
}

#[test]
fn top_level_names_that_start_like_numbers_are_refused() {
    for name in [
        "10",
        "9",
        "1e3",
        "+1",
        "-x",
        ".5",
        " pg_amount",
        "\tx",
        "0abc",
    ] {
        let mut fields = Fields::new();
        fields.push("pg_amount", "1").push(name, "v");
        let err = sign(
            &ScriptName::new("s").unwrap(),
            &fields,
            &SecretKey::new("k").unwrap(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            SignError::NumericName { name: name.into() },
            "{name:?}"
        );
    }
    // Nested numeric names are prefixed by their parent's key, so PHP keeps them strings.
    let mut customer = Fields::new();
    customer.push("10", "a").push("9", "b");
    let mut receipt = Fields::new();
    receipt.push_map("customer", customer);
    let mut fields = Fields::new();
    fields.push_map("pg_receipt", receipt);
    assert!(
        sign(
            &ScriptName::new("s").unwrap(),
            &fields,
            &SecretKey::new("k").unwrap()
        )
        .is_ok()
    );
}

#[test]
fn a_name_followed_by_a_digit_or_punctuation_is_ambiguous() {
    for (shorter, longer) in [
        ("pg_param", "pg_param1"),
        ("key", "key-x"),
        ("key", "key.x"),
        ("a", "a "),
        ("order", "order0"),
    ] {
        let lines = [
            format!("{longer}=1"),
            "pg_amount=2".to_string(),
            format!("{shorter}=3"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let err = sign_lines(&lines).unwrap_err();
        assert_eq!(
            err,
            SignError::AmbiguousNames {
                path: String::new(),
                shorter: shorter.into(),
                longer: longer.into()
            },
            "{shorter} / {longer}"
        );
    }
    // Inside a map too, with the path in the error.
    let err = sign_lines(&[
        "pg_receipt[customer][mail]=a",
        "pg_receipt[customer][mail2]=b",
    ])
    .unwrap_err();
    assert_eq!(
        err,
        SignError::AmbiguousNames {
            path: "pg_receipt[customer]".into(),
            shorter: "mail".into(),
            longer: "mail2".into()
        }
    );
    assert!(
        err.to_string()
            .contains("`mail` and `mail2` inside `pg_receipt[customer]`"),
        "{err}"
    );
}

#[test]
fn prefixes_followed_by_letters_or_underscore_are_fine() {
    // Real gateway names: pg_user / pg_user_id, pg_card / pg_card_token, pg_param1 / pg_param2.
    assert!(
        sign_lines(&[
            "pg_user=a",
            "pg_user_id=b",
            "pg_param1=c",
            "pg_param2=d",
            "pg_paramX=e"
        ])
        .is_ok()
    );
    // A list of 11+ items is not ambiguous: its order is the reference's (0, 10, 1, ...).
    let items: Vec<String> = (0..12).map(|i| format!("items[{i}]=v{i}")).collect();
    let items: Vec<&str> = items.iter().map(String::as_str).collect();
    assert!(sign_lines(&items).is_ok());
}

#[test]
fn too_deep_trees_are_refused_without_overflowing_the_stack() {
    let mut fields = Fields::new();
    fields.push("leaf", "x");
    for _ in 0..10_000 {
        let mut outer = Fields::new();
        outer.push_map("n", fields);
        fields = outer;
    }
    let err = sign(
        &ScriptName::new("s").unwrap(),
        &fields,
        &SecretKey::new("k").unwrap(),
    )
    .unwrap_err();
    assert_eq!(err, SignError::TooDeep);
    assert_eq!(
        freedompay_sign::canonical_entries(&fields).unwrap_err(),
        SignError::TooDeep
    );
    // Dropping a 10,000-deep tree is recursive too; keep it alive past the test's end instead
    // of relying on the stack of the test thread.
    std::mem::forget(fields);
}
