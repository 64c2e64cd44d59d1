//! The documented test cards (docs/protocol.md §5) and what the sandbox does with any card number:
//! Luhn check, masking, brand, and the outcome of a purchase or a payout.

use serde::{Deserialize, Serialize};

/// Purchase test cards: these pay successfully.
pub(crate) const PURCHASE_TEST_CARDS: [&str; 8] = [
    "4716047261941981",
    "4916307416334310",
    "5367654276102126",
    "4939770956154989",
    "5335215945367703",
    "4916109830832246",
    "5548398681700148",
    "5475102935853613",
];

/// What a payout to a card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PayoutOutcome {
    /// Paid at once.
    Success,
    /// Refused at once with this error code.
    Error(u32),
    /// `process` until time advances, then paid.
    ProcessThenSuccess,
    /// `process` until time advances, then refused with this error code.
    ProcessThenError(u32),
}

/// The payout test cards, and success for any other valid card.
pub(crate) fn payout_outcome(pan: &str) -> PayoutOutcome {
    match pan {
        "5325349472901311" => PayoutOutcome::Error(10000),
        "4556046085041740" => PayoutOutcome::Error(10001),
        "5543974702876045" => PayoutOutcome::Error(8888),
        "5507841999732294" => PayoutOutcome::ProcessThenSuccess,
        "4532676596620704" => PayoutOutcome::ProcessThenError(10001),
        _ => PayoutOutcome::Success,
    }
}

/// The description sent with a payout error code.
pub(crate) fn payout_error_description(code: u32) -> &'static str {
    match code {
        10000 => "Payout declined (test card, error 10000)",
        10001 => "Payout declined (test card, error 10001)",
        8888 => "Payout declined (test card, error 8888)",
        75 => "Transfer execution time expired, recipient did not withdraw money",
        _ => "Payout declined",
    }
}

/// Whether a purchase with this card is approved: the documented purchase test cards are;
/// every other card is declined (`pg_failure_code` 5, "Transaction declined").
pub(crate) fn purchase_approved(pan: &str) -> bool {
    PURCHASE_TEST_CARDS.contains(&pan)
}

/// 13 to 20 digits with a valid Luhn check digit.
pub(crate) fn valid_pan(pan: &str) -> bool {
    (13..=20).contains(&pan.len()) && pan.bytes().all(|b| b.is_ascii_digit()) && luhn(pan)
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A card number with spaces and dashes removed (as typed in a page).
pub(crate) fn normalize(input: &str) -> String {
    input.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

/// The gateway's masked form: `5483-18XX-XXXX-0293` (first six and last four digits).
pub(crate) fn mask(pan: &str) -> String {
    if pan.len() < 10 {
        return "XXXX".into();
    }
    // `5483-18XX-XXXX-0293`, written into a buffer of its size.
    let mut masked = String::with_capacity(19);
    masked.push_str(&pan[..4]);
    masked.push('-');
    masked.push_str(&pan[4..6]);
    masked.push_str("XX-XXXX-");
    masked.push_str(&pan[pan.len() - 4..]);
    masked
}

/// The short brand code of the result callback (`VI`, `MC`…).
pub(crate) fn brand(pan: &str) -> &'static str {
    match pan.as_bytes().first() {
        Some(b'4') => "VI",
        Some(b'5') | Some(b'2') => "MC",
        Some(b'3') => "AX",
        Some(b'9') => "UP",
        _ => "CARD",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_card_is_valid() {
        for pan in PURCHASE_TEST_CARDS {
            assert!(valid_pan(pan), "{pan}");
        }
        for pan in [
            "4671593866478252",
            "5325349472901311",
            "4556046085041740",
            "5543974702876045",
            "5507841999732294",
            "4532676596620704",
        ] {
            assert!(valid_pan(pan), "{pan}");
        }
        assert!(!valid_pan("4405640000001234"));
        assert!(!valid_pan("411111111111"));
    }

    #[test]
    fn masks() {
        assert_eq!(mask("5483185000000293"), "5483-18XX-XXXX-0293");
    }
}
