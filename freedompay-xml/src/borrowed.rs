//! A parsed document that borrows from the input: names and texts are slices of the bytes
//! that arrived, and only a text that needed decoding (an entity, a character reference,
//! CDATA next to text, a carriage return) is allocated. The whole tree lives in one arena.

use std::borrow::Cow;
use std::fmt;

use freedompay_sign::{Field, Fields, Level, Node, Value};

use crate::Document;

/// One element of the arena: its name and its text or the range of its children.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: EntryValue<'a>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum EntryValue<'a> {
    Text(Cow<'a, str>),
    /// The children are `entries[start..end]` of the arena.
    Map {
        start: usize,
        end: usize,
    },
}

/// A parsed XML document that borrows its names and texts from the input: what
/// [`parse_ref`](crate::parse_ref) returns, read like a [`Document`] without building one.
///
/// It maps elements to fields exactly as [`Document`] does (and [`DocumentRef::to_document`]
/// gives that [`Document`]). Parsing into it allocates a few buffers for the whole tree plus
/// one string per text that had to be decoded; a typical response needs no more than that.
/// Its `Debug` output shows names and shapes but no text.
///
/// ```
/// let body = b"<response><pg_status>ok</pg_status><pg_payment_id>42</pg_payment_id></response>";
/// let doc = freedompay_xml::parse_ref(body)?;
/// assert_eq!(doc.root_name(), "response");
/// assert_eq!(doc.text("pg_payment_id"), Some("42"));
/// assert_eq!(doc.to_document(), freedompay_xml::parse(body)?);
/// # Ok::<(), freedompay_xml::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentRef<'a> {
    pub(crate) root_name: &'a str,
    pub(crate) entries: Vec<Entry<'a>>,
    /// The root's children: `entries[start..end]`.
    pub(crate) root: (usize, usize),
    pub(crate) root_text: Option<Cow<'a, str>>,
}

impl<'a> DocumentRef<'a> {
    /// The name of the root element (`response`, `root`, `request`...).
    pub fn root_name(&self) -> &'a str {
        self.root_name
    }

    /// The root element's children as a message tree (empty when it has none).
    pub fn fields(&self) -> FieldsRef<'_> {
        FieldsRef {
            entries: &self.entries,
            start: self.root.0,
            end: self.root.1,
        }
    }

    /// The text of the first top-level field with this name, when it is a leaf.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields().text(name)
    }

    /// The root element's own text when it has no child elements, `None` when it has some
    /// (see [`Document::root_text`]).
    pub fn root_text(&self) -> Option<&str> {
        self.root_text.as_deref()
    }

    /// The same document, owned.
    pub fn to_document(&self) -> Document {
        Document {
            root_name: self.root_name.to_owned(),
            fields: self.fields().to_fields(),
            root_text: self.root_text.as_deref().map(str::to_owned),
        }
    }

    /// The same document, owned; the texts that were already decoded are moved, not copied.
    pub fn into_document(mut self) -> Document {
        let fields = owned_fields(&mut self.entries, self.root.0, self.root.1);
        Document {
            root_name: self.root_name.to_owned(),
            fields,
            root_text: self.root_text.map(Cow::into_owned),
        }
    }
}

/// The fields of `entries[start..end]`, moved out of the arena.
fn owned_fields(entries: &mut [Entry<'_>], start: usize, end: usize) -> Fields {
    let mut fields = Vec::with_capacity(end - start);
    for index in start..end {
        let name = entries[index].name;
        let value = match &mut entries[index].value {
            EntryValue::Text(text) => Value::Text(std::mem::take(text).into_owned()),
            &mut EntryValue::Map { start, end } => Value::Map(owned_fields(entries, start, end)),
        };
        fields.push(Field::new(name, value));
    }
    Fields::from(fields)
}

impl fmt::Debug for DocumentRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("DocumentRef");
        s.field("root_name", &self.root_name)
            .field("fields", &self.fields());
        if let Some(text) = &self.root_text {
            s.field("root_text", &format_args!("<{} bytes>", text.len()));
        }
        s.finish()
    }
}

