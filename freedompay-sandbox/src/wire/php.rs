//! PHP's way of turning form names into nested arrays (`php_register_variable_ex`, used by
//! `$_POST`, `$_GET` and `parse_str`), and the message tree it becomes.
//!
//! * `a[b][0]=x` nests; `a[]=x` appends (next integer key); a repeated name overwrites the
//!   earlier value in its original position; a scalar followed by `a[k]` becomes an array.
//! * In the top-level name, leading spaces are dropped and `' '` and `'.'` become `_`; a `[`
//!   without a closing `]` becomes `_` (and so do later `' '`, `'.'`, `'['`).
//! * Text after a closing `]` that does not open another `[` is ignored (`a[b]c` is `a[b]`).
//! * Keys that are canonical decimal integers are integer keys (`"01"` stays a string).
//! * Deeper than 64 levels, the variable is dropped (PHP's `max_input_nesting_level`).
//!
//! An array whose keys are exactly `0, 1, …, n-1` in that order becomes a
//! [`Value::List`]; any other becomes a [`Value::Map`] in insertion order, which the reference
//! canonicalisation flattens to the same keys PHP would.

use std::collections::HashMap;

use freedompay_sign::{Fields, Value};

const MAX_NESTING: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    fn from_text(text: &str) -> Key {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && text != "-0";
        match text.parse::<i64>() {
            Ok(n) if canonical => Key::Int(n),
            _ => Key::Str(text.to_owned()),
        }
    }

    fn name(&self) -> String {
        match self {
            Key::Int(n) => n.to_string(),
            Key::Str(s) => s.clone(),
        }
    }
}

#[derive(Debug)]
enum Node {
    Leaf(String),
    Array(PhpArray),
}

/// An ordered PHP array under construction.
#[derive(Debug, Default)]
pub(crate) struct PhpArray {
    entries: Vec<(Key, Node)>,
    index: HashMap<Key, usize>,
    next_free: Option<i64>,
}

impl PhpArray {
    /// Builds the array of a whole request from its decoded `(name, value)` pairs.
    pub(crate) fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut root = PhpArray::default();
        for (name, value) in pairs {
            root.register(&name, value);
        }
        root
    }

    /// The message tree.
    pub(crate) fn into_fields(self) -> Fields {
        let mut fields = Fields::with_capacity(self.entries.len());
        for (key, node) in self.entries {
            fields.push_value(key.name(), node.into_value());
        }
        fields
    }

    fn next_key(&mut self) -> Key {
        Key::Int(self.next_free.unwrap_or(0))
    }

    fn note_int(&mut self, key: &Key) {
        if let Key::Int(n) = key {
            let next = n.saturating_add(1);
            if self.next_free.is_none_or(|free| next > free) {
                self.next_free = Some(next);
            }
        }
    }

    /// Sets `key` to `node`, keeping the position of an existing entry.
    fn update(&mut self, key: Key, node: Node) {
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = node,
            None => {
                self.note_int(&key);
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, node));
            }
        }
    }

    /// The array at `key` (`None`: a new appended element), created or replacing a scalar.
    fn child_array(&mut self, key: Option<Key>) -> &mut PhpArray {
        let key = key.unwrap_or_else(|| self.next_key());
        let position = match self.index.get(&key) {
            Some(&i) => {
                if !matches!(self.entries[i].1, Node::Array(_)) {
                    self.entries[i].1 = Node::Array(PhpArray::default());
                }
                i
            }
            None => {
                self.update(key.clone(), Node::Array(PhpArray::default()));
                self.entries.len() - 1
            }
        };
        match &mut self.entries[position].1 {
            Node::Array(array) => array,
            // Made an array just above.
            Node::Leaf(_) => unreachable!("child_array holds an array"),
        }
    }

    fn register(&mut self, raw_name: &str, value: String) {
        let name = raw_name.trim_start_matches(' ');
        let Some(open) = name.find('[') else {
            let base = sanitize(name, false);
            if !base.is_empty() {
                self.update(Key::from_text(&base), Node::Leaf(value));
            }
            return;
        };
        let mut base = sanitize(&name[..open], false);
        if base.is_empty() {
            return;
        }
        // The bracketed keys; `None` is `[]`.
        let mut keys: Vec<Option<String>> = Vec::new();
        let mut rest = &name[open..];
        loop {
            let inner = &rest[1..];
            if let Some(after) = inner.strip_prefix(']') {
                keys.push(None);
                rest = after;
            } else if let Some(close) = inner.find(']') {
                keys.push(Some(inner[..close].to_owned()));
                rest = &inner[close + 1..];
            } else if keys.is_empty() {
                // `a[b` is the plain variable `a_b`.
                base.push('_');
                base.push_str(&sanitize(inner, true));
                self.update(Key::from_text(&base), Node::Leaf(value));
                return;
            } else {
                break;
            }
            if !rest.starts_with('[') {
                break;
            }
        }
        if keys.len() >= MAX_NESTING {
            return;
        }
        let mut level = self.child_array(Some(Key::from_text(&base)));
        let last = keys.len() - 1;
        for (i, key) in keys.into_iter().enumerate() {
            let key = key.map(|k| Key::from_text(&k));
            if i == last {
                let key = key.unwrap_or_else(|| level.next_key());
                level.update(key, Node::Leaf(value));
                return;
            }
            level = level.child_array(key);
        }
    }
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(text) => Value::Text(text),
            Node::Array(array) => {
                let packed = array
                    .entries
                    .iter()
                    .enumerate()
                    .all(|(i, (key, _))| *key == Key::Int(i as i64));
                if packed && !array.entries.is_empty() {
                    Value::List(
                        array
                            .entries
                            .into_iter()
                            .map(|(_, n)| n.into_value())
                            .collect(),
                    )
                } else {
                    Value::Map(array.into_fields())
                }
            }
        }
    }
}

