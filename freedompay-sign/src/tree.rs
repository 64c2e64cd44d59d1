//! The ordered message tree: every FreedomPay message, request, response or callback, as named
//! text values, nested maps and lists, in the order they were given.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// An ordered list of named values: one level of a FreedomPay message.
///
/// Order is kept exactly as pushed, and several fields may share a name (XML responses repeat
/// elements such as `<pg_refund_payment>`). The signature does not depend on the order of
/// differently named fields, but the wire form keeps it, so requests read naturally.
///
/// ```
/// use freedompay_sign::Fields;
///
/// let mut position = Fields::new();
/// position.push("count", "2").push("name", "Mouse pad").push("tax_type", "0").push("price", "500");
///
/// let mut fields = Fields::new();
/// fields
///     .push("pg_merchant_id", "123456")
///     .push("pg_amount", "1500")
///     .push_list("pg_receipt_positions", [position]);
///
/// assert_eq!(fields.text("pg_amount"), Some("1500"));
/// assert_eq!(fields.len(), 3);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Fields {
    entries: Vec<Field>,
}

/// One named value of a [`Fields`] level.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// A `'static` name (an operation's wire name) is kept uncopied.
    name: Cow<'static, str>,
    value: Value,
}

/// A value in the message tree.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A text leaf, exactly the string that is sent or was received.
    Text(String),
    /// A nested level with named children (`pg_receipt[customer][email]`, or a nested XML element).
    Map(Fields),
    /// A list whose items are named by their index (`pg_receipt_positions[0][name]`).
    List(Vec<Value>),
}

impl Field {
    /// Creates a field.
    pub fn new(name: impl Into<String>, value: impl Into<Value>) -> Self {
        Self {
            name: Cow::Owned(name.into()),
            value: value.into(),
        }
    }

    /// The field's name, as sent on the wire (without any bracket notation).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The field's value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The field's value, mutably.
    pub fn value_mut(&mut self) -> &mut Value {
        &mut self.value
    }

    /// The text of the field when it is a leaf.
    pub fn text(&self) -> Option<&str> {
        self.value.as_text()
    }

    /// Splits the field into its name and value.
    pub fn into_parts(self) -> (String, Value) {
        (self.name.into_owned(), self.value)
    }
}

impl Value {
    /// The text of a leaf, `None` for a map or a list.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The nested level of a map, `None` otherwise.
    pub fn as_map(&self) -> Option<&Fields> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The items of a list, `None` otherwise.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// A list from anything that turns into values.
    pub fn list<I>(items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Value>,
    {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.into())
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Value::Text(text.clone())
    }
}

