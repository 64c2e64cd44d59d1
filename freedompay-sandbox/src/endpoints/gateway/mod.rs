//! The Gateway API's Sync endpoints (`/g2g/…`, docs/protocol.md §11): card, wallet and token
//! payments with 3-D Secure (`pay`), stored cards (`card`), P2P transfers (`transfer`), and
//! the sandbox's own ACS page with a JSON view of the transfers (`acs`). All are signed with
//! the payment secret (§11.1) and answer signed XML like the Merchant API's endpoints.

pub(crate) mod acs;
pub(crate) mod card;
pub(crate) mod pay;
pub(crate) mod transfer;

use freedompay_sign::Fields;

use super::Ctx;
use crate::error::ApiError;
use crate::flow::payment::card_data;
use crate::state::{CardData, State};
use crate::validate;

/// A card typed in a request (`pg_card_pan`, `pg_card_cvc`, `pg_card_year`, `pg_card_month`,
/// `pg_card_name`), checked and kept as the sandbox keeps cards: masked. The CVC is checked and
/// forgotten.
pub(super) fn read_card(
    ctx: &Ctx<'_>,
    state: &mut State,
    cvc_required: bool,
) -> Result<(CardData, String), ApiError> {
    let f = ctx.fields();
    let pan = validate::pan(f, "pg_card_pan")?;
    let cvc = if cvc_required {
        Some(validate::required(f, "pg_card_cvc")?)
    } else {
        validate::text(f, "pg_card_cvc")?
    };
    if let Some(cvc) = cvc
        && !((3..=4).contains(&cvc.len()) && cvc.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::validation("pg_card_cvc: 3 or 4 digits"));
    }
    let two_digits = |name: &str| -> Result<u32, ApiError> {
        let v = validate::required(f, name)?;
        if v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()) {
            Ok(v.parse().unwrap_or(0))
        } else {
            Err(ApiError::validation(format!("{name}: two digits")))
        }
    };
    let year = two_digits("pg_card_year")?;
    let month = two_digits("pg_card_month")?;
    if !(1..=12).contains(&month) {
        return Err(ApiError::validation("pg_card_month: 01 to 12"));
    }
    // Valid through the end of its expiry month, by the sandbox's clock.
    let today = ctx.app.clock.format(ctx.now);
    let now_year: u32 = today.get(2..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let now_month: u32 = today.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    if (year, month) < (now_year, now_month) {
        return Err(ApiError::validation("pg_card_year: the card has expired"));
    }
    let holder = validate::max_len(f, "pg_card_name", 100)?
        .ok_or_else(|| ApiError::validation("pg_card_name: required"))?;
    let exp = format!("{month:02}/{year:02}");
    let card = card_data(ctx.app, state, pan, &exp, holder);
    Ok((card, pan.to_owned()))
}

/// `pg_order_id` when there is one.
pub(super) fn push_order(fields: &mut Fields, order_id: Option<&String>) {
    if let Some(order) = order_id {
        fields.push_static("pg_order_id", order.as_str());
    }
}
