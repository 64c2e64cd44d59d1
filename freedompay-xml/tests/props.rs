//! Properties: write-then-parse is the identity, signed documents verify, any change to a value
//! breaks verification, and no input makes parsing or verifying panic.

mod common;

use freedompay_sign::{Fields, ScriptName, SecretKey, Value, sign, sign_tree};
use freedompay_xml::{
    ResponseError, VerifiedRef, WriteErrorKind, parse, parse_and_verify, parse_ref, verify_ref,
    verify_response, write, write_tree, write_tree_with_root, write_with_root,
};
use proptest::prelude::*;
use proptest::sample::Index;
use quick_xml::Reader;
use quick_xml::events::Event;

/// XML names, ASCII and not, with every kind of name character.
fn xml_name() -> impl Strategy<Value = String> + Clone {
    "[a-zA-Z_:éжḀ中][a-zA-Z0-9_:.·éжḀ中\u{300}-]{0,10}"
}

/// One character XML 1.0 can carry, with the troublesome ones often.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec!['<', '>', '&', ']', '"', '\'', '\r', '\n', '\t', ' ', ';', '#', 'ж', '№', '😀', '\u{85}', '\u{2028}']),
        2 => prop::char::range('a', 'z'),
        2 => any::<char>().prop_filter("not an XML 1.0 character", |c| {
            !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
        }),
    ]
}

fn xml_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => Just("]]>".to_owned()),
        1 => Just(" \r\n ".to_owned()),
        8 => prop::collection::vec(xml_char(), 0..24).prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// Trees of texts and non-empty maps (what XML can hold), same names allowed.
fn tree(name: impl Strategy<Value = String> + Clone + 'static) -> impl Strategy<Value = Fields> {
    let leaf = xml_text().prop_map(Value::Text);
    let inner_name = name.clone();
    let value = leaf.prop_recursive(3, 48, 5, move |inner| {
        prop::collection::vec((inner_name.clone(), inner), 1..5)
            .prop_map(|fields| Value::Map(fields.into_iter().collect()))
    });
    prop::collection::vec((name, value), 0..8).prop_map(|fields| fields.into_iter().collect())
}

/// Names the signer accepts together: letters and `_` only, so no name is another plus a
/// digit or punctuation (docs/protocol.md §2.4), and never `pg_sig`.
fn sign_name() -> impl Strategy<Value = String> + Clone {
    "[a-z_]{1,10}".prop_filter("pg_sig is the signature", |n| n != "pg_sig")
}

fn secret() -> SecretKey {
    SecretKey::new("TESTSECRET").unwrap()
}

/// A signed document: `fields` plus a salt, signed for `script` and written.
fn signed(fields: &Fields, script: &ScriptName) -> (Fields, String) {
    let mut fields = fields.clone();
    fields.push("pg_salt", "s4lt");
    let sig = sign(script, &fields, &secret()).unwrap();
    fields.push("pg_sig", sig.as_str());
    let xml = write(&fields).unwrap();
    (fields, xml)
}

