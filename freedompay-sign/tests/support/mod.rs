//! Test support: the `.vector` files of `tests/vectors/sign/` and a builder of trees from
//! bracket-notation lines (`pg_receipt_positions[0][name]=Mouse pad`), numeric segments making
//! lists, as PHP's `parse_str` does.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use freedompay_sign::{Fields, Value};

/// One signing vector.
pub(crate) struct Vector {
    pub(crate) file: PathBuf,
    pub(crate) script: String,
    pub(crate) secret: String,
    pub(crate) canonical: String,
    pub(crate) signature: String,
    pub(crate) fields: Fields,
}

pub(crate) fn vectors() -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sign");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("vector directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "vector"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the golden vectors in {}",
        dir.display()
    );
    files.into_iter().map(|f| read_vector(&f)).collect()
}

/// The path of `tests/vectors/sign/NAME.vector`.
pub(crate) fn vector_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/vectors/sign/{name}.vector"))
}

pub(crate) fn read_vector(file: &Path) -> Vector {
    let text = std::fs::read_to_string(file).expect("vector file");
    let mut header = std::collections::HashMap::new();
    let mut lines = text.lines();
    for line in lines.by_ref() {
        if line == "fields:" {
            break;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(": ")
            .unwrap_or((line.trim_end_matches(':'), ""));
        header.insert(key.to_string(), value.to_string());
    }
    let fields = fields_from_lines(lines);
    let get = |k: &str| {
        header
            .get(k)
            .cloned()
            .unwrap_or_else(|| panic!("{k} in {}", file.display()))
    };
    Vector {
        file: file.to_path_buf(),
        script: get("script"),
        secret: get("secret"),
        canonical: get("canonical"),
        signature: get("signature"),
        fields,
    }
}

/// Builds a tree from `name[a][0][b]=value` lines.
pub(crate) fn fields_from_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Fields {
    let mut fields = Fields::new();
    for line in lines {
        let (name, value) = line.split_once('=').expect("name=value");
        let mut segments: Vec<&str> = Vec::new();
        let (first, rest) = name.split_once('[').map_or((name, ""), |(a, b)| (a, b));
        segments.push(first);
        if !rest.is_empty() {
            let rest = rest.strip_suffix(']').expect("closing bracket");
            segments.extend(rest.split("]["));
        }
        insert_fields(&mut fields, &segments, value);
    }
    fields
}

fn is_index(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

fn insert_fields(fields: &mut Fields, segments: &[&str], value: &str) {
    let (name, rest) = (segments[0], &segments[1..]);
    if rest.is_empty() {
        fields.push(name, value);
        return;
    }
    let container = fields
        .iter_mut()
        .rev()
        .find(|f| f.name() == name && f.text().is_none());
    match container {
        Some(field) => insert_value(field.value_mut(), rest, value),
        None => {
            let mut container = if is_index(rest[0]) {
                Value::List(Vec::new())
            } else {
                Value::Map(Fields::new())
            };
            insert_value(&mut container, rest, value);
            fields.push_value(name, container);
        }
    }
}

fn insert_value(container: &mut Value, segments: &[&str], value: &str) {
    match container {
        Value::Map(map) => insert_fields(map, segments, value),
        Value::List(items) => {
            let index: usize = segments[0].parse().expect("list index");
            assert!(index <= items.len(), "list indices must come in order");
            let rest = &segments[1..];
            if index == items.len() {
                items.push(if rest.is_empty() {
                    Value::Text(String::new())
                } else if is_index(rest[0]) {
                    Value::List(Vec::new())
                } else {
                    Value::Map(Fields::new())
                });
            }
            if rest.is_empty() {
                items[index] = Value::Text(value.to_string());
            } else {
                insert_value(&mut items[index], rest, value);
            }
        }
        Value::Text(_) => panic!("a text cannot hold children"),
    }
}
