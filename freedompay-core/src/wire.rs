//! Reading a verified reply's fields into typed values.

use core::fmt;
use std::borrow::Cow;

use freedompay_sign::{Field, Fields, Level, Node, Value};
use freedompay_xml::{FieldsRef, ValueRef};

use crate::{Amount, DateTime, PaymentId};

/// A value type the gateway writes as text.
///
/// Implemented for the SDK's values; implement it for your own types to read them with
/// [`Response::get`].
pub trait FromWire: Sized {
    /// The value of this text, or `None` when it is not one.
    fn from_wire(text: &str) -> Option<Self>;
}

impl FromWire for String {
    fn from_wire(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromWire for u32 {
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl FromWire for u64 {
    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

/// `1`/`0`, `true`/`false`.
impl FromWire for bool {
    fn from_wire(text: &str) -> Option<Self> {
        match text.trim() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        }
    }
}

impl FromWire for Amount {
    fn from_wire(text: &str) -> Option<Self> {
        Amount::from_gateway(text.trim())
    }
}

impl FromWire for PaymentId {
    fn from_wire(text: &str) -> Option<Self> {
        PaymentId::parse(text.trim()).ok()
    }
}

impl FromWire for DateTime {
    fn from_wire(text: &str) -> Option<Self> {
        DateTime::parse(text.trim()).ok()
    }
}

/// A field of a verified reply that is missing or unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    field: Cow<'static, str>,
    missing: bool,
}

impl ReadError {
    /// The field is required and absent (or empty).
    pub fn missing(field: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            missing: true,
        }
    }

    /// The field is there but not of the expected form.
    pub fn invalid(field: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            missing: false,
        }
    }

    /// The field's name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Whether it was missing (rather than unreadable).
    pub fn is_missing(&self) -> bool {
        self.missing
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.missing {
            write!(f, "the reply has no {}", self.field)
        } else {
            write!(f, "the reply's {} is not of the expected form", self.field)
        }
    }
}

impl std::error::Error for ReadError {}

/// The fields of a reply whose signature was verified, with typed accessors.
///
/// Values the gateway leaves empty or writes as the literal `undefined` (seen in live
/// callbacks) read as absent.
///
/// It reads either an owned [`Fields`] ([`Response::new`], what callbacks hold) or the tree
/// [`Exchange`](crate::Exchange) parses a reply into, which borrows its names and texts from
/// the body: a reply is read without copying it, and only the texts kept in the typed output
/// are allocated. Its nested elements are reached with [`Response::nested`],
/// [`Response::nested_all`] and [`Response::items`], and [`Response::to_fields`] copies the
/// whole level when an owned tree is needed. (`Response::fields`, which handed out
/// `&Fields`, is gone: a borrowed reply has no `Fields`.)
#[derive(Clone, Copy)]
pub struct Response<'a> {
    tree: Tree<'a>,
}

