//! The interop features: each conversion both ways where it exists, and the refusals.

#[cfg(feature = "rust_decimal")]
mod rust_decimal_amounts {
    use freedompay_core::Amount;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_convert_both_ways_without_a_float() {
        for text in ["0.01", "25", "1500.50", "99999999"] {
            let amount = Amount::parse(text).unwrap();
            let decimal = Decimal::from(amount);
            assert_eq!(decimal.scale(), 2);
            assert_eq!(Amount::try_from(decimal).unwrap(), amount);
        }
        // A refund read from the gateway converts too.
        assert_eq!(
            Decimal::from(Amount::from_gateway("-10.5").unwrap()).to_string(),
            "-10.50"
        );
    }

    #[test]
    fn the_rules_of_an_amount_to_send_hold() {
        let refused = |d: Decimal| Amount::try_from(d).unwrap_err().to_string();
        assert!(refused(Decimal::new(10005, 3)).contains("two fraction digits"));
        assert!(refused(Decimal::ZERO).contains("at least 0.01"));
        assert!(refused(Decimal::new(-100, 2)).contains("at least 0.01"));
        assert!(refused(Decimal::new(10_000_000_000, 2)).contains("at most 99999999"));
        assert!(refused(Decimal::MAX).contains("at most 99999999"));
    }
}

#[cfg(feature = "chrono")]
mod chrono_dates {
    use chrono::NaiveDate;
    use freedompay_core::DateTime;

    #[test]
    fn dates_convert_both_ways_and_fractions_are_dropped() {
        let ours = DateTime::parse("2028-02-29 07:08:09").unwrap();
        let theirs = chrono::NaiveDateTime::from(ours);
        assert_eq!(theirs.to_string(), "2028-02-29 07:08:09");
        assert_eq!(DateTime::try_from(theirs).unwrap(), ours);
        let with_millis = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_milli_opt(10, 0, 0, 999)
            .unwrap();
        assert_eq!(
            DateTime::try_from(with_millis).unwrap().to_string(),
            "2026-01-01 10:00:00"
        );
    }

    #[test]
    fn years_outside_the_format_are_refused() {
        for year in [0, -5, 10_000] {
            let date = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            assert!(DateTime::try_from(date).is_err(), "{year}");
        }
    }
}

#[cfg(feature = "jiff")]
mod jiff_dates {
    use freedompay_core::DateTime;

    #[test]
    fn dates_convert_both_ways() {
        let ours = DateTime::parse("2028-02-29 07:08:09").unwrap();
        let theirs = jiff::civil::DateTime::from(ours);
        assert_eq!(theirs, jiff::civil::date(2028, 2, 29).at(7, 8, 9, 0));
        assert_eq!(DateTime::try_from(theirs).unwrap(), ours);
        let fraction = jiff::civil::date(2026, 1, 1).at(10, 0, 0, 500_000_000);
        assert_eq!(
            DateTime::try_from(fraction).unwrap().to_string(),
            "2026-01-01 10:00:00"
        );
    }

    #[test]
    fn years_outside_the_format_are_refused() {
        for year in [0, -5] {
            let date = jiff::civil::date(year, 1, 1).at(0, 0, 0, 0);
            assert!(DateTime::try_from(date).is_err(), "{year}");
        }
    }
}

#[cfg(feature = "uuid")]
mod uuid_keys {
    use freedompay_core::{IdempotencyKey, OrderId};
    use uuid::Uuid;

    #[test]
    fn uuids_make_keys_and_order_ids() {
        let id = Uuid::from_u128(u128::MAX);
        let key = IdempotencyKey::from(id);
        assert_eq!(key.as_str(), "ffffffff-ffff-ffff-ffff-ffffffffffff");
        // What the checking constructors would accept.
        assert_eq!(IdempotencyKey::new(key.as_str()).unwrap(), key);
        let order = OrderId::from(Uuid::nil());
        assert_eq!(OrderId::new(order.as_str()).unwrap(), order);
    }
}
