//! `POST /api/balance_status`: the merchant's payout balance.

use freedompay_sign::Fields;

use crate::{Amount, Config, InvalidInput, Operation, ReadError, Response, SecretKind};

/// Asks for the balance available for payouts (`/api/balance_status`, payout secret).
///
/// ```
/// use freedompay_core::payout::Balance;
///
/// let query = Balance::new();
/// # let _ = query;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balance {
    _private: (),
}

impl Balance {
    /// The query; it has no fields of its own.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The payout balance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BalanceInfo {
    /// `pg_balance`: what can be paid out, in the merchant's currency.
    pub balance: Amount,
}

impl Operation for Balance {
    type Output = BalanceInfo;
    const NAME: &'static str = "balance";
    const PATH: &'static str = "/api/balance_status";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn write_fields(&self, _fields: &mut Fields) -> Result<(), InvalidInput> {
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<BalanceInfo, ReadError> {
        Ok(BalanceInfo {
            balance: reply.require("pg_balance")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&Balance::new()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&Balance::new(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_seed_reply() {
        let info = reply(&Balance::new(), "payout/balance_status.xml").expect("reads");
        assert_eq!(info.balance, Amount::from_gateway("1000.50").unwrap());
    }
}
