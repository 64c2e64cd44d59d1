//! Payments with a saved card: `card/init` creates one, `card/pay` is the page that confirms
//! it in the payer's browser, `card/direct` charges at once.

use super::{Answer, Ctx, ResultCallback, ok};
use crate::error::ApiError;
use crate::flow;
use crate::flow::payment::Funding;
use crate::html;
use crate::money::format_minor;
use crate::state::{CardData, PaymentKind, PaymentStatus, State};
use crate::validate;

/// The saved purchase card of a user, by token or legacy card id.
pub(crate) fn saved_card(
    state: &State,
    user_id: &str,
    token: Option<&str>,
    card_id: Option<&str>,
) -> Option<CardData> {
    state
        .cards
        .iter()
        .find(|c| {
            c.user_id == user_id
                && !c.for_payouts
                && c.deleted_at.is_none()
                && (token == Some(c.card.token.as_str())
                    || card_id == Some(c.card.card_id.to_string().as_str()))
        })
        .map(|c| c.card.clone())
}

/// `card/init`.
pub(crate) fn init(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let amount = validate::amount(f, "pg_amount")?;
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let token = validate::text(f, "pg_card_token")?;
    let card_id = validate::text(f, "pg_card_id")?;
    if token.is_none() && card_id.is_none() {
        return Err(ApiError::validation("pg_card_token: required"));
    }
    let card = saved_card(state, &user_id, token, card_id)
        .ok_or_else(|| ApiError::validation("pg_card_token: no such saved card for this user"))?;
    let id = super::payment::create(
        ctx,
        state,
        PaymentKind::Token {
            card_token: card.token.clone(),
        },
        amount,
    )?;
    let order = state.payments[&id].order_id.clone();
    let mut reply = ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_merchant_id", ctx.merchant().to_owned()),
    ]);
    if let Some(order) = order {
        reply.push_static("pg_order_id", order);
    }
    Ok(Answer::Xml(reply))
}

/// A saved-card payment still to be paid, and its card.
struct TokenPayment {
    id: i64,
    card: CardData,
}

/// The payment of `pg_payment_id`, which must be a saved-card payment still to be paid; its
/// card.
fn token_payment(ctx: &Ctx<'_>, state: &State) -> Result<TokenPayment, ApiError> {
    let id = validate::id(ctx.fields(), "pg_payment_id")?;
    let payment = state
        .payments
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    let PaymentKind::Token { card_token } = &payment.kind else {
        return Err(ApiError::validation(
            "pg_payment_id: not a saved-card payment",
        ));
    };
    if !payment.payable(ctx.now) {
        return Err(ApiError::validation(format!(
            "pg_payment_id: the payment is {}",
            payment.status.status3()
        )));
    }
    let user = payment.user_id.as_deref().unwrap_or("");
    let card = saved_card(state, user, Some(card_token), None)
        .ok_or_else(|| ApiError::validation("the saved card was removed"))?;
    Ok(TokenPayment { id, card })
}

/// `card/pay`: opened in the payer's browser (a signed GET); an HTML page that confirms the
/// payment with the CVC.
pub(crate) fn pay(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let TokenPayment { id, card } = token_payment(ctx, state)?;
    let payment = &state.payments[&id];
    Ok(Answer::Html(html::confirm_page(payment, &card)))
}

/// `card/direct`: charges the saved card at once.
pub(crate) fn direct(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let TokenPayment { id, mut card } = token_payment(ctx, state)?;
    card.reference = ctx.app.digits(12);
    card.auth_code = ctx.app.digits(6);
    let failure =
        (!card.purchase_ok).then(|| (flow::payment::DECLINED, "Transaction declined".to_owned()));
    let result = flow::payment::settle(ctx.app, state, id, &Funding::Card(card), failure)
        .map_err(|_| ApiError::not_found("Transaction not found"))?;
    if let Some(callback) = result {
        ctx.results.push(ResultCallback {
            callback,
            payment: id,
        });
    }
    let p = &state.payments[&id];
    let mut reply = ok(&[("pg_payment_id", id.to_string())]);
    if let Some(order) = &p.order_id {
        reply.push_static("pg_order_id", order.as_str());
    }
    reply
        .push_static("pg_amount", format_minor(p.amount))
        .push_static("pg_currency", p.currency.as_str())
        .push_static("pg_payment_status", p.status.status3());
    if p.status != PaymentStatus::Success
        && let Some((code, description)) = &p.failure
    {
        reply.set("pg_status", "error");
        reply
            .push_static("pg_error_code", code.to_string())
            .push_static("pg_error_description", description.as_str());
    }
    Ok(Answer::Xml(reply))
}