impl From<Fields> for Value {
    fn from(map: Fields) -> Self {
        Value::Map(map)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

impl Fields {
    /// An empty level.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// An empty level with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Appends a text field (after any existing field of the same name).
    pub fn push(&mut self, name: impl Into<String>, text: impl Into<String>) -> &mut Self {
        self.entries.push(Field {
            name: Cow::Owned(name.into()),
            value: Value::Text(text.into()),
        });
        self
    }

    /// [`Fields::push`] for a `'static` name (a wire name written in the code): the name is
    /// kept as it is, not copied. The field is the same as with [`Fields::push`].
    ///
    /// ```
    /// use freedompay_sign::Fields;
    ///
    /// let mut fields = Fields::new();
    /// fields.push_static("pg_amount", "1500");
    /// let mut same = Fields::new();
    /// same.push("pg_amount", "1500");
    /// assert_eq!(fields, same);
    /// ```
    pub fn push_static(&mut self, name: &'static str, text: impl Into<String>) -> &mut Self {
        self.entries.push(Field {
            name: Cow::Borrowed(name),
            value: Value::Text(text.into()),
        });
        self
    }

    /// Appends a field with any value: text, nested map or list.
    pub fn push_value(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.entries.push(Field {
            name: Cow::Owned(name.into()),
            value: value.into(),
        });
        self
    }

    /// Appends a nested map (`name[key]=...` on the wire).
    pub fn push_map(&mut self, name: impl Into<String>, map: Fields) -> &mut Self {
        self.push_value(name, Value::Map(map))
    }

    /// Appends a list (`name[0][key]=...` on the wire); items are maps, texts or lists.
    pub fn push_list<I>(&mut self, name: impl Into<String>, items: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: Into<Value>,
    {
        self.push_value(name, Value::list(items))
    }

    /// Appends a field that is already built.
    pub fn push_field(&mut self, field: Field) -> &mut Self {
        self.entries.push(field);
        self
    }

    /// Sets a text field: replaces the value of the first field with this name (removing any
    /// later ones of the same name), or appends it when there is none.
    pub fn set(&mut self, name: &str, text: impl Into<String>) -> &mut Self {
        self.set_value(name, Value::Text(text.into()))
    }

    /// Sets a field to any value, as [`Fields::set`] does for text.
    pub fn set_value(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        match self.entries.iter().position(|f| f.name == name) {
            Some(first) => {
                self.entries[first].value = value;
                let mut index = 0;
                self.entries.retain(|f| {
                    let keep = index <= first || f.name != name;
                    index += 1;
                    keep
                });
            }
            None => self.entries.push(Field {
                name: Cow::Owned(name.into()),
                value,
            }),
        }
        self
    }

    /// Removes every field with this name and returns the first one's value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let first = self.entries.iter().position(|f| f.name == name)?;
        let removed = self.entries.remove(first).value;
        self.entries.retain(|f| f.name != name);
        Some(removed)
    }

    /// The first value with this name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.value)
    }

    /// The first value with this name, when it is text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_text)
    }

    /// Every value with this name, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.entries
            .iter()
            .filter(move |f| f.name == name)
            .map(|f| &f.value)
    }

    /// Whether a field with this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|f| f.name == name)
    }

    /// The fields in order.
    pub fn iter(&self) -> core::slice::Iter<'_, Field> {
        self.entries.iter()
    }

    /// The fields in order, mutably (names stay as they are; values can change).
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, Field> {
        self.entries.iter_mut()
    }

    /// The first value with this name, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|f| f.name == name)
            .map(|f| &mut f.value)
    }

    /// The fields in order, as a slice.
    pub fn as_slice(&self) -> &[Field] {
        &self.entries
    }

    /// How many fields this level holds (nested fields not counted).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether this level is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = &'a Field;
    type IntoIter = core::slice::Iter<'a, Field>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl IntoIterator for Fields {
    type Item = Field;
    type IntoIter = alloc::vec::IntoIter<Field>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<N: Into<String>, V: Into<Value>> FromIterator<(N, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Self {
            entries: iter.into_iter().map(|(n, v)| Field::new(n, v)).collect(),
        }
    }
}

impl<N: Into<String>, V: Into<Value>> Extend<(N, V)> for Fields {
    fn extend<I: IntoIterator<Item = (N, V)>>(&mut self, iter: I) {
        self.entries
            .extend(iter.into_iter().map(|(n, v)| Field::new(n, v)));
    }
}

impl From<Vec<Field>> for Fields {
    fn from(entries: Vec<Field>) -> Self {
        Self { entries }
    }
}

// Debug shows names and shapes, never the texts: messages carry card numbers, names and
// amounts, and a `{:?}` in a log line must not leak them. Use `Value::as_text` to read a value.
impl core::fmt::Debug for Fields {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.entries.iter()).finish()
    }
}

impl core::fmt::Debug for Field {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {:?}", self.name, self.value)
    }
}

impl core::fmt::Debug for Value {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Value::Text(text) => write!(f, "<{} bytes>", text.len()),
            Value::Map(map) => map.fmt(f),
            Value::List(items) => f.debug_list().entries(items.iter()).finish(),
        }
    }
}
