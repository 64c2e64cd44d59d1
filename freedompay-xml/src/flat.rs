//! The fast path for the documents that dominate: gateway replies made of elements holding
//! either texts or other elements (`<response><pg_status>ok</pg_status>...</response>`, a
//! status with its `<pg_refund_payments>`), with no attributes, comments, entities, CDATA or
//! carriage returns.
//!
//! [`parse`] reads such a document with one scan and one allocation (two when it nests), and
//! gives up at the first thing it does not handle, leaving the document to the general
//! parser: anything it returns is exactly what the general parser returns for the same input
//! (the proptests below compare the two on documents made to sit on the boundary).

use std::borrow::Cow;

use crate::Limits;
use crate::borrowed::{DocumentRef, Entry, EntryValue};
use crate::chars::is_xml_name;

/// The declarations the general parser accepts without reading their attributes.
const USUAL: [&str; 2] = [
    r#"<?xml version="1.0" encoding="utf-8"?>"#,
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
];

/// Reads `text` (valid UTF-8, nothing else checked yet) if it is a simple document: an
/// optional usual declaration at the very start, then elements without attributes, each
/// holding either child elements separated by whitespace or a text free of `&`, `>` and
/// `\r` (a root with at least one child, nested at most [`MAX_OPEN`] deep), nothing but
/// whitespace around the root, and no character XML 1.0 forbids. `Err` for anything else,
/// the limits' refusals included, with a buffer allocated for the entries (empty) for the
/// general parser to use.
///
/// The tree is laid out as the general parser lays it out: the children of each map in one
/// run of the arena, moved there when the map closes.
pub(crate) fn parse<'a>(text: &'a str, limits: &Limits) -> Result<DocumentRef<'a>, Vec<Entry<'a>>> {
    // About one element per 16 bytes of a usual reply; the vector grows if need be.
    let mut pending = Vec::with_capacity((text.len() / 16).clamp(4, 64).min(limits.max_elements));
    // The arena of the maps below the root: only a nested document needs one.
    let mut arena = Vec::new();
    match read(text, limits, &mut pending, &mut arena) {
        // `pending` holds the root's children: they end the arena.
        Some(root_name) => {
            let start = arena.len();
            let entries = if arena.is_empty() {
                pending
            } else {
                arena.append(&mut pending);
                arena
            };
            Ok(DocumentRef {
                root_name,
                root: (start, entries.len()),
                entries,
                root_text: None,
            })
        }
        None => {
            pending.clear();
            Err(pending)
        }
    }
}

/// How deep the fast path follows nested elements (the root counts); deeper documents go to
/// the general parser.
const MAX_OPEN: usize = 16;

/// [`parse`]'s scan: the root's name; the closed children of open elements in `pending`
/// (only the root's, in the end), every other closed map's children in `arena`.
fn read<'a>(
    text: &'a str,
    limits: &Limits,
    pending: &mut Vec<Entry<'a>>,
    arena: &mut Vec<Entry<'a>>,
) -> Option<&'a str> {
    let max_depth = limits.max_depth.min(Limits::MAX_DEPTH).min(MAX_OPEN);
    let bytes = text.as_bytes();
    let mut at = USUAL
        .iter()
        .find(|usual| text.starts_with(*usual))
        .map_or(0, |usual| usual.len());
    at = skip_whitespace(bytes, at);
    // The open elements: name, where its children start in `pending`, where its content
    // starts in `text`, whether it has children.
    let mut open: [(&str, usize, usize, bool); MAX_OPEN] = [("", 0, 0, false); MAX_OPEN];
    let mut depth = 0;
    let mut elements = 0;
    loop {
        // A start tag: the document's root, or a child of the innermost open element.
        if depth >= max_depth {
            return None;
        }
        let (name, content) = start_tag(text, at)?;
        elements += 1;
        if elements > limits.max_elements {
            return None;
        }
        if depth > 0 {
            open[depth - 1].3 = true;
        }
        open[depth] = (name, pending.len(), content, false);
        depth += 1;
        at = content;
        // Then end tags, and texts, until the next start tag.
        loop {
            let next = skip_whitespace(bytes, at);
            // The whitespace is the innermost element's text until it has children.
            if next - at > limits.max_text_bytes {
                return None;
            }
            let (name, first_child, content, has_children) = open[depth - 1];
            let value = if bytes.get(next) == Some(&b'<') && bytes.get(next + 1) != Some(&b'/') {
                // A child: whitespace before it is dropped.
                at = next;
                break;
            } else if has_children && depth == 1 {
                // The root closes, then only whitespace; its children stay in `pending`.
                at = end_tag(bytes, next, name)?;
                return (skip_whitespace(bytes, at) == bytes.len()).then_some(name);
            } else if has_children {
                // A map closes (text between children is left to the general parser).
                at = end_tag(bytes, next, name)?;
                let start = arena.len();
                arena.extend(pending.drain(first_child..));
                EntryValue::Map {
                    start,
                    end: arena.len(),
                }
            } else {
                // A text element closes; its text runs from its start tag to the next `<`.
                let len = text_len(bytes.get(content..)?)?;
                if len > limits.max_text_bytes {
                    return None;
                }
                // `content` and `content + len` are next to ASCII bytes: character boundaries.
                let value = text.get(content..content + len)?;
                at = end_tag(bytes, content + len, name)?;
                EntryValue::Text(Cow::Borrowed(value))
            };
            depth -= 1;
            if depth == 0 {
                // A root without children: its text is the document's root text.
                return None;
            }
            pending.push(Entry { name, value });
        }
    }
}

