//! The `serde` feature: values, a request, a result, a notification and the error types as
//! JSON, and back where that round-trips.
#![cfg(feature = "serde")]

use freedompay_core::notifications::{ResultNotification, testing::signed_form};
use freedompay_core::payment::{ApproveMobilePayment, MaskedPan, RecurringProfileId};
use freedompay_core::payout::{BankRecipient, Bik, Iban, Iin, Kbe, Knp};
use freedompay_core::payout::{PayoutToCard, PayoutToCardResult};
use freedompay_core::sign::SecretKey;
use freedompay_core::{
    Amount, CardNumber, Config, Currency, DateTime, Description, Error, ErrorClass, ErrorCode,
    IdempotencyKey, InvalidInput, OrderId, PaymentId, Phone, Status, Url, UserId,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/serde/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `value` serializes to `json`, and `json` reads back to `value`.
fn round_trip<T>(value: T, json: Value)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_value(&value).unwrap(), json);
    let back: T = serde_json::from_value(json).unwrap();
    assert_eq!(back, value);
}

/// The error of reading `json` as `T`.
fn refused<T: DeserializeOwned + std::fmt::Debug>(json: Value) -> String {
    serde_json::from_value::<T>(json).unwrap_err().to_string()
}

#[test]
fn amounts_are_decimal_strings_with_two_fraction_digits() {
    round_trip(Amount::parse("2500").unwrap(), json!("2500.00"));
    round_trip(Amount::parse("1500.5").unwrap(), json!("1500.50"));
    // Read back from a stored result: a refund is negative, a balance may be zero.
    round_trip(Amount::from_gateway("-10").unwrap(), json!("-10.00"));
    round_trip(Amount::from_gateway("0").unwrap(), json!("0.00"));
    assert_eq!(
        serde_json::from_value::<Amount>(json!("25")).unwrap(),
        Amount::whole(25).unwrap()
    );
    // Never a float, never more than two fraction digits.
    assert!(refused::<Amount>(json!(2500.0)).contains("a string"));
    assert!(refused::<Amount>(json!(2500)).contains("a string"));
    assert!(refused::<Amount>(json!("10.005")).contains("at most two fraction digits"));
    assert!(refused::<Amount>(json!("1e3")).contains("decimal string"));
}

#[test]
fn validated_texts_round_trip_and_validate_on_the_way_in() {
    round_trip(OrderId::new("order-42").unwrap(), json!("order-42"));
    round_trip(UserId::new("user_42").unwrap(), json!("user_42"));
    round_trip(Description::new("Оплата").unwrap(), json!("Оплата"));
    round_trip(
        Phone::new("+7 701 777 77 77").unwrap(),
        json!("77017777777"),
    );
    round_trip(
        Url::new("https://shop.kz/freedompay/result").unwrap(),
        json!("https://shop.kz/freedompay/result"),
    );
    round_trip(IdempotencyKey::new("key-1").unwrap(), json!("key-1"));
    round_trip(
        DateTime::parse("2026-12-31 23:59:00").unwrap(),
        json!("2026-12-31 23:59:00"),
    );
    round_trip(Currency::Kzt, json!("KZT"));
    round_trip(Currency::Unknown("XTS".into()), json!("XTS"));
    round_trip(Status::Ok, json!("ok"));

    assert_eq!(
        refused::<OrderId>(json!("")),
        "invalid pg_order_id: must not be empty"
    );
    assert!(refused::<UserId>(json!("user 42")).contains("pg_user_id"));
    assert!(refused::<Url>(json!("ftp://shop.kz/result")).contains("https://"));
    assert!(refused::<DateTime>(json!("2026-02-30 10:00:00")).contains("not a valid date"));
    assert!(refused::<Phone>(json!("12345")).contains("10 to 15 digits"));
}

#[test]
fn bank_codes_and_profile_ids_round_trip() {
    round_trip(Bik::parse("KCJBKZKX").unwrap(), json!("KCJBKZKX"));
    round_trip(Kbe::parse("19").unwrap(), json!("19"));
    round_trip(Knp::parse("119").unwrap(), json!("119"));
    round_trip(
        RecurringProfileId::new("35768492").unwrap(),
        json!("35768492"),
    );
    assert!(refused::<Kbe>(json!("9")).contains("pg_recipient_kbe"));
    // A reported mask reads back as it was written.
    round_trip(
        MaskedPan::new("5483-18XX-XXXX-0293"),
        json!("5483-18XX-XXXX-0293"),
    );
}

