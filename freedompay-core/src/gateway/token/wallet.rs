//! `POST /g2g/payment` with a wallet's payment data: Apple Pay, Google Pay, Samsung Pay.

use core::fmt;

use freedompay_sign::Fields;
use zeroize::Zeroize;

use super::TokenPaymentResult;
use crate::declare::{WriteFields, amount_to_send};
use crate::gateway::holder_name;
use crate::{Amount, CardNumber, Currency, Description, Expiry, InvalidInput, OrderId, SecretKind};

wire_enum! {
    /// `pg_payment_method`: the wallet that produced the payment data.
    ///
    /// The documentation names `apple_pay` and `google_pay` (docs.freedompay.kz doc-776176);
    /// `samsung_pay` follows their pattern, the Samsung Pay page's values were not published
    /// [?].
    Wallet {
        /// `apple_pay`.
        ApplePay = "apple_pay",
        /// `google_pay`.
        GooglePay = "google_pay",
        /// `samsung_pay` [?].
        SamsungPay = "samsung_pay",
    }
}

/// A wallet's decrypted payment data, passed through as the Gateway takes it: the device
/// card number (DPAN) and its expiry as the card fields, the online payment cryptogram
/// (`pg_online_payment_cryptogram`) and the ECI (`pg_eci_indicator`).
///
/// Card data under PCI DSS: `Debug` masks the number and shows neither the expiry nor the
/// cryptogram, and the cryptogram is wiped from memory on drop.
///
/// ```
/// use freedompay_core::gateway::{Wallet, WalletPaymentData};
/// use freedompay_core::{CardNumber, Expiry};
///
/// let data = WalletPaymentData::new(
///     Wallet::ApplePay,
///     CardNumber::parse("4405645000006150")?,
///     Expiry::new(12, 2029)?,
///     "TEST TESTOV",
///     "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
/// )?
/// .eci("05")?;
/// assert!(!format!("{data:?}").contains("AgAAAA"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WalletPaymentData {
    wallet: Wallet,
    card: CardNumber,
    expiry: Expiry,
    holder: String,
    cryptogram: String,
    eci: Option<String>,
}

impl WalletPaymentData {
    /// The payment data of `wallet`: the device card number, its expiry, the holder's name
    /// (the Gateway requires one) and the online payment cryptogram (1 to 1024 visible ASCII
    /// characters, as the wallet gives it).
    pub fn new(
        wallet: Wallet,
        card: CardNumber,
        expiry: Expiry,
        holder: impl Into<String>,
        cryptogram: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let holder = holder.into();
        holder_name("pg_card_name", &holder)?;
        let cryptogram = cryptogram.into();
        if cryptogram.is_empty()
            || cryptogram.len() > 1024
            || !cryptogram.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(InvalidInput::new(
                "pg_online_payment_cryptogram",
                "the cryptogram is 1 to 1024 visible ASCII characters",
            ));
        }
        Ok(Self {
            wallet,
            card,
            expiry,
            holder,
            cryptogram,
            eci: None,
        })
    }

    /// The ECI the wallet gives with the cryptogram (`05`, `07`, …: 1 or 2 digits).
    pub fn eci(mut self, eci: &str) -> Result<Self, InvalidInput> {
        if !(1..=2).contains(&eci.len()) || !eci.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "pg_eci_indicator",
                "the ECI is 1 or 2 digits",
            ));
        }
        self.eci = Some(eci.to_owned());
        Ok(self)
    }

    /// The wallet.
    pub fn wallet(&self) -> &Wallet {
        &self.wallet
    }

    /// The device card number (masked in `Debug` and, with the feature `serde`, when
    /// serialized).
    pub fn card(&self) -> &CardNumber {
        &self.card
    }
}

impl Drop for WalletPaymentData {
    fn drop(&mut self) {
        self.cryptogram.zeroize();
        if let Some(eci) = &mut self.eci {
            eci.zeroize();
        }
    }
}

impl fmt::Debug for WalletPaymentData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletPaymentData")
            .field("wallet", &self.wallet)
            .field("card", &self.card)
            .field("expiry", &self.expiry)
            .field("cryptogram", &"***")
            .finish_non_exhaustive()
    }
}

impl WriteFields for WalletPaymentData {
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_method", self.wallet.as_str());
        fields.push("pg_card_pan", self.card.reveal());
        fields.push("pg_card_year", self.expiry.wire_year().as_str());
        fields.push("pg_card_month", self.expiry.wire_month().as_str());
        fields.push("pg_card_name", self.holder.as_str());
        fields.push("pg_online_payment_cryptogram", self.cryptogram.as_str());
        if let Some(eci) = &self.eci {
            fields.push("pg_eci_indicator", eci.as_str());
        }
        Ok(())
    }
}