/// Where a [`Response`] reads its fields from.
#[derive(Clone, Copy)]
enum Tree<'a> {
    /// An owned tree (a callback's fields, or fields built by hand).
    Owned(&'a [Field]),
    /// The tree of a reply, borrowed from its body.
    Borrowed(FieldsRef<'a>),
}

impl<'a> Response<'a> {
    /// Wraps verified fields. Only call this with fields whose signature was checked.
    pub fn new(fields: &'a Fields) -> Self {
        Self {
            tree: Tree::Owned(fields.as_slice()),
        }
    }

    /// Wraps verified fields borrowed from a reply body. Only call this with fields whose
    /// signature was checked.
    pub(crate) fn borrowed(fields: FieldsRef<'a>) -> Self {
        Self {
            tree: Tree::Borrowed(fields),
        }
    }

    /// The text of a top-level field, as received.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        match self.tree {
            Tree::Owned(fields) => fields
                .iter()
                .find(|field| field.name() == name)
                .and_then(Field::text),
            Tree::Borrowed(fields) => fields.text(name),
        }
    }

    /// The first top-level field with this name, when it is a nested element (a map), as a
    /// [`Response`] of its own; `None` when it is absent or a text.
    ///
    /// ```
    /// use freedompay_core::Response;
    /// use freedompay_sign::Fields;
    ///
    /// let mut card = Fields::new();
    /// card.push("pg_card_id", "7");
    /// let mut fields = Fields::new();
    /// fields.push("pg_status", "ok").push_map("card", card);
    /// let reply = Response::new(&fields);
    /// assert_eq!(reply.nested("card").and_then(|card| card.text("pg_card_id")), Some("7"));
    /// assert!(reply.nested("pg_status").is_none());
    /// ```
    pub fn nested(&self, name: &str) -> Option<Response<'a>> {
        match self.tree {
            Tree::Owned(fields) => fields
                .iter()
                .find(|field| field.name() == name)
                .and_then(|field| field.value().as_map())
                .map(Response::new),
            Tree::Borrowed(fields) => fields
                .get(name)
                .and_then(ValueRef::as_map)
                .map(Response::borrowed),
        }
    }

    /// Every top-level field with this name, in order: `Some` for a nested element, `None`
    /// for a text (or a list).
    ///
    /// ```
    /// use freedompay_core::Response;
    /// use freedompay_sign::Fields;
    ///
    /// let mut card = Fields::new();
    /// card.push("pg_card_id", "7");
    /// let mut fields = Fields::new();
    /// fields.push_map("card", card.clone()).push("card", "?").push_map("card", card);
    /// let reply = Response::new(&fields);
    /// let cards: Vec<_> = reply.nested_all("card").map(|c| c.and_then(|c| c.text("pg_card_id"))).collect();
    /// assert_eq!(cards, [Some("7"), None, Some("7")]);
    /// ```
    pub fn nested_all<'n>(
        &self,
        name: &'n str,
    ) -> impl Iterator<Item = Option<Response<'a>>> + use<'a, 'n> {
        let tree = self.tree;
        (0..tree.len())
            .filter(move |&index| tree.name(index) == name)
            .map(move |index| match tree.value(index) {
                Item::Map(map) => Some(Response { tree: map }),
                Item::Other => None,
            })
    }

    /// The nested elements inside the first top-level field with this name, in order,
    /// whatever their names (the `<pg_refund_payment>`s of `<pg_refund_payments>`), or the
    /// nested items of a list; texts are skipped. Empty when the field is absent or a text.
    ///
    /// ```
    /// use freedompay_core::Response;
    /// use freedompay_sign::Fields;
    ///
    /// let mut refund = Fields::new();
    /// refund.push("pg_amount", "-10");
    /// let mut refunds = Fields::new();
    /// refunds.push_map("pg_refund_payment", refund.clone()).push_map("pg_refund_payment", refund);
    /// let mut fields = Fields::new();
    /// fields.push_map("pg_refund_payments", refunds);
    /// let reply = Response::new(&fields);
    /// assert_eq!(reply.items("pg_refund_payments").count(), 2);
    /// assert_eq!(reply.items("pg_revoked_payments").count(), 0);
    /// ```
    pub fn items(&self, name: &str) -> impl Iterator<Item = Response<'a>> + use<'a> {
        let level = match self.tree {
            Tree::Owned(fields) => {
                fields
                    .iter()
                    .find(|field| field.name() == name)
                    .and_then(|field| match field.value() {
                        Value::Map(map) => Some(Items::Map(Tree::Owned(map.as_slice()))),
                        Value::List(items) => Some(Items::List(items)),
                        Value::Text(_) => None,
                    })
            }
            Tree::Borrowed(fields) => fields
                .get(name)
                .and_then(ValueRef::as_map)
                .map(|map| Items::Map(Tree::Borrowed(map))),
        };
        let len = match level {
            Some(Items::Map(map)) => map.len(),
            Some(Items::List(items)) => items.len(),
            None => 0,
        };
        (0..len).filter_map(move |index| match level? {
            Items::Map(map) => match map.value(index) {
                Item::Map(item) => Some(Response { tree: item }),
                Item::Other => None,
            },
            Items::List(items) => items.get(index).and_then(Value::as_map).map(Response::new),
        })
    }

    /// This level as an owned [`Fields`] (a copy: every name and text is allocated).
    pub fn to_fields(&self) -> Fields {
        match self.tree {
            Tree::Owned(fields) => Fields::from(fields.to_vec()),
            Tree::Borrowed(fields) => fields.to_fields(),
        }
    }

    fn present(&self, name: &str) -> Option<&'a str> {
        self.text(name)
            .filter(|t| !t.trim().is_empty() && *t != "undefined")
    }

    /// A required text field.
    pub fn required(&self, name: &'static str) -> Result<&'a str, ReadError> {
        self.present(name).ok_or_else(|| ReadError::missing(name))
    }

    /// An optional typed field: `Ok(None)` when absent, empty or `undefined`; an error when
    /// present but unreadable.
    pub fn get<T: FromWire>(&self, name: &'static str) -> Result<Option<T>, ReadError> {
        match self.present(name) {
            None => Ok(None),
            Some(text) => T::from_wire(text)
                .map(Some)
                .ok_or_else(|| ReadError::invalid(name)),
        }
    }

    /// A required typed field.
    pub fn require<T: FromWire>(&self, name: &'static str) -> Result<T, ReadError> {
        self.get(name)?.ok_or_else(|| ReadError::missing(name))
    }

    /// An optional field read leniently: `None` when absent or unreadable. For informational
    /// fields whose form the documentation does not pin down.
    pub fn lenient<T: FromWire>(&self, name: &str) -> Option<T> {
        self.present(name).and_then(T::from_wire)
    }

    /// A payment id field where `0` means "not found" (get_status2, payment_status2).
    pub fn payment_id_or_zero(&self, name: &'static str) -> Result<Option<PaymentId>, ReadError> {
        match self.present(name) {
            None => Ok(None),
            Some(t) if t.trim() == "0" => Ok(None),
            Some(t) => PaymentId::parse(t.trim())
                .map(Some)
                .map_err(|_| ReadError::invalid(name)),
        }
    }
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and shapes, never the texts (as `Fields` and `FieldsRef` show them).
        let mut s = f.debug_struct("Response");
        match self.tree {
            Tree::Owned(fields) => s.field("fields", &fields),
            Tree::Borrowed(fields) => s.field("fields", &fields),
        };
        s.finish()
    }
}

