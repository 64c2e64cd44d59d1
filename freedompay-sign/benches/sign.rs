//! Signing a realistic `init_payment.php` request (15 fields, a 286-byte canonical string)
//! beside bare MD5 over the same canonical bytes: the limit, since signing must hash those
//! bytes anyway. Target: signing costs at most 1.5x the bare MD5.
//!
//! * `cargo bench -p freedompay-sign --bench sign` prints the ratio measured side by side
//!   (batches of each, alternated: the ratio of the fastest batches and the median of the
//!   per-round ratios), then criterion's figures. `-- --list` lists the benchmarks and runs nothing.
//! * `FREEDOMPAY_CALLGRIND=10000 valgrind --tool=callgrind target/release/deps/sign-*` runs
//!   each side 10,000 times and nothing else; `callgrind_annotate --inclusive=yes` then shows
//!   `sdk_side` and `limit_side`, whose ratio does not depend on the machine's load.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use freedompay_sign::{Fields, ScriptName, SecretKey, Signature, explain, sign};
use md5::{Digest, Md5};

struct Case {
    fields: Fields,
    script: ScriptName,
    secret: SecretKey,
    canonical: Vec<u8>,
}

fn case() -> Case {
    let vector = support::read_vector(&support::vector_path("realistic_init_payment"));
    let script = ScriptName::new(vector.script).unwrap();
    let secret = SecretKey::new(vector.secret).unwrap();
    let canonical = explain(&script, &vector.fields)
        .unwrap()
        .replace(";***", ";TESTSECRET")
        .into_bytes();
    let case = Case {
        fields: vector.fields,
        script,
        secret,
        canonical,
    };
    let digest: String = Md5::digest(&case.canonical)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sdk(&case).as_str(), digest, "both sides do the same work");
    case
}

/// The SDK: canonicalise and sign the tree.
fn sdk(case: &Case) -> Signature {
    sign(&case.script, black_box(&case.fields), &case.secret).unwrap()
}

/// The limit: MD5 over the canonical bytes, already joined.
fn limit(case: &Case) -> [u8; 16] {
    Md5::digest(black_box(&case.canonical)).into()
}

#[inline(never)]
fn sdk_side(case: &Case, times: usize) {
    for _ in 0..times {
        black_box(sdk(case));
    }
}

#[inline(never)]
fn limit_side(case: &Case, times: usize) {
    for _ in 0..times {
        black_box(limit(case));
    }
}

/// Alternates batches of each side so that both run under the same load, and prints two
/// ratios: of the fastest batch of each side (the least disturbed by other work on the
/// machine), and the median of the per-round ratios (with its quartiles).
fn side_by_side(case: &Case) {
    const ROUNDS: usize = 400;
    const BATCH: usize = 200;
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut fastest = [f64::INFINITY; 2];
    for _ in 0..ROUNDS {
        let start = Instant::now();
        limit_side(case, BATCH);
        let limit_time = start.elapsed().as_secs_f64();
        let start = Instant::now();
        sdk_side(case, BATCH);
        let sdk_time = start.elapsed().as_secs_f64();
        ratios.push(sdk_time / limit_time);
        fastest[0] = fastest[0].min(limit_time);
        fastest[1] = fastest[1].min(sdk_time);
    }
    ratios.sort_by(f64::total_cmp);
    let per_call = |time: f64| time / BATCH as f64 * 1e9;
    println!(
        "init_payment/side_by_side ({ROUNDS} rounds of {BATCH}), fastest batches: bare MD5 {:.0} ns, \
         sign {:.0} ns per message",
        per_call(fastest[0]),
        per_call(fastest[1]),
    );
    println!(
        "  sign / bare MD5 = {:.2}x fastest, median {:.2}x (quartiles {:.2}x-{:.2}x) (target <= 1.5x)",
        fastest[1] / fastest[0],
        ratios[ROUNDS / 2],
        ratios[ROUNDS / 4],
        ratios[3 * ROUNDS / 4],
    );
}

fn main() {
    let case = case();
    if let Some(times) = std::env::var("FREEDOMPAY_CALLGRIND")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        sdk_side(&case, times);
        limit_side(&case, times);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let listing = args.iter().any(|a| a == "--list");
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) criterion runs each
    // benchmark once as a test, and the side-by-side rounds are skipped too.
    if !listing && args.iter().any(|a| a == "--bench") {
        eprintln!("canonical string: {} bytes", case.canonical.len());
        side_by_side(&case);
    }

    let mut criterion = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .configure_from_args();
    let mut group = criterion.benchmark_group("init_payment");
    group.bench_function("sign", |b| b.iter(|| sdk(&case)));
    group.bench_function("bare_md5", |b| b.iter(|| limit(&case)));
    group.finish();
    criterion.final_summary();
}
