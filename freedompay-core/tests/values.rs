//! Every documented limit of the values, on both sides (docs/protocol.md §1.1, §5).

use freedompay_core::{
    Amount, CardNumber, Config, Currency, DateTime, Description, IdempotencyKey, OrderId,
    PaymentId, Phone, Region, RetryPolicy, Url, UserId,
};
use proptest::prelude::*;

#[test]
fn amount_limits() {
    assert_eq!(Amount::parse("0.01").unwrap(), Amount::MIN);
    assert!(Amount::parse("0.00").is_err());
    assert!(Amount::parse("0").is_err());
    assert_eq!(Amount::parse("99999999").unwrap(), Amount::MAX);
    assert_eq!(Amount::parse("99999999.00").unwrap(), Amount::MAX);
    assert!(Amount::parse("99999999.01").is_err());
    assert!(Amount::parse("100000000").is_err());
    assert!(Amount::from_minor(0).is_err());
    assert!(Amount::from_minor(1).is_ok());
    assert!(Amount::from_minor(9_999_999_900).is_ok());
    assert!(Amount::from_minor(9_999_999_901).is_err());
    assert!(Amount::whole(0).is_err());
    assert_eq!(Amount::whole(25).unwrap().to_string(), "25");
}

#[test]
fn amount_forms() {
    assert_eq!(Amount::parse("10.5").unwrap().minor_units(), 1050);
    assert_eq!(Amount::parse("10.05").unwrap().minor_units(), 1005);
    assert_eq!(Amount::parse("007").unwrap().to_string(), "7");
    for bad in [
        "", ".", "1.", ".5", "1.234", "-1", "+1", "1e3", " 1", "1 ", "1,5", "١", "NaN", "inf",
        "0x10",
    ] {
        assert!(Amount::parse(bad).is_err(), "{bad:?} accepted");
    }
    // What the gateway sends: negative refunds, zero balances.
    assert_eq!(Amount::from_gateway("-10").unwrap().to_string(), "-10");
    assert_eq!(Amount::from_gateway("-0.5").unwrap().minor_units(), -50);
    assert_eq!(Amount::from_gateway("0.00").unwrap().minor_units(), 0);
    assert!(Amount::from_gateway("10.005").is_none());
    assert!(Amount::from_gateway("99999999999999999999").is_none());
}

proptest! {
    #[test]
    fn amount_round_trips_through_its_wire_form(minor in 1i64..=9_999_999_900) {
        let amount = Amount::from_minor(minor).unwrap();
        prop_assert_eq!(Amount::parse(&amount.to_string()).unwrap(), amount);
        prop_assert_eq!(Amount::from_gateway(&amount.to_string()).unwrap(), amount);
    }

    #[test]
    fn amount_parsing_never_panics(text in "\\PC{0,24}") {
        let _ = Amount::parse(&text);
        let _ = Amount::from_gateway(&text);
    }
}

#[test]
fn card_number_limits() {
    // Luhn-valid numbers of 12, 13, 19, 20 and 21 digits.
    assert!(CardNumber::parse("000000000000").is_err(), "12 digits");
    assert!(CardNumber::parse("0000000000000").is_ok(), "13 digits");
    assert!(
        CardNumber::parse("00000000000000000000").is_ok(),
        "20 digits"
    );
    assert!(
        CardNumber::parse("000000000000000000000").is_err(),
        "21 digits"
    );
    assert!(CardNumber::parse("4671593866478252").is_ok());
    assert!(CardNumber::parse("4671593866478253").is_err(), "Luhn");
    assert!(CardNumber::parse("4671-5938-6647-8252").is_ok());
    assert!(CardNumber::parse("4671x593866478252").is_err());
    let error = CardNumber::parse("4671593866478253").unwrap_err();
    assert!(!error.to_string().contains("4671593866478253"));
}

#[test]
fn card_numbers_print_masked() {
    let card = CardNumber::parse("5507841999732294").unwrap();
    let shown = format!("{card} {card:?}");
    assert!(!shown.contains(card.reveal()), "{shown}");
    assert_eq!(card.to_string(), "5507 84** **** 2294");
    assert_eq!(card.last4(), "2294");
    let short = CardNumber::parse("4222222222222").unwrap();
    assert_eq!(short.to_string(), "4222 22** *222 2");
}

#[test]
fn order_id_limits() {
    assert!(OrderId::new("").is_err());
    assert!(OrderId::new("1").is_ok());
    assert!(OrderId::new("x".repeat(50)).is_ok());
    assert!(OrderId::new("x".repeat(51)).is_err());
    assert!(
        OrderId::new("ж".repeat(50)).is_ok(),
        "characters, not bytes"
    );
    assert!(OrderId::new("a\nb").is_err());
}

#[test]
fn user_id_limits() {
    assert!(UserId::new("").is_err());
    assert!(UserId::new("a").is_ok());
    assert!(UserId::new("a".repeat(50)).is_ok());
    assert!(UserId::new("a".repeat(51)).is_err());
    assert!(UserId::new("A-z_09").is_ok());
    for bad in ["a b", "a.b", "a@b", "ж"] {
        assert!(UserId::new(bad).is_err(), "{bad}");
    }
}

