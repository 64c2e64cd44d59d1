//! Signing a realistic `init_payment.php` request (15 fields, ~300 bytes of canonical string)
//! beside plain MD5 over the same canonical bytes. Target: signing costs at most 1.5x the
//! bare MD5 (the difference is the per-level sort and the name checks).
//!
//! `cargo bench -p freedompay-sign`

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use freedompay_sign::{ScriptName, SecretKey, explain, sign};
use md5::{Digest, Md5};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let vector = support::read_vector(&support::vector_path("realistic_init_payment"));
    let fields = vector.fields;
    let script = ScriptName::new(vector.script).unwrap();
    let secret = SecretKey::new(vector.secret).unwrap();
    let canonical = explain(&script, &fields)
        .unwrap()
        .replace(";***", ";TESTSECRET");
    assert_eq!(
        sign(&script, &fields, &secret).unwrap().as_str(),
        {
            let digest = Md5::digest(canonical.as_bytes());
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        },
        "the bench compares equal work"
    );
    eprintln!("canonical string: {} bytes", canonical.len());

    let mut group = c.benchmark_group("init_payment");
    group.bench_function("sign", |b| {
        b.iter(|| sign(&script, black_box(&fields), &secret).unwrap())
    });
    group.bench_function("bare_md5", |b| {
        b.iter(|| Md5::digest(black_box(canonical.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