/// A map or a list inside a [`Response`], whose nested items [`Response::items`] reads.
#[derive(Clone, Copy)]
enum Items<'a> {
    Map(Tree<'a>),
    List(&'a [Value]),
}

/// An entry's value inside a [`Tree`]: a nested map, or anything else (a text, a list).
enum Item<'a> {
    Map(Tree<'a>),
    Other,
}

impl<'a> Tree<'a> {
    fn len(self) -> usize {
        match self {
            Tree::Owned(fields) => fields.len(),
            Tree::Borrowed(fields) => fields.len(),
        }
    }

    /// The name of entry `index`; `index < self.len()`.
    fn name(self, index: usize) -> &'a str {
        match self {
            Tree::Owned(fields) => fields.get(index).map_or("", Field::name),
            Tree::Borrowed(fields) => Level::name(fields, index),
        }
    }

    /// The value of entry `index`; `index < self.len()`.
    fn value(self, index: usize) -> Item<'a> {
        match self {
            Tree::Owned(fields) => match fields.get(index).map(Field::value) {
                Some(Value::Map(map)) => Item::Map(Tree::Owned(map.as_slice())),
                Some(Value::List(_) | Value::Text(_)) | None => Item::Other,
            },
            Tree::Borrowed(fields) => match Level::value(fields, index) {
                Node::Map(map) => Item::Map(Tree::Borrowed(map)),
                Node::List(_) | Node::Text(_) => Item::Other,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply read from the tree borrowed from its body reads as the same reply owned.
    #[test]
    fn borrowed_and_owned_replies_read_the_same() {
        let body = b"<response><pg_status>ok</pg_status><pg_empty></pg_empty>\
            <pg_undefined>undefined</pg_undefined><card><pg_card_id>1</pg_card_id></card>\
            <card>text</card><card><pg_card_id>2</pg_card_id><x><y>3</y></x></card>\
            <pg_refund_payments><pg_refund_payment><pg_amount>-10</pg_amount></pg_refund_payment>\
            <note>skipped</note><pg_refund_payment><pg_amount>-5</pg_amount></pg_refund_payment>\
            </pg_refund_payments><pg_amount> 12.50 </pg_amount></response>";
        let document = freedompay_xml::parse_ref(body).expect("parses");
        let owned_fields = document.fields().to_fields();
        let (borrowed, owned) = (
            Response::borrowed(document.fields()),
            Response::new(&owned_fields),
        );
        let texts = |r: Response<'_>| {
            [
                "pg_status",
                "pg_empty",
                "pg_undefined",
                "card",
                "pg_amount",
                "missing",
            ]
            .map(|name| (r.text(name).map(str::to_owned), r.lenient::<String>(name)))
        };
        let cards = |r: Response<'_>| {
            r.nested_all("card")
                .map(|card| card.map(|card| (card.get::<u32>("pg_card_id"), card.to_fields())))
                .collect::<Vec<_>>()
        };
        let refunds = |r: Response<'_>| {
            r.items("pg_refund_payments")
                .map(|item| item.get::<Amount>("pg_amount"))
                .collect::<Vec<_>>()
        };
        for reply in [borrowed, owned] {
            assert_eq!(texts(reply), texts(owned));
            assert_eq!(cards(reply), cards(owned));
            assert_eq!(cards(reply).len(), 3);
            assert_eq!(refunds(reply), refunds(owned));
            assert_eq!(refunds(reply).len(), 2);
            assert_eq!(reply.items("pg_status").count(), 0);
            assert_eq!(reply.items("missing").count(), 0);
            assert!(reply.nested("pg_status").is_none());
            assert_eq!(
                reply
                    .nested("card")
                    .and_then(|card| card.text("pg_card_id")),
                Some("1")
            );
            assert_eq!(reply.to_fields(), owned_fields);
            assert_eq!(
                reply.get::<Amount>("pg_amount"),
                owned.get::<Amount>("pg_amount")
            );
            assert_eq!(format!("{reply:?}"), format!("{owned:?}"));
            assert!(!format!("{reply:?}").contains("12.50"));
        }
    }

    /// A list (only an owned tree has them) gives its nested items.
    #[test]
    fn the_items_of_a_list_are_its_maps() {
        let mut item = Fields::new();
        item.push("pg_amount", "-1");
        let mut fields = Fields::new();
        fields.push_list(
            "pg_refund_payments",
            [
                Value::from(item.clone()),
                Value::from("x"),
                Value::from(item),
            ],
        );
        let reply = Response::new(&fields);
        assert_eq!(reply.items("pg_refund_payments").count(), 2);
        assert_eq!(
            reply
                .nested_all("pg_refund_payments")
                .collect::<Vec<_>>()
                .len(),
            1
        );
        assert!(reply.nested("pg_refund_payments").is_none());
    }
}
