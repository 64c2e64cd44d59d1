//! Reading and verifying a typical response allocates a handful of buffers, not a string per
//! name and per text: the borrowed tree's arena, quick-xml's own buffer and the like (the
//! issue's target was at most 10 for a `get_status3.php` reply; a bare quick-xml scan of the
//! same document takes about 5). Counted, never timed.

mod common;

use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{parse_and_verify_ref, parse_ref};

#[test]
fn parsing_and_verifying_a_status_reply_takes_a_few_allocations() {
    let body = common::fixture("get_status3_full.xml");
    let script = ScriptName::new("get_status3.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    // Warm-up.
    assert!(parse_and_verify_ref(&body, &script, &secret).is_ok());

    let info = allocation_counter::measure(|| {
        let verified = parse_and_verify_ref(&body, &script, &secret).unwrap();
        assert_eq!(verified.text("pg_status"), Some("ok"));
    });
    let owned = allocation_counter::measure(|| {
        freedompay_xml::parse_and_verify(&body, &script, &secret).unwrap();
    });
    let scan = allocation_counter::measure(|| {
        let mut reader = quick_xml::Reader::from_reader(&body[..]);
        while !matches!(
            reader.read_event(),
            Ok(quick_xml::events::Event::Eof) | Err(_)
        ) {}
    });
    eprintln!(
        "allocations: parse_and_verify_ref {}, parse_and_verify {}, bare quick-xml scan {}",
        info.count_total, owned.count_total, scan.count_total
    );
    assert!(
        info.count_total <= 10,
        "{} allocations to parse and verify one reply",
        info.count_total
    );
}

#[test]
fn only_texts_that_need_decoding_are_allocated() {
    // With a comment, so that both take the general parser.
    let plain = b"<response><!-- c --><a>1</a><b>2</b><c>3</c><d>4</d><e>5</e></response>";
    let decoded =
        b"<response><!-- c --><a>&amp;</a><b>&#50;</b><c>3</c><d>4</d><e>5</e></response>";
    // `&amp;` alone borrows a static string; a character reference is one string.
    assert_eq!(count(decoded), count(plain) + 1);
}

fn count(body: &[u8]) -> u64 {
    allocation_counter::measure(|| {
        parse_ref(body).unwrap();
    })
    .count_total
}

#[test]
fn a_simple_reply_is_read_into_one_or_two_buffers() {
    let flat =
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response>\n  <pg_status>ok</pg_status>\n  \
                 <pg_balance>1000.50</pg_balance>\n  <pg_salt>a1b2c3</pg_salt>\n</response>\n";
    let nested = b"<response><x><pg_status>ok</pg_status></x></response>";
    let general = b"<response><!-- c --><pg_status>ok</pg_status></response>";
    eprintln!(
        "allocations: flat reply {}, nested {}, with a comment (the general parser) {}",
        count(flat),
        count(nested),
        count(general)
    );
    assert!(count(flat) <= 1, "{} allocations", count(flat));
    assert!(count(nested) <= 2, "{} allocations", count(nested));
    assert!(count(nested) < count(general));
}