#[test]
fn description_limits() {
    assert!(Description::new("").is_err());
    assert!(Description::new("я".repeat(1024)).is_ok());
    assert!(Description::new("я".repeat(1025)).is_err());
}

#[test]
fn url_limits() {
    let base = "https://shop.kz/";
    let at = |len: usize| format!("{base}{}", "a".repeat(len - base.len()));
    assert!(Url::new(at(255)).is_ok());
    assert!(Url::new(at(256)).is_err());
    assert!(Url::new("http://127.0.0.1:8080/result").is_ok());
    for bad in [
        "",
        "shop.kz/result",
        "ftp://shop.kz/r",
        "https:///result",
        "https://shop.kz/a b",
        "https://shop.kz/",
        "https://shop.kz",
    ] {
        assert!(Url::new(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Url::new("https://shop.kz/index.php?dispatch=x")
            .unwrap()
            .script_name()
            .as_str(),
        "index.php"
    );
}

#[test]
fn payment_id_idempotency_phone_currency_date() {
    assert!(PaymentId::parse("0").is_err());
    assert!(PaymentId::parse("1").is_ok());
    assert!(PaymentId::parse("18446744073709551615").is_ok());
    assert!(PaymentId::parse("18446744073709551616").is_err());
    assert!(PaymentId::parse("-1").is_err());

    assert!(IdempotencyKey::new("k".repeat(255)).is_ok());
    assert!(IdempotencyKey::new("k".repeat(256)).is_err());
    assert!(IdempotencyKey::new("with space").is_err());

    assert!(Phone::new("123456789").is_err(), "9 digits");
    assert!(Phone::new("1234567890").is_ok(), "10 digits");
    assert!(Phone::new("123456789012345").is_ok(), "15 digits");
    assert!(Phone::new("1234567890123456").is_err(), "16 digits");
    assert!(Phone::new("7701+7777777").is_err());

    assert_eq!(Currency::parse("kzt").unwrap(), Currency::Kzt);
    assert_eq!(
        Currency::parse("xts").unwrap(),
        Currency::Unknown("XTS".into())
    );
    assert!(Currency::parse("KZ").is_err());
    assert!(Currency::parse("KZT1").is_err());

    assert!(DateTime::parse("2024-02-29 23:59:59").is_ok());
    assert!(DateTime::parse("2023-02-29 00:00:00").is_err());
    assert!(DateTime::parse("2026-13-01 00:00:00").is_err());
    assert!(DateTime::parse("2026-12-01 24:00:00").is_err());
    assert!(DateTime::parse("2026-12-01T10:00:00").is_err());
    assert!(DateTime::parse("2026-1-01 10:00:00").is_err());
}

#[test]
fn config_validation() {
    let ok = || Config::builder().merchant_id("123456").secret_key("s");
    assert!(ok().build().is_ok());
    assert!(
        Config::builder().secret_key("s").build().is_err(),
        "merchant id required"
    );
    assert!(
        Config::builder().merchant_id("123456").build().is_err(),
        "secret required"
    );
    assert!(ok().merchant_id("12a").build().is_err());
    assert!(ok().secret_key("").build().is_err());
    assert!(ok().payout_secret_key("").build().is_err());
    assert!(
        ok().region(Region::Uz).test(true).build().is_err(),
        "no published UZ test host"
    );
    assert_eq!(
        ok().region(Region::Uz).build().unwrap().base_url(),
        "https://api.freedompay.uz"
    );
    assert_eq!(
        ok().region(Region::Money)
            .test(true)
            .build()
            .unwrap()
            .base_url(),
        "https://test-api.freedompay.money"
    );
    assert_eq!(
        ok().base_url("http://127.0.0.1:8080/")
            .build()
            .unwrap()
            .base_url(),
        "http://127.0.0.1:8080"
    );
    assert!(ok().base_url("127.0.0.1:8080").build().is_err());
    assert!(ok().base_url("https://x.kz?a=1").build().is_err());
    assert!(ok().timeout(std::time::Duration::ZERO).build().is_err());
    assert!(
        ok().timeout(std::time::Duration::from_secs(601))
            .build()
            .is_err()
    );
    assert!(
        ok().retry(RetryPolicy {
            max_attempts: 0,
            ..RetryPolicy::default()
        })
        .build()
        .is_err()
    );

    // One secret serves both unless a payout secret is given.
    let config = ok().build().unwrap();
    assert_eq!(
        config.secret(freedompay_core::SecretKind::Payment),
        config.secret(freedompay_core::SecretKind::Payout)
    );
    let shown = format!("{:?}", ok().secret_key("hunter2-secret").build().unwrap());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(
        config.url("/v1/merchant/{merchant_id}/card/init"),
        "https://api.freedompay.kz/v1/merchant/123456/card/init"
    );
}

#[test]
fn retry_backoff_doubles_up_to_the_cap() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(2).as_millis(), 250);
    assert_eq!(policy.backoff(3).as_millis(), 500);
    assert_eq!(policy.backoff(6).as_millis(), 4000);
    assert_eq!(policy.backoff(40).as_millis(), 4000);
}