/// One level of a [`DocumentRef`]: its fields in document order, same-name siblings kept
/// apart, as [`Fields`] holds them. A cheap `Copy` handle.
///
/// It is a [`freedompay_sign::Level`], so [`freedompay_sign::sign_tree`] signs it as
/// [`freedompay_sign::sign`] signs the same [`Fields`].
#[derive(Clone, Copy)]
pub struct FieldsRef<'d> {
    entries: &'d [Entry<'d>],
    start: usize,
    end: usize,
}

/// A value in a [`FieldsRef`]: a text leaf or a nested level (XML has no lists).
///
/// Like [`Value`], its `Debug` output shows a text's length, not the text.
#[derive(Clone, Copy)]
pub enum ValueRef<'d> {
    /// A text leaf, decoded.
    Text(&'d str),
    /// An element with child elements.
    Map(FieldsRef<'d>),
}

impl<'d> ValueRef<'d> {
    /// The text of a leaf, `None` for a map.
    pub fn as_text(self) -> Option<&'d str> {
        match self {
            ValueRef::Text(text) => Some(text),
            ValueRef::Map(_) => None,
        }
    }

    /// The nested level of a map, `None` for a text.
    pub fn as_map(self) -> Option<FieldsRef<'d>> {
        match self {
            ValueRef::Map(map) => Some(map),
            ValueRef::Text(_) => None,
        }
    }
}

impl fmt::Debug for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueRef::Text(text) => write!(f, "<{} bytes>", text.len()),
            ValueRef::Map(map) => map.fmt(f),
        }
    }
}

impl<'d> FieldsRef<'d> {
    fn slice(self) -> &'d [Entry<'d>] {
        &self.entries[self.start..self.end]
    }

    fn value_of(self, entry: &'d Entry<'d>) -> ValueRef<'d> {
        match &entry.value {
            EntryValue::Text(text) => ValueRef::Text(text),
            &EntryValue::Map { start, end } => ValueRef::Map(FieldsRef {
                entries: self.entries,
                start,
                end,
            }),
        }
    }

    /// How many fields this level holds (nested fields not counted).
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether this level is empty.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The fields in document order, as names and values.
    pub fn iter(self) -> impl Iterator<Item = (&'d str, ValueRef<'d>)> {
        self.slice()
            .iter()
            .map(move |entry| (entry.name, self.value_of(entry)))
    }

    /// The first value with this name.
    pub fn get(self, name: &str) -> Option<ValueRef<'d>> {
        self.slice()
            .iter()
            .find(|entry| entry.name == name)
            .map(|entry| self.value_of(entry))
    }

    /// The first value with this name, when it is text.
    pub fn text(self, name: &str) -> Option<&'d str> {
        self.get(name).and_then(ValueRef::as_text)
    }

    /// Every value with this name, in order.
    pub fn get_all<'n>(self, name: &'n str) -> impl Iterator<Item = ValueRef<'d>> + 'n
    where
        'd: 'n,
    {
        self.slice()
            .iter()
            .filter(move |entry| entry.name == name)
            .map(move |entry| self.value_of(entry))
    }

    /// This level as an owned [`Fields`].
    pub fn to_fields(self) -> Fields {
        let fields: Vec<Field> = self
            .iter()
            .map(|(name, value)| match value {
                ValueRef::Text(text) => Field::new(name, text),
                ValueRef::Map(map) => Field::new(name, map.to_fields()),
            })
            .collect();
        Fields::from(fields)
    }
}

impl<'d> Level<'d> for FieldsRef<'d> {
    fn len(self) -> usize {
        self.end - self.start
    }

    fn name(self, index: usize) -> &'d str {
        self.entries[self.start + index].name
    }

    fn value(self, index: usize) -> Node<'d, Self> {
        match &self.entries[self.start + index].value {
            EntryValue::Text(text) => Node::Text(text),
            &EntryValue::Map { start, end } => Node::Map(FieldsRef {
                entries: self.entries,
                start,
                end,
            }),
        }
    }
}

impl fmt::Debug for FieldsRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As `Fields` does: names and shapes, never the texts.
        struct Shape<'d>(&'d str, ValueRef<'d>);
        impl fmt::Debug for Shape<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}: {:?}", self.0, self.1)
            }
        }
        f.debug_list()
            .entries(self.iter().map(|(name, value)| Shape(name, value)))
            .finish()
    }
}