/// The byte offsets of every character of every leaf's literal text in a written document
/// (references such as `&amp;` excluded: changing one of their bytes could break the markup).
fn value_char_offsets(xml: &str) -> Vec<usize> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut offsets = Vec::new();
    loop {
        let start = reader.buffer_position() as usize;
        match reader.read_event().unwrap() {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            // Inside the root, the writer puts text in leaves only.
            Event::Text(_) if depth >= 2 => {
                let end = reader.buffer_position() as usize;
                offsets.extend(xml[start..end].char_indices().map(|(i, _)| start + i));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    offsets
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn write_then_parse_is_identity(fields in tree(xml_name()), root in xml_name()) {
        let xml = write_with_root(&root, &fields).unwrap();
        let doc = parse(xml.as_bytes()).unwrap();
        prop_assert_eq!(doc.root_name(), root.as_str());
        prop_assert_eq!(doc.fields(), &fields);
    }

    #[test]
    fn a_tree_in_another_form_is_written_as_the_same_bytes(fields in tree(xml_name()), root in xml_name()) {
        // The borrowed tree of the document is a `Level` of its own.
        let xml = write_with_root(&root, &fields).unwrap();
        let borrowed = parse_ref(xml.as_bytes()).unwrap();
        prop_assert_eq!(write_tree_with_root(&root, borrowed.fields()).unwrap(), xml.as_str());
        let response = write(&fields).unwrap();
        prop_assert_eq!(write_tree(borrowed.fields()).unwrap(), response);
    }

    #[test]
    fn any_text_is_written_exactly_or_refused(text in any::<String>()) {
        let mut fields = Fields::new();
        fields.push("v", text.as_str());
        match write(&fields) {
            Ok(xml) => {
                let doc = parse(xml.as_bytes()).unwrap();
                prop_assert_eq!(doc.text("v"), Some(text.as_str()));
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), WriteErrorKind::InvalidChar);
                let forbidden = text.chars().any(|c| matches!(c,
                    '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'));
                prop_assert!(forbidden);
            }
        }
    }

    #[test]
    fn signed_documents_verify(fields in tree(sign_name())) {
        let script = ScriptName::new("get_status3.php").unwrap();
        let (signed_fields, xml) = signed(&fields, &script);
        let verified = parse_and_verify(xml.as_bytes(), &script, &secret()).unwrap();
        prop_assert_eq!(verified.fields(), &signed_fields);
        // Without its signature it is unsigned, not forged.
        let mut unsigned = signed_fields.clone();
        unsigned.remove("pg_sig");
        let doc = parse(write(&unsigned).unwrap().as_bytes()).unwrap();
        prop_assert!(matches!(verify_response(doc, &script, &secret()), Err(ResponseError::Unsigned(_))));
    }

    #[test]
    fn the_borrowed_tree_reads_signs_and_verifies_as_the_owned_one(
        fields in tree(xml_name()),
        signature in prop_oneof![Just(None), Just(Some(false)), Just(Some(true))],
    ) {
        let script = ScriptName::new("get_status3.php").unwrap();
        let mut fields = fields;
        match (signature, sign(&script, &fields, &secret())) {
            (Some(true), Ok(sig)) => { fields.push("pg_sig", sig.as_str()); }
            (Some(_), _) => { fields.push("pg_sig", "0123456789abcdef0123456789abcdef"); }
            (None, _) => {}
        }
        let xml = write(&fields).unwrap();
        let borrowed = parse_ref(xml.as_bytes()).unwrap();
        let owned = parse(xml.as_bytes()).unwrap();
        prop_assert_eq!(&borrowed.to_document(), &owned);
        prop_assert_eq!(borrowed.fields().to_fields(), owned.fields().clone());
        prop_assert_eq!(
            sign_tree(&script, borrowed.fields(), &secret()),
            sign(&script, owned.fields(), &secret())
        );
        prop_assert_eq!(
            verify_ref(borrowed, &script, &secret()).map(VerifiedRef::into_verified),
            verify_response(owned, &script, &secret())
        );
    }

    #[test]
    fn changing_any_value_byte_breaks_verification(fields in tree(sign_name()), at in any::<Index>()) {
        let script = ScriptName::new("result").unwrap();
        let (_, xml) = signed(&fields, &script);
        let offsets = value_char_offsets(&xml);
        // The salt and the signature are always there.
        prop_assert!(!offsets.is_empty());
        let offset = offsets[at.index(offsets.len())];
        let old = xml[offset..].chars().next().unwrap();
        let new = if old == 'a' { 'b' } else { 'a' };
        let mut altered = String::with_capacity(xml.len());
        altered.push_str(&xml[..offset]);
        altered.push(new);
        altered.push_str(&xml[offset + old.len_utf8()..]);
        prop_assert_ne!(&altered, &xml);
        prop_assert_eq!(parse_and_verify(altered.as_bytes(), &script, &secret()), Err(ResponseError::Mismatch));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_no_panic(&bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..4,
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let name = ["get_status3_full.xml", "cdata.xml", "entities.xml", "odd_but_valid.xml"][which];
        let mut bytes = common::fixture(name);
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => { bytes.remove(i); }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => bytes.push(byte),
            }
        }
        check_no_panic(&bytes);
    }
}

/// What the fuzz target does: parse, verify, and for a document that can be written, check
/// that it reads back the same.
fn check_no_panic(bytes: &[u8]) {
    let Ok(doc) = parse(bytes) else { return };
    if let Ok(xml) = write_with_root(doc.root_name(), doc.fields()) {
        assert_eq!(parse(xml.as_bytes()).unwrap().fields(), doc.fields());
    }
    let script = ScriptName::new("get_status3.php").unwrap();
    let _ = verify_response(doc, &script, &secret());
}
