//! The Partner API (exchange rates, products, e-money): `/v5/partner/*`, JSON signed with the
//! Partner API's own `auth_id` and secret (HS256), with an `X-Request-Id` (UUID v7) on every
//! request (freedompay.kz/docs-en/partners/intro, docs.freedompay.kz info-32239722e0;
//! docs/protocol.md §12.5).
//!
//! Declared here: **rates** (add), **products** (add user), **e-money** (block, statement):
//! the endpoints whose path and members are published. The others of the navigation (add
//! product, add user with product, grant user, send auth data, request status; e-money add,
//! owner identification, info, close, balance, request status) came back without a path or
//! without members (docs/protocol.md §12.5 [?]): send them with a
//! [`JsonCall`](super::JsonCall) on [`JsonApi::Partner`](super::JsonApi).

mod emoney;
mod products;

pub use emoney::{
    BlockWallet, Correspondent, WalletOperation, WalletState, WalletStatement, WalletStatementReply,
};
pub use products::{AddUser, UserAdded};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::JsonApi;
use crate::{Currency, InvalidInput};

/// One rate of [`AddRates`]: `currency_from`, `currency_to`, `rate` (a JSON number written
/// from its decimal text, up to 6 fraction digits in the example, never a float), and the
/// optional `rate_type` (`p2p` in the example), `start_date` and `end_date`
/// (`YYYY-MM-DD hh:mm:ss`).
#[derive(Debug, Clone, Serialize)]
pub struct Rate {
    currency_from: String,
    currency_to: String,
    rate: Box<RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
}

impl Rate {
    /// `rate` units of `to` for one of `from`; `rate` is a positive decimal (`441.507`).
    pub fn new(from: Currency, to: Currency, rate: &str) -> Result<Self, InvalidInput> {
        let valid = {
            let (int, frac) = rate.split_once('.').unwrap_or((rate, ""));
            !int.is_empty()
                && int.len() <= 12
                && int.bytes().all(|b| b.is_ascii_digit())
                && !(int.len() > 1 && int.starts_with('0'))
                && rate.contains('.') != frac.is_empty()
                && frac.len() <= 8
                && frac.bytes().all(|b| b.is_ascii_digit())
                && rate.bytes().any(|b| (b'1'..=b'9').contains(&b))
        };
        if !valid {
            return Err(InvalidInput::new(
                "rate",
                "a positive decimal number, at most 8 fraction digits",
            ));
        }
        Ok(Self {
            currency_from: from.as_str().to_owned(),
            currency_to: to.as_str().to_owned(),
            rate: RawValue::from_string(rate.to_owned())
                .map_err(|_| InvalidInput::new("rate", "a decimal number"))?,
            rate_type: None,
            start_date: None,
            end_date: None,
        })
    }

    /// `rate_type` (`p2p` in the example; the other values are not published [?]).
    pub fn rate_type(mut self, rate_type: impl Into<String>) -> Self {
        self.rate_type = Some(rate_type.into());
        self
    }

    /// `start_date` and `end_date`: when the rate applies (`2023-09-20 12:00:00`).
    pub fn valid(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.start_date = Some(start.into());
        self.end_date = Some(end.into());
        self
    }
}

impl PartialEq for Rate {
    fn eq(&self, other: &Self) -> bool {
        self.currency_from == other.currency_from
            && self.currency_to == other.currency_to
            && self.rate.get() == other.rate.get()
            && self.rate_type == other.rate_type
            && self.start_date == other.start_date
            && self.end_date == other.end_date
    }
}

/// `POST /v5/partner/rates/add`: uploads the partner's own exchange rates used for conversion
/// (freedompay.kz/docs-en/partners/intro). Moves no money: uploading the same rates again
/// leaves the same rates, so the call may be retried after a failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddRates {
    rates: Vec<Rate>,
}

impl AddRates {
    /// Uploads `rates` (at least one).
    pub fn new(rates: Vec<Rate>) -> Result<Self, InvalidInput> {
        if rates.is_empty() {
            return Err(InvalidInput::new("rates", "give at least one rate"));
        }
        Ok(Self { rates })
    }
}

/// The reply of [`AddRates`]: its members are not published [?]; `status` is read when sent.
/// The reply headers `X-Request-Id`, `X-Datetime` and `X-Request-Status` are published
/// (docs.freedompay.kz info-32239722e0).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RatesAdded {
    /// `status`, when the reply has one.
    #[serde(default)]
    pub status: Option<String>,
}

crate::json_operation! {
    AddRates => RatesAdded {
        name: "partner_rates_add",
        api: JsonApi::Partner,
        path: "/v5/partner/rates/add",
        moves_money: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    fn documented() -> AddRates {
        AddRates::new(vec![
            Rate::new(Currency::Usd, Currency::Kzt, "123.123456")
                .unwrap()
                .rate_type("p2p")
                .valid("2023-09-20 12:00:00", "2023-09-20 12:00:00"),
            Rate::new(Currency::Eur, Currency::Kzt, "123.123456").unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn rates_add_writes_the_documented_body() {
        let wire = json_wire(&documented());
        // The page's body, compact, member for member; the rate exactly as written.
        let page: serde_json::Value =
            serde_json::from_slice(&fixture("partner_api/rates_add_request.json")).unwrap();
        assert_eq!(crate::json::card_api::wire_body(&wire), page, "{wire}");
        assert!(
            wire.contains("X-Request-Id: 01978c2b-f191-7b56-92f8-20c7c401d1fc"),
            "{wire}"
        );
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn rates_are_decimals() {
        assert_eq!(
            Rate::new(Currency::Usd, Currency::Kzt, "4e2")
                .unwrap_err()
                .field(),
            "rate"
        );
        assert!(Rate::new(Currency::Usd, Currency::Kzt, "0").is_err());
        assert!(Rate::new(Currency::Usd, Currency::Kzt, "1.").is_err());
        assert!(AddRates::new(vec![]).is_err());
    }

    #[test]
    fn an_unpublished_reply_still_reads() {
        let op = documented();
        let reply = read_fixture(&op, "partner_api/rates_add_reply_empty.json").unwrap();
        assert_eq!(reply.status, None);
    }
}