/// Bytes that end a text on the fast path: `<`, and what it does not handle (`&`, `>`,
/// `\r`, the C0 controls XML forbids, and `EF`, which starts U+FFFE and U+FFFF).
const STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != 0x09 && b != 0x0a;
        b += 1;
    }
    table[b'<' as usize] = true;
    table[b'&' as usize] = true;
    table[b'>' as usize] = true;
    table[0xef] = true;
    table
};

/// The length of the text at the start of `bytes`, up to the `<` that ends it; `None` if
/// it holds a byte the fast path leaves to the general parser (see [`STOP`]) other than an
/// `EF` that starts an allowed character.
fn text_len(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        at += bytes
            .get(at..)?
            .iter()
            .position(|&b| STOP[usize::from(b)])?;
        match bytes[at] {
            b'<' => return Some(at),
            0xef if bytes.get(at + 1) != Some(&0xbf)
                || !matches!(bytes.get(at + 2), Some(0xbe | 0xbf)) =>
            {
                at += 1;
            }
            _ => return None,
        }
    }
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// `<name>` at `at`, with nothing but an XML name inside: the name and where the tag ends.
fn start_tag(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'<') {
        return None;
    }
    let len = bytes.get(at + 1..)?.iter().position(|&b| b == b'>')?;
    let name = text.get(at + 1..at + 1 + len)?;
    // A name holds no character XML forbids.
    is_xml_name(name).then_some((name, at + 2 + len))
}

