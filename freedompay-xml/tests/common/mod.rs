//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;
use std::path::PathBuf;

use freedompay_sign::{Fields, Value};
use freedompay_xml::Document;

/// The bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// An explicit rendering of a parsed document for snapshots (`Debug` of `Fields` hides texts
/// on purpose): one line per field, indented by depth, texts quoted and escaped.
pub fn render(doc: &Document) -> String {
    let mut out = format!("<{}>\n", doc.root_name());
    if let Some(text) = doc.root_text() {
        writeln!(out, "  (root text) {text:?}").unwrap();
    }
    render_fields(&mut out, doc.fields(), 1);
    out
}

pub fn render_fields(out: &mut String, fields: &Fields, depth: usize) {
    for field in fields {
        let indent = "  ".repeat(depth);
        match field.value() {
            Value::Text(text) => writeln!(out, "{indent}{} = {text:?}", field.name()).unwrap(),
            Value::Map(map) => {
                writeln!(out, "{indent}{}:", field.name()).unwrap();
                render_fields(out, map, depth + 1);
            }
            Value::List(items) => {
                writeln!(out, "{indent}{} = <list of {}>", field.name(), items.len()).unwrap()
            }
        }
    }
}