#[test]
fn personal_data_serializes_masked_only() {
    let iban = Iban::parse("KZ86125KZT5004100100").unwrap();
    let iin = Iin::parse("900101301234").unwrap();
    let recipient = BankRecipient::new(
        iban.clone(),
        iin.clone(),
        "Иванов Иван Иванович",
        Kbe::parse("19").unwrap(),
        Bik::parse("KCJBKZKX").unwrap(),
    )
    .unwrap();
    let json = serde_json::to_value(&recipient).unwrap();
    assert_eq!(json["iban"], json!(iban.to_string()));
    assert_eq!(json["iin"], json!(iin.to_string()));
    assert_eq!(json["name"], json!("И***"));
    let text = json.to_string();
    for hidden in ["KZ86125KZT5004100100", "900101301234", "Иванов"] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
    // A full number the gateway should have masked is masked again.
    assert_eq!(
        serde_json::to_value(MaskedPan::new("4405640000006150")).unwrap(),
        json!("440564******6150")
    );
}

#[test]
fn payment_ids_are_numbers_and_zero_is_refused() {
    round_trip(PaymentId::new(123_456_789).unwrap(), json!(123_456_789));
    assert!(refused::<PaymentId>(json!(0)).contains("positive"));
    assert!(refused::<PaymentId>(json!(-1)).contains("invalid value"));
}

#[test]
fn card_numbers_serialize_masked_only() {
    let card = CardNumber::parse("4671593866478252").unwrap();
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        json!("4671 59** **** 8252")
    );
}

#[test]
fn a_request_serializes_with_the_card_masked_and_unset_options_left_out() {
    let payout = PayoutToCard::new(
        OrderId::new("payout-42").unwrap(),
        Amount::parse("1500.50").unwrap(),
        CardNumber::parse("4671593866478252").unwrap(),
        Description::new("Salary, November").unwrap(),
        Url::new("https://shop.kz/freedompay/payout-notify").unwrap(),
    );
    let json = serde_json::to_value(&payout).unwrap();
    assert_eq!(json, fixture("payout_to_card_request.json"));
    assert!(!json.to_string().contains("4671593866478252"));
}

#[test]
fn a_one_time_code_never_serializes() {
    let approve = ApproveMobilePayment::new(PaymentId::new(123_456).unwrap(), "111111").unwrap();
    assert_eq!(
        serde_json::to_value(&approve).unwrap(),
        json!({"payment_id": 123_456, "code": "***"})
    );
}

#[test]
fn a_result_round_trips() {
    let json = fixture("payout_to_card_result.json");
    let result: PayoutToCardResult = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(result.payment_id.get(), 123_456_789);
    assert_eq!(result.balance, Amount::from_gateway("-10"));
    assert_eq!(serde_json::to_value(&result).unwrap(), json);
}

#[test]
fn a_notification_serializes_without_its_signature_or_salt_and_with_the_pan_masked() {
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("TESTSECRET")
        .build()
        .unwrap();
    let secret = SecretKey::new("TESTSECRET").unwrap();
    let url = "https://shop.kz/freedompay/result";
    let body = signed_form(
        url,
        &[
            ("pg_order_id", "42"),
            ("pg_payment_id", "123456"),
            ("pg_amount", "1500"),
            ("pg_currency", "KZT"),
            ("pg_result", "1"),
            ("pg_can_reject", "0"),
            // A full number where a masked one belongs: it must not reach the JSON.
            ("pg_card_pan", "4405640000006150"),
            ("pg_failure_code", "5"),
            ("pg_salt", "salt-that-must-not-show"),
        ],
        &secret,
    );
    let notification = ResultNotification::verify(url, "", &body, &config).unwrap();
    let json = serde_json::to_value(&notification).unwrap();
    assert_eq!(json["payment_id"], json!(123456));
    assert_eq!(json["amount"], json!("1500.00"));
    assert_eq!(json["currency"], json!("KZT"));
    assert_eq!(json["result"], json!("success"));
    assert_eq!(json["card_pan"], json!("440564******6150"));
    assert_eq!(json["failure_code"], json!(5));
    let text = json.to_string();
    for hidden in [
        "4405640000006150",
        "salt-that-must-not-show",
        "pg_sig",
        "TESTSECRET",
    ] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
}

#[test]
fn error_codes_are_numbers_and_classes_names() {
    round_trip(ErrorCode::CheckStatus, json!(9999));
    round_trip(ErrorCode::Unknown(4242), json!(4242));
    assert_eq!(
        serde_json::from_value::<ErrorCode>(json!(340)).unwrap(),
        ErrorCode::TransactionNotFound
    );
    round_trip(ErrorClass::OutcomeUnknown, json!("outcome_unknown"));
    round_trip(ErrorClass::Final, json!("final"));
}

#[test]
fn an_error_serializes_as_a_summary() {
    let refused = InvalidInput::new("pg_amount", "must be at least 0.01");
    assert_eq!(
        serde_json::to_value(&refused).unwrap(),
        json!({"field": "pg_amount", "rule": "must be at least 0.01"})
    );
    let error = Error::from(refused);
    assert_eq!(
        serde_json::to_value(&error).unwrap(),
        json!({
            "operation": "input",
            "order_id": null,
            "kind": "invalid_input",
            "error_code": null,
            "may_have_been_sent": false,
            "outcome_unknown": false,
            "attempts": 0,
            "message": "input: invalid pg_amount: must be at least 0.01 (nothing was sent)",
        })
    );
}
