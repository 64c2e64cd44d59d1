//! Parsing and verifying a typical `get_status3.php` response (the `get_status3_full.xml`
//! fixture, about 1.4 KB with two refunds) beside a bare quick-xml event scan of the same bytes
//! (every event read, every text's length touched). Target: parse + verify at most 3x the
//! bare scan.
//!
//! `cargo bench -p freedompay-xml`

use criterion::{Criterion, criterion_group, criterion_main};
use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{parse, parse_and_verify, write};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::hint::black_box;

const RESPONSE: &[u8] = include_bytes!("../tests/fixtures/get_status3_full.xml");

/// The floor: quick-xml's reader over the bytes, with no tree, no checks and no signature.
fn bare_scan(bytes: &[u8]) -> usize {
    let mut reader = Reader::from_reader(bytes);
    let mut touched = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => touched += start.name().as_ref().len(),
            Ok(Event::Text(text)) => touched += text.len(),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    touched
}

fn bench(c: &mut Criterion) {
    let script = ScriptName::new("get_status3.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    assert!(parse_and_verify(RESPONSE, &script, &secret).is_ok());
    let fields = parse(RESPONSE).unwrap().into_fields();

    let mut group = c.benchmark_group("get_status3_response");
    group.bench_function("bare_quick_xml_scan", |b| {
        b.iter(|| bare_scan(black_box(RESPONSE)))
    });
    group.bench_function("parse", |b| b.iter(|| parse(black_box(RESPONSE)).unwrap()));
    group.bench_function("parse_and_verify", |b| {
        b.iter(|| parse_and_verify(black_box(RESPONSE), &script, &secret).unwrap())
    });
    group.bench_function("write", |b| b.iter(|| write(black_box(&fields)).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
