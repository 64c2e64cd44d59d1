//! Arbitrary bytes as a received message: the first line is a URL (for the script name), the
//! rest `name=value` lines in bracket notation; verification must answer, never panic.
#![no_main]

use freedompay_sign::{Fields, ScriptName, SecretKey, Signature, Value, verify};
use libfuzzer_sys::fuzz_target;

/// `a[b][0]=v` into the tree (a small, lenient version of what a form decoder does).
fn insert(fields: &mut Fields, segments: &[&str], text: &str) {
    let Some((first, rest)) = segments.split_first() else { return };
    if rest.is_empty() {
        fields.push(*first, text);
        return;
    }
    let last = fields.iter_mut().rev().find(|f| f.name() == *first).map(|f| f.value_mut());
    match last {
        Some(Value::Map(inner)) => insert(inner, rest, text),
        _ => {
            let mut inner = Fields::new();
            insert(&mut inner, rest, text);
            fields.push_map(*first, inner);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lines = text.split('\n');
    let url = lines.next().unwrap_or_default();
    let _ = url.parse::<Signature>();
    let Ok(script) = ScriptName::from_url(url) else { return };
    let mut fields = Fields::new();
    for line in lines.take(2000) {
        let (name, value) = line.split_once('=').unwrap_or((line, ""));
        let segments: Vec<&str> = name.split(['[', ']']).filter(|s| !s.is_empty()).collect();
        insert(&mut fields, &segments, value);
    }
    let secret = SecretKey::new("TESTSECRET").expect("non-empty");
    let _ = verify(&script, &fields, &secret);
});
