//! Signing a realistic `init_payment.php` request (15 fields, ~300 bytes of canonical string)
//! beside plain MD5 over the same canonical bytes. Target: signing costs at most 1.5x the
//! bare MD5 (the difference is the per-level sort and the name checks).
//!
//! `cargo bench -p freedompay-sign`

use criterion::{Criterion, criterion_group, criterion_main};
use freedompay_sign::{Fields, ScriptName, SecretKey, explain, sign};
use md5::{Digest, Md5};
use std::hint::black_box;

fn init_payment() -> Fields {
    let mut fields = Fields::new();
    fields
        .push("pg_order_id", "ORD-2026-000123")
        .push("pg_merchant_id", "545000")
        .push("pg_amount", "24990.00")
        .push("pg_currency", "KZT")
        .push("pg_description", "Заказ №123 в интернет-магазине")
        .push("pg_salt", "q9XzL2mB7vK4tR1s")
        .push("pg_lifetime", "86400")
        .push("pg_language", "ru")
        .push("pg_testing_mode", "0")
        .push("pg_user_id", "user_42")
        .push("pg_user_phone", "77011234567")
        .push("pg_user_contact_email", "buyer@example.kz")
        .push("pg_result_url", "https://shop.example.kz/freedompay/result")
        .push("pg_success_url", "https://shop.example.kz/thanks")
        .push("pg_failure_url", "https://shop.example.kz/sorry");
    fields
}

fn bench(c: &mut Criterion) {
    let fields = init_payment();
    let script = ScriptName::new("init_payment.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
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
