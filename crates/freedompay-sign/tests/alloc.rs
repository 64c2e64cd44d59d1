//! Signing allocates nothing on the heap for a realistic request: its levels are sorted in
//! buffers on the stack and the digest is hashed as it streams (the target is at most one
//! allocation per signature after warm-up). Counted, never timed.

use freedompay_sign::{Fields, ScriptName, SecretKey, sign, verify};

fn init_payment() -> Fields {
    let mut position = Fields::new();
    position
        .push("count", "1")
        .push("name", "Наушники")
        .push("tax_type", "0")
        .push("price", "24990");
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
        .push("pg_failure_url", "https://shop.example.kz/sorry")
        .push_list("pg_receipt_positions", [position]);
    fields
}

#[test]
fn signing_a_realistic_request_does_not_allocate() {
    let fields = init_payment();
    let script = ScriptName::new("init_payment.php").unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    // Warm-up.
    let sig = sign(&script, &fields, &secret).unwrap();

    let info = allocation_counter::measure(|| {
        for _ in 0..10 {
            std::hint::black_box(sign(&script, std::hint::black_box(&fields), &secret).unwrap());
        }
    });
    assert!(
        info.count_total <= 10,
        "{} allocations for 10 signatures",
        info.count_total
    );

    let mut signed = fields.clone();
    signed.push("pg_sig", sig.as_str());
    let info = allocation_counter::measure(|| {
        assert!(verify(&script, &signed, &secret).is_ok());
    });
    assert!(
        info.count_total <= 1,
        "{} allocations for one verification",
        info.count_total
    );
}
