//! Parsing and verifying a typical `get_status3.php` response (the `get_status3_full.xml`
//! fixture, about 1.4 KB with two refunds) beside a bare quick-xml event scan of the same bytes
//! (every event read, every name's and text's length touched): the limit, since the SDK reads
//! the document with quick-xml. Target: `parse_and_verify_ref` costs at most 1.7x the scan.
//!
//! * `cargo bench -p freedompay-xml --bench parse` prints the ratios measured side by side
//!   (batches of each, alternated: the ratio of the fastest batches and the median of the
//!   per-round ratios), then criterion's figures. `-- --list` lists the benchmarks and runs nothing.
//! * `FREEDOMPAY_CALLGRIND=10000 valgrind --tool=callgrind target/release/deps/parse-*` runs
//!   each side 10,000 times and nothing else; `callgrind_annotate --inclusive=yes` then shows
//!   `sdk_side`, `owned_side` and `limit_side`, whose ratios do not depend on the load.

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use freedompay_sign::{ScriptName, SecretKey};
use freedompay_xml::{parse, parse_and_verify, parse_and_verify_ref, write};
use quick_xml::Reader;
use quick_xml::events::Event;

const RESPONSE: &[u8] = include_bytes!("../tests/fixtures/get_status3_full.xml");

struct Case {
    script: ScriptName,
    secret: SecretKey,
}

/// The limit: quick-xml's reader over the bytes, with no tree, no checks and no signature.
fn limit(bytes: &[u8]) -> usize {
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

/// The SDK: parse into the borrowed tree and check its signature.
fn sdk(case: &Case) -> usize {
    let verified = parse_and_verify_ref(black_box(RESPONSE), &case.script, &case.secret).unwrap();
    verified.fields().len()
}

/// The same, building the owned `Verified` (a string per name and text).
fn owned(case: &Case) -> usize {
    let verified = parse_and_verify(black_box(RESPONSE), &case.script, &case.secret).unwrap();
    verified.fields().len()
}

#[inline(never)]
fn sdk_side(case: &Case, times: usize) {
    for _ in 0..times {
        black_box(sdk(case));
    }
}

#[inline(never)]
fn owned_side(case: &Case, times: usize) {
    for _ in 0..times {
        black_box(owned(case));
    }
}

#[inline(never)]
fn limit_side(times: usize) {
    for _ in 0..times {
        black_box(limit(black_box(RESPONSE)));
    }
}

fn timed(run: impl FnOnce()) -> f64 {
    let start = Instant::now();
    run();
    start.elapsed().as_secs_f64()
}

/// Alternates batches of each side so that all run under the same load, and prints two
/// ratios to the scan: of the fastest batches of each side (the least disturbed by other
/// work on the machine), and the median of the per-round ratios (with its quartiles).
fn side_by_side(case: &Case) {
    const ROUNDS: usize = 400;
    const BATCH: usize = 40;
    let (mut sdk_ratios, mut owned_ratios) = (Vec::new(), Vec::new());
    let mut fastest = [f64::INFINITY; 3];
    for _ in 0..ROUNDS {
        let limit_time = timed(|| limit_side(BATCH));
        let sdk_time = timed(|| sdk_side(case, BATCH));
        let owned_time = timed(|| owned_side(case, BATCH));
        sdk_ratios.push(sdk_time / limit_time);
        owned_ratios.push(owned_time / limit_time);
        for (best, time) in fastest.iter_mut().zip([limit_time, sdk_time, owned_time]) {
            *best = best.min(time);
        }
    }
    let per_call = |time: f64| time / BATCH as f64 * 1e9;
    let median = |ratios: &mut Vec<f64>| {
        ratios.sort_by(f64::total_cmp);
        format!(
            "median {:.2}x (quartiles {:.2}x-{:.2}x)",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4]
        )
    };
    println!(
        "get_status3_response/side_by_side ({ROUNDS} rounds of {BATCH}), fastest batches: bare \
         quick-xml scan {:.0} ns, parse_and_verify_ref {:.0} ns, parse_and_verify {:.0} ns per document",
        per_call(fastest[0]),
        per_call(fastest[1]),
        per_call(fastest[2]),
    );
    println!(
        "  parse_and_verify_ref / scan = {:.2}x fastest, {} (target <= 1.7x)",
        fastest[1] / fastest[0],
        median(&mut sdk_ratios),
    );
    println!(
        "  parse_and_verify (owned) / scan = {:.2}x fastest, {}",
        fastest[2] / fastest[0],
        median(&mut owned_ratios),
    );
}

fn main() {
    let case = Case {
        script: ScriptName::new("get_status3.php").unwrap(),
        secret: SecretKey::new("TESTSECRET").unwrap(),
    };
    assert_eq!(sdk(&case), owned(&case), "both read the same document");
    if let Some(times) = std::env::var("FREEDOMPAY_CALLGRIND")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        sdk_side(&case, times);
        owned_side(&case, times);
        limit_side(times);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let listing = args.iter().any(|a| a == "--list");
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) criterion runs each
    // benchmark once as a test, and the side-by-side rounds are skipped too.
    if !listing && args.iter().any(|a| a == "--bench") {
        side_by_side(&case);
    }

    let fields = parse(RESPONSE).unwrap().into_fields();
    let mut criterion = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .configure_from_args();
    let mut group = criterion.benchmark_group("get_status3_response");
    group.bench_function("bare_quick_xml_scan", |b| {
        b.iter(|| limit(black_box(RESPONSE)))
    });
    group.bench_function("parse_and_verify_ref", |b| b.iter(|| sdk(&case)));
    group.bench_function("parse_and_verify", |b| b.iter(|| owned(&case)));
    group.bench_function("parse", |b| b.iter(|| parse(black_box(RESPONSE)).unwrap()));
    group.bench_function("write", |b| b.iter(|| write(black_box(&fields)).unwrap()));
    group.finish();
    criterion.final_summary();
}
