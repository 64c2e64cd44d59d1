//! `POST /api/balance_status`: the merchant's payout balance.

use crate::{Amount, SecretKind};

operation! {
    /// Asks for the balance available for payouts (`/api/balance_status`, payout secret).
    ///
    /// ```
    /// use freedompay_core::payout::Balance;
    ///
    /// let query = Balance::new();
    /// # let _ = query;
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct Balance => BalanceInfo {
        name: "balance",
        path: "/api/balance_status",
        secret: SecretKind::Payout,
        moves_money: false;
        /// The query; it has no fields of its own.
        pub fn new();
    }
}

reply! {
    /// The payout balance.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct BalanceInfo {
        /// `pg_balance`: what can be paid out, in the merchant's currency.
        balance: Amount = "pg_balance",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&Balance::new()));
    }
}
