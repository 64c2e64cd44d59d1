//! Signing allocates nothing on the heap for a realistic request: its levels are sorted in
//! buffers on the stack and the digest is hashed as it streams (the target was at
//! most one allocation per signature after warm-up; it is none). Counted, never timed.

mod support;

use freedompay_sign::{ScriptName, SecretKey, sign, verify};

#[test]
fn signing_a_realistic_request_does_not_allocate() {
    let vector = support::read_vector(&support::vector_path("realistic_init_payment"));
    let fields = vector.fields;
    let script = ScriptName::new(vector.script).unwrap();
    let secret = SecretKey::new(vector.secret).unwrap();
    // Warm-up.
    let sig = sign(&script, &fields, &secret).unwrap();

    let info = allocation_counter::measure(|| {
        for _ in 0..10 {
            std::hint::black_box(sign(&script, std::hint::black_box(&fields), &secret).unwrap());
        }
    });
    assert_eq!(info.count_total, 0, "allocations for 10 signatures");

    let mut signed = fields.clone();
    signed.push("pg_sig", sig.as_str());
    let info = allocation_counter::measure(|| {
        assert!(verify(&script, &signed, &secret).is_ok());
    });
    assert_eq!(info.count_total, 0, "allocations for one verification");
}
