//! Fiscal receipt positions (`pg_receipt_positions[i][count,name,tax_type,price]`,
//! docs/protocol.md §1.1, §5).

use freedompay_sign::Fields;

use crate::{Amount, InvalidInput};

use super::checks;

/// The tax of a receipt position (`tax_type`).
///
/// FreedomPay's official table of codes was not found (docs/protocol.md §5 marks it uncertain);
/// the named variants are the codes a Bitrix module for Kazakhstan uses. Any other code can be
/// sent as [`TaxType::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaxType {
    /// `0`: no VAT.
    NoVat,
    /// `1`: VAT 0%.
    Vat0,
    /// `2`: VAT 12%.
    Vat12,
    /// `3`: VAT 12/112 (included in the price).
    Vat12Included,
    /// `4`: VAT 18%.
    Vat18,
    /// `5`: VAT 18/118.
    Vat18Included,
    /// `6`: VAT 10%.
    Vat10,
    /// `7`: VAT 10/110.
    Vat10Included,
    /// `8`: VAT 20%.
    Vat20,
    /// `9`: VAT 20/120.
    Vat20Included,
    /// Another code, sent as given.
    Unknown(u8),
}

/// The code (`0` for no VAT).
#[cfg(feature = "serde")]
impl serde::Serialize for TaxType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl TaxType {
    /// The code sent on the wire.
    pub fn code(self) -> u8 {
        match self {
            TaxType::NoVat => 0,
            TaxType::Vat0 => 1,
            TaxType::Vat12 => 2,
            TaxType::Vat12Included => 3,
            TaxType::Vat18 => 4,
            TaxType::Vat18Included => 5,
            TaxType::Vat10 => 6,
            TaxType::Vat10Included => 7,
            TaxType::Vat20 => 8,
            TaxType::Vat20Included => 9,
            TaxType::Unknown(code) => code,
        }
    }
}

/// One line of the fiscal receipt FreedomPay issues for the payment.
///
/// ```
/// use freedompay_core::Amount;
/// use freedompay_core::payment::{ReceiptPosition, TaxType};
///
/// let pad = ReceiptPosition::new("Mouse pad", 2, Amount::parse("500")?, TaxType::NoVat)?;
/// assert!(ReceiptPosition::new("", 1, Amount::parse("500")?, TaxType::NoVat).is_err());
/// assert!(ReceiptPosition::new("Cable", 0, Amount::parse("500")?, TaxType::NoVat).is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReceiptPosition {
    name: String,
    count: u32,
    price: Amount,
    tax_type: TaxType,
}

impl ReceiptPosition {
    /// The longest name, in characters (the receipt's text field; FreedomPay documents no
    /// limit, so the 1024 of `pg_description` is used).
    pub const MAX_NAME_LEN: usize = 1024;

    /// A position: `count` units of `name` at `price` each.
    pub fn new(
        name: impl Into<String>,
        count: u32,
        price: Amount,
        tax_type: TaxType,
    ) -> Result<Self, InvalidInput> {
        let name = name.into();
        checks::text("pg_receipt_positions[name]", &name, Self::MAX_NAME_LEN)?;
        if count == 0 {
            return Err(InvalidInput::new(
                "pg_receipt_positions[count]",
                "must be at least 1",
            ));
        }
        Ok(Self {
            name,
            count,
            price,
            tax_type,
        })
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many units.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The price of one unit.
    pub fn price(&self) -> Amount {
        self.price
    }

    /// The tax.
    pub fn tax_type(&self) -> TaxType {
        self.tax_type
    }

    /// The position as a nested level, in the documented order.
    pub(crate) fn to_fields(&self) -> Fields {
        let mut fields = Fields::with_capacity(4);
        fields
            .push("count", self.count.to_string())
            .push("name", self.name.as_str())
            .push("tax_type", self.tax_type.code().to_string())
            .push("price", self.price.to_string());
        fields
    }
}