/// `</name>` at `at`, exactly: where it ends.
fn end_tag(bytes: &[u8], at: usize, name: &str) -> Option<usize> {
    let end = at + 2 + name.len();
    (bytes.get(at..at + 2) == Some(b"</")
        && bytes.get(at + 2..end) == Some(name.as_bytes())
        && bytes.get(end) == Some(&b'>'))
    .then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::parse::parse_ref_general;
    use crate::{Limits, parse_ref, parse_ref_with};

    /// What the fast path makes of a whole input, as `parse_ref_with` would call it.
    fn fast<'a>(bytes: &'a [u8], limits: &Limits) -> Option<crate::DocumentRef<'a>> {
        let text =
            std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
        if bytes.len() > limits.max_bytes {
            return None;
        }
        super::parse(text, limits).ok()
    }

    #[test]
    fn the_usual_reply_takes_the_fast_path() {
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response>\n  \
                    <pg_status>ok</pg_status>\n  <pg_balance> 1000.50 </pg_balance>\n  \
                    <pg_empty></pg_empty><pg_name>Алматы</pg_name><pg_status>again</pg_status>\n\
                    </response>\n";
        let doc = fast(body.as_bytes(), &Limits::DEFAULT).expect("the fast path");
        assert_eq!(
            Ok(doc.clone()),
            parse_ref_general(body.as_bytes(), &Limits::DEFAULT)
        );
        assert_eq!(Ok(doc.clone()), parse_ref(body.as_bytes()));
        assert_eq!(doc.text("pg_balance"), Some(" 1000.50 "));
        assert_eq!(doc.fields().len(), 5);
    }

    #[test]
    fn nested_replies_take_the_fast_path_too() {
        let status = include_bytes!("../tests/fixtures/get_status3_full.xml");
        for body in [
            &status[..],
            b"<r><a><b>t</b></a></r>",
            b"<r> <m>\n <x>1</x> <m><y>2</y><z> </z></m> </m><a>3</a><m><x>4</x></m> </r>",
            b"<r><a><b><c><d><e>deep</e></d></c></b></a><f></f></r>",
        ] {
            let doc = fast(body, &Limits::DEFAULT).expect("the fast path");
            assert_eq!(Ok(doc.clone()), parse_ref_general(body, &Limits::DEFAULT));
            assert_eq!(doc.to_document(), crate::parse(body).unwrap());
        }
        // Deeper than the limit, or than the fast path follows: the general parser decides.
        let deep = format!("<r>{}t{}</r>", "<a>".repeat(20), "</a>".repeat(20));
        assert!(fast(deep.as_bytes(), &Limits::DEFAULT).is_none());
        assert!(parse_ref(deep.as_bytes()).is_ok());
        let body = b"<r><a><b>t</b></a></r>";
        let shallow = Limits {
            max_depth: 2,
            ..Limits::DEFAULT
        };
        assert!(fast(body, &shallow).is_none());
        assert!(parse_ref_with(body, &shallow).is_err());
        let few = Limits {
            max_elements: 2,
            ..Limits::DEFAULT
        };
        assert!(fast(body, &few).is_none());
        assert!(parse_ref_with(body, &few).is_err());
        // Text beside children (mixed content) is left to the general parser.
        assert!(fast(b"<r><a>x<b>t</b></a></r>", &Limits::DEFAULT).is_none());
        assert!(fast(b"<r><a><b>t</b>x</a></r>", &Limits::DEFAULT).is_none());
    }

    #[test]
    fn anything_else_is_left_to_the_general_parser() {
        for body in [
            "<response></response>",
            "<response/>",
            "<response><a/></response>",
            "<response><a x=\"1\">t</a></response>",
            "<response><a>t</a ></response>",
            "<response><a>&amp;</a></response>",
            "<response><a>]]></a></response>",
            "<response><a>t</b></response>",
            "<response><a>t</a></responsE>",
            "<response><a>t</a>text</response>",
            "<response><!-- c --><a>t</a></response>",
            "<response><a><![CDATA[t]]></a></response>",
            "<response><a>t\r\n</a></response>",
            "<response><a>t</a></response><!-- after -->",
            "<response><a>t</a></response>x",
            "<response><a>t</a>",
            "<response><a>t",
            " <?xml version=\"1.0\" encoding=\"utf-8\"?><response><a>t</a></response>",
            "<?xml version=\"1.0\"?><response><a>t</a></response>",
            "<!DOCTYPE r><response><a>t</a></response>",
            "<1a><a>t</a></1a>",
            "<response><a>\u{0}</a></response>",
            "<response><a>x\u{b}</a></response>",
            "<response><a>\u{fffe}</a></response>",
            "<response><a>x\u{ffff}y</a></response>",
        ] {
            assert!(fast(body.as_bytes(), &Limits::DEFAULT).is_none(), "{body}");
        }
        // Other characters that start with the byte of U+FFFE and U+FFFF are read.
        let body = "<r><a>\u{fffd}\u{f000}\u{efbf}</a></r>";
        assert!(fast(body.as_bytes(), &Limits::DEFAULT).is_some());
        // The limits' refusals too.
        let body = b"<r><a>long text</a><b>t</b></r>";
        assert!(fast(body, &Limits::DEFAULT).is_some());
        for limits in [
            Limits {
                max_depth: 1,
                ..Limits::DEFAULT
            },
            Limits {
                max_elements: 2,
                ..Limits::DEFAULT
            },
            Limits {
                max_text_bytes: 8,
                ..Limits::DEFAULT
            },
        ] {
            assert!(fast(body, &limits).is_none());
            assert!(parse_ref_with(body, &limits).is_err());
        }
        let limits = Limits {
            max_elements: 3,
            max_text_bytes: 9,
            max_depth: 2,
            ..Limits::DEFAULT
        };
        assert!(fast(body, &limits).is_some());
        assert!(parse_ref_with(body, &limits).is_ok());
    }

    /// Pieces of flat documents and of everything next to them.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => Just("<pg_a>".to_owned()),
            6 => Just("</pg_a>".to_owned()),
            3 => Just("<b>".to_owned()),
            3 => Just("</b>".to_owned()),
            2 => Just("<é:ж>".to_owned()),
            2 => Just("</é:ж>".to_owned()),
            6 => "[a-z0-9 .]{0,6}",
            3 => prop::sample::select(vec![
                " ", "\n", "\t", "\r", "\r\n", "&amp;", "&#65;", "&x;", "&", ">", "]]>", "]]",
                "<![CDATA[c]]>", "<!-- c -->", "<?pi x?>", "<a/>", "<a x='1'>", "</a >",
                "<a >", "< a>", "<1>", "</1>", "<>", "</>", "<", "Алматы", "\u{85}", "\u{2028}",
                "\u{0}", "\u{b}", "\u{1f}", "\u{7f}", "\u{fffe}", "\u{ffff}", "\u{fffd}", "\u{f000}",
                "\u{efbf}", "\u{feff}",
            ]).prop_map(str::to_owned),
        ]
    }

    /// Flat documents, then the same with a few pieces put in anywhere.
    fn document() -> impl Strategy<Value = String> {
        let decl = prop::sample::select(vec![
            "",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<?xml version=\"1.0\"?>",
            " <?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "\u{feff}",
        ]);
        let text = prop_oneof![
            4 => "[a-z0-9 .Ж\u{fffd}\u{f000}]{0,6}",
            1 => "[a-z0-9 .<>&;\r\u{0}\u{b}\u{fffe}\u{ffff}]{0,6}",
        ];
        let leaf = ("(pg_a|b|é:ж|r)", text, "[ \n\t]{0,2}")
            .prop_map(|(name, text, space)| format!("{space}<{name}>{text}</{name}>"));
        let child = leaf.prop_recursive(3, 24, 4, |inner| {
            ("(m|pg_a)", prop::collection::vec(inner, 1..4), "[ \n]{0,2}").prop_map(
                |(name, children, space)| {
                    format!("{space}<{name}>{}{space}</{name}>", children.concat())
                },
            )
        });
        let flat = (
            decl,
            "(r|response)",
            prop::collection::vec(child, 0..5),
            "[ \n]{0,2}",
        )
            .prop_map(|(decl, root, children, space)| {
                format!("{decl}<{root}>{}</{root}>{space}", children.concat())
            });
        let inserts = prop_oneof![
            1 => Just(Vec::new()),
            1 => prop::collection::vec((any::<prop::sample::Index>(), piece()), 1..3),
        ];
        (flat, inserts).prop_map(|(mut doc, inserts)| {
            for (index, piece) in inserts {
                let mut at = index.index(doc.len() + 1);
                while !doc.is_char_boundary(at) {
                    at -= 1;
                }
                doc.insert_str(at, &piece);
            }
            doc
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Whatever the fast path reads, the general parser reads the same.
        #[test]
        fn the_fast_path_agrees_with_the_general_parser(doc in document()) {
            let general = parse_ref_general(doc.as_bytes(), &Limits::DEFAULT);
            if let Some(fast) = fast(doc.as_bytes(), &Limits::DEFAULT) {
                prop_assert_eq!(Ok(fast), general.clone());
            }
            prop_assert_eq!(parse_ref(doc.as_bytes()), general);
        }

        /// So do the pieces alone, strung together any way.
        #[test]
        fn the_fast_path_agrees_on_any_string_of_pieces(pieces in prop::collection::vec(piece(), 0..12)) {
            let doc = pieces.concat();
            let general = parse_ref_general(doc.as_bytes(), &Limits::DEFAULT);
            if let Some(fast) = fast(doc.as_bytes(), &Limits::DEFAULT) {
                prop_assert_eq!(Ok(fast), general.clone());
            }
            prop_assert_eq!(parse_ref(doc.as_bytes()), general);
        }
    }
}