operation! {
    /// Pays with Apple Pay, Google Pay or Samsung Pay (`/g2g/payment`, payment secret;
    /// docs.freedompay.kz api-9856298 "Apple Pay", docs.freedompay.uz api-13679467,
    /// docs.freedompay.kz doc-776176; docs/protocol.md §11).
    ///
    /// The wallet's payment data, decrypted by the merchant, is passed through as the
    /// Gateway's card fields plus the cryptogram and the ECI ([`WalletPaymentData`]). The
    /// pages mark `pg_testing_mode`, `pg_auto_clearing`, `pg_3ds_challenge` and
    /// `pg_param1..3` "required" while describing defaults for them [?]: `pg_auto_clearing`
    /// is always sent (1, one-step; [`WalletPayment::hold_only`] sends 0), the others only
    /// when set. When the payment is made without the wallet app, the reply may ask for
    /// 3-D Secure ([`AcsRedirect`](crate::gateway::AcsRedirect)).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway; find out
    /// with [`CardPaymentStatus`](crate::gateway::CardPaymentStatus).
    ///
    /// ```
    /// use freedompay_core::gateway::{Wallet, WalletPayment, WalletPaymentData};
    /// use freedompay_core::{Amount, CardNumber, Currency, Description, Expiry, OrderId};
    ///
    /// let data = WalletPaymentData::new(
    ///     Wallet::GooglePay,
    ///     CardNumber::parse("4405645000006150")?,
    ///     Expiry::new(12, 2029)?,
    ///     "TEST TESTOV",
    ///     "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
    /// )?;
    /// let pay = WalletPayment::new(
    ///     OrderId::new("order-78")?,
    ///     Amount::parse("990")?,
    ///     Currency::Kzt,
    ///     Description::new("Order 78")?,
    ///     data,
    /// );
    /// assert!(!format!("{pay:?}").contains("AgAAAA"));
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WalletPayment => TokenPaymentResult {
        name: "gateway_wallet_payment",
        path: "/g2g/payment",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// A payment of `amount` in `currency` with the wallet's `data`.
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            currency: Currency,
            description: Description,
            data: WalletPaymentData,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_currency" => currency,
        "pg_description" => description,
        /// `pg_testing_mode` = 1: a test payment (the shop's setting otherwise).
        "pg_testing_mode" => testing_mode: flag = "1",
        .. => with Self::clearing,
        _ => hold_only: bool = false,
        .. => data,
        /// `pg_3ds_challenge` = 1: ask the issuer for a 3-D Secure challenge (which it may
        /// ignore).
        "pg_3ds_challenge" => challenge_3ds: flag = "1",
        /// `pg_param1`: the merchant's own data, returned as given.
        "pg_param1" => param1: Option<String>,
        /// `pg_param2`: the merchant's own data.
        "pg_param2" => param2: Option<String>,
        /// `pg_param3`: the merchant's own data.
        "pg_param3" => param3: Option<String>,
    }
}

impl WalletPayment {
    /// A two-step payment: the money is only held (`pg_auto_clearing` = 0) until cleared or
    /// cancelled.
    pub fn hold_only(mut self) -> Self {
        self.hold_only = true;
        self
    }

    fn clearing(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_auto_clearing", if self.hold_only { "0" } else { "1" });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::testing::card_wire as wire;

    fn data(wallet: Wallet) -> WalletPaymentData {
        WalletPaymentData::new(
            wallet,
            CardNumber::parse("4405645000006150").unwrap(),
            Expiry::new(12, 2029).unwrap(),
            "TEST TESTOV",
            "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
        )
        .unwrap()
    }

    fn pay(wallet: Wallet) -> WalletPayment {
        WalletPayment::new(
            OrderId::new("order-78").unwrap(),
            Amount::parse("990").unwrap(),
            Currency::Kzt,
            Description::new("Order 78").unwrap(),
            data(wallet),
        )
    }

    #[test]
    fn wire_request_apple_pay() {
        insta::assert_snapshot!(wire(&WalletPayment::new(
            OrderId::new("order-78").unwrap(),
            Amount::parse("990").unwrap(),
            Currency::Kzt,
            Description::new("Order 78").unwrap(),
            data(Wallet::ApplePay).eci("05").unwrap(),
        )));
    }

    #[test]
    fn wire_request_google_pay_held() {
        insta::assert_snapshot!(wire(
            &pay(Wallet::GooglePay)
                .hold_only()
                .testing_mode()
                .challenge_3ds()
        ));
    }

    #[test]
    fn wire_request_samsung_pay() {
        insta::assert_snapshot!(wire(&pay(Wallet::SamsungPay)));
    }

    #[test]
    fn debug_shows_no_wallet_data() {
        let debug = format!("{:?}", pay(Wallet::ApplePay));
        for secret in ["AgAAAA", "5000006", "2029", "12"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }

    #[test]
    fn malformed_wallet_data_is_refused() {
        let card = || CardNumber::parse("4405645000006150").unwrap();
        let expiry = || Expiry::new(12, 2029).unwrap();
        let error =
            WalletPaymentData::new(Wallet::ApplePay, card(), expiry(), "X", "").unwrap_err();
        assert_eq!(error.field(), "pg_online_payment_cryptogram");
        let error = data(Wallet::ApplePay).eci("5a").unwrap_err();
        assert_eq!(error.field(), "pg_eci_indicator");
    }
}