/// PHP's renaming of variable names: `' '` and `'.'` (and, after an unclosed `[`, `'['`) to `_`.
fn sanitize(name: &str, brackets_too: bool) -> String {
    name.chars()
        .map(|c| match c {
            ' ' | '.' => '_',
            '[' if brackets_too => '_',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(pairs: &[(&str, &str)]) -> Fields {
        PhpArray::from_pairs(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())))
            .into_fields()
    }

    #[test]
    fn nested_lists_and_maps() {
        let f = tree(&[
            ("pg_receipt_positions[0][count]", "2"),
            ("pg_receipt_positions[0][name]", "Mouse pad"),
            ("pg_receipt_positions[1][count]", "1"),
            ("pg_receipt[customer][email]", "a@b.kz"),
        ]);
        let list = f
            .get("pg_receipt_positions")
            .and_then(Value::as_list)
            .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].as_map().unwrap().text("name"), Some("Mouse pad"));
        let receipt = f.get("pg_receipt").and_then(Value::as_map).unwrap();
        assert_eq!(
            receipt
                .get("customer")
                .and_then(Value::as_map)
                .unwrap()
                .text("email"),
            Some("a@b.kz")
        );
    }

    #[test]
    fn appends_overwrites_and_renames() {
        let f = tree(&[
            ("a[]", "x"),
            ("a[]", "y"),
            ("b", "1"),
            ("c.d e", "2"),
            ("b", "3"),
            ("x[y", "4"),
            ("k[z]tail", "5"),
        ]);
        assert_eq!(
            f.get("a").and_then(Value::as_list).map(<[Value]>::len),
            Some(2)
        );
        let names: Vec<&str> = f.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["a", "b", "c_d_e", "x_y", "k"]);
        assert_eq!(f.text("b"), Some("3"));
        assert_eq!(
            f.get("k").and_then(Value::as_map).unwrap().text("z"),
            Some("5")
        );
    }

    #[test]
    fn unordered_numeric_keys_stay_a_map_in_order() {
        let f = tree(&[("a[1]", "x"), ("a[0]", "y"), ("b[01]", "z")]);
        let a = f.get("a").and_then(Value::as_map).unwrap();
        let names: Vec<&str> = a.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["1", "0"]);
        assert!(f.get("b").and_then(Value::as_map).is_some());
    }

    #[test]
    fn scalar_becomes_array() {
        let f = tree(&[("a", "1"), ("a[b]", "2")]);
        assert_eq!(
            f.get("a").and_then(Value::as_map).unwrap().text("b"),
            Some("2")
        );
    }
}
