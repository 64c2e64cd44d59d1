//! E-money wallets of the Partner API (`/v5/partner/wallet/*`), docs.freedompay.kg
//! api-13677917 (block) and api-13677919 (statement).

use serde::{Deserialize, Serialize};

use crate::json::JsonApi;
use crate::json::card_api::{check_id, check_text};
use crate::json::values::amount_text;
use crate::{Amount, InvalidInput};

/// `POST /v5/partner/wallet/block`: blocks an e-money wallet (docs.freedompay.kg
/// api-13677917). Body: `request_id` (the call's request id, a UUID, also in `X-Request-Id`),
/// `identifier` (the wallet), `description` (the reason), all required. Moves no money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockWallet {
    identifier: String,
    description: String,
}

impl BlockWallet {
    /// Blocks wallet `identifier` for `description`.
    pub fn new(
        identifier: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let (identifier, description) = (identifier.into(), description.into());
        check_id("identifier", &identifier)?;
        check_text("description", &description)?;
        Ok(Self {
            identifier,
            description,
        })
    }
}

/// The reply of a wallet request (docs.freedompay.kg api-13677917): `status` (`ok`; an
/// `error` is the call's error), `request_status` (values not published [?]), `dt`, and
/// `error_code`/`error_description` when something went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WalletState {
    /// `status`.
    #[serde(default)]
    pub status: Option<String>,
    /// `request_status`, as sent.
    #[serde(default)]
    pub request_status: Option<String>,
    /// `dt`, as sent (RFC 3339).
    #[serde(default)]
    pub dt: Option<String>,
    /// `error_code`, as text (the page types it as a string).
    #[serde(
        default,
        deserialize_with = "crate::json::values::text_or_number::deserialize"
    )]
    pub error_code: Option<String>,
    /// `error_description`.
    #[serde(default)]
    pub error_description: Option<String>,
}

crate::json_operation! {
    BlockWallet => WalletState {
        name: "partner_wallet_block",
        api: JsonApi::Partner,
        path: "/v5/partner/wallet/block",
        moves_money: false,
        request_id: "request_id",
    }
}

/// `POST /v5/partner/wallet/statement`: a wallet's operations (docs.freedompay.kg
/// api-13677919). Body: `identifier` (required), `start_date`, `end_date` (RFC 3339,
/// optional). A query: retried after a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletStatement {
    identifier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
}

impl WalletStatement {
    /// The statement of wallet `identifier`.
    pub fn new(identifier: impl Into<String>) -> Result<Self, InvalidInput> {
        let identifier = identifier.into();
        check_id("identifier", &identifier)?;
        Ok(Self {
            identifier,
            start_date: None,
            end_date: None,
        })
    }

    /// `start_date` and `end_date` (`2019-08-24T14:15:22Z`).
    pub fn between(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.start_date = Some(start.into());
        self.end_date = Some(end.into());
        self
    }
}

/// One operation of a [`WalletStatementReply`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WalletOperation {
    /// `type`, as sent (values not published [?]).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// `amount` (a decimal, never a float).
    #[serde(default, deserialize_with = "amount_text::deserialize")]
    pub amount: Option<Amount>,
    /// `commission`.
    #[serde(default, deserialize_with = "amount_text::deserialize")]
    pub commission: Option<Amount>,
    /// `currency`, as sent.
    #[serde(default)]
    pub currency: Option<String>,
    /// `datetime`, as sent.
    #[serde(default)]
    pub datetime: Option<String>,
    /// `rrn`: the bank's reference.
    #[serde(default)]
    pub rrn: Option<String>,
    /// `correspondent`: the other side.
    #[serde(default)]
    pub correspondent: Option<Correspondent>,
}

/// `correspondent` of a [`WalletOperation`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Correspondent {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `account_number`, as sent.
    #[serde(default)]
    pub account_number: Option<String>,
}

/// The reply of [`WalletStatement`] (docs.freedompay.kg api-13677919).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WalletStatementReply {
    /// `status`.
    #[serde(default)]
    pub status: Option<String>,
    /// `request_status`.
    #[serde(default)]
    pub request_status: Option<String>,
    /// `operations`.
    #[serde(default)]
    pub operations: Vec<WalletOperation>,
    /// `dt`.
    #[serde(default)]
    pub dt: Option<String>,
}

crate::json_operation! {
    WalletStatement => WalletStatementReply {
        name: "partner_wallet_statement",
        api: JsonApi::Partner,
        path: "/v5/partner/wallet/statement",
        moves_money: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::card_api::wire_body;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    #[test]
    fn block_writes_the_documented_members() {
        let wire = json_wire(&BlockWallet::new("string", "string").unwrap());
        let mut page: serde_json::Value =
            serde_json::from_slice(&fixture("partner_api/wallet_block_request.json")).unwrap();
        // The call's own request id replaces the page's.
        page["request_id"] = "01978c2b-f191-7b56-92f8-20c7c401d1fc".into();
        assert_eq!(wire_body(&wire), page, "{wire}");
        insta::assert_snapshot!(wire);
    }

    #[test]
    fn the_documented_block_reply_parses() {
        let op = BlockWallet::new("w", "d").unwrap();
        let state = read_fixture(&op, "partner_api/wallet_block_reply.json").unwrap();
        assert_eq!(state.dt.as_deref(), Some("2019-08-24T14:15:22Z"));
        assert_eq!(state.error_code.as_deref(), Some("string"));
    }

    #[test]
    fn statement_writes_the_documented_body_and_reads_the_reply() {
        let op = WalletStatement::new("string")
            .unwrap()
            .between("2019-08-24T14:15:22Z", "2019-08-24T14:15:22Z");
        let wire = json_wire(&op);
        let page: serde_json::Value =
            serde_json::from_slice(&fixture("partner_api/wallet_statement_request.json")).unwrap();
        assert_eq!(wire_body(&wire), page, "{wire}");
        insta::assert_snapshot!(wire);
        let reply = read_fixture(&op, "partner_api/wallet_statement_reply.json").unwrap();
        assert_eq!(reply.operations.len(), 1);
        assert_eq!(
            reply.operations[0]
                .amount
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("0")
        );
        assert_eq!(reply.operations[0].rrn.as_deref(), Some("string"));
    }
}
