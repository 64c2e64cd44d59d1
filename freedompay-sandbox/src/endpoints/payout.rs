//! Payouts: `api/reg2nonreg` (the recipient types the card in a page), `api/reg2reg` (to a
//! saved payout card), `g2g/p2p2nonreg` (card number in the request), `api/to_iban`.

use freedompay_sign::Fields;

use super::{Answer, Ctx, ok};
use crate::cards::PayoutOutcome;
use crate::error::ApiError;
use crate::flow;
use crate::money::format_minor;
use crate::reply::Reply;
use crate::state::{CardData, Payout, PayoutKind, PayoutStatus, State};
use crate::validate::{self, Picked, Usual};

/// `pg_amount`, read by a payout.
const AMOUNT: Usual = Usual::new("pg_amount");
/// `pg_order_id`, read by a payout.
const ORDER_ID: Usual = Usual::new("pg_order_id");
/// `pg_description`, read by a payout.
const DESCRIPTION: Usual = Usual::new("pg_description");
/// `pg_currency`, read by a payout.
const CURRENCY: Usual = Usual::new("pg_currency");
/// `pg_post_link`, read by a payout.
const POST_LINK: Usual = Usual::new("pg_post_link");
/// `pg_back_link`, read by a payout.
const BACK_LINK: Usual = Usual::new("pg_back_link");
/// `pg_order_time_limit`, read by a payout.
const TIME_LIMIT: Usual = Usual::new("pg_order_time_limit");
/// `pg_user_id`, read by a payout.
const USER_ID: Usual = Usual::new("pg_user_id");
/// `pg_user_email`, read by a payout.
const USER_EMAIL: Usual = Usual::new("pg_user_email");
/// `pg_card_name`, read by a payout.
const CARD_NAME: Usual = Usual::new("pg_card_name");
/// `pg_payment_to`: the card of a `p2p2nonreg` payout, read by a payout.
const PAYMENT_TO: Usual = Usual::new("pg_payment_to");

/// What every payout request gives, read and checked before the state is locked; its texts
/// borrowed from the request until the payout is recorded.
struct Draft<'a> {
    kind: PayoutKind,
    amount: i64,
    order_id: Option<&'a str>,
    description: &'a str,
    currency: &'a str,
    post_link: Option<&'a str>,
    back_link: Option<&'a str>,
    order_time_limit: Option<i64>,
    user_id: Option<&'a str>,
    reference: String,
}

impl<'a> Draft<'a> {
    /// Reads and checks the fields every payout shares, from the request's fields `f`, each
    /// found in one pass ([`Picked`]); nothing here needs the state.
    fn read(
        ctx: &Ctx<'_>,
        f: &Picked<'a>,
        kind: PayoutKind,
        order_required: bool,
    ) -> Result<Draft<'a>, ApiError> {
        let amount = validate::amount_of(f.get(AMOUNT), AMOUNT.name)?;
        let order_id = validate::order_id_of(f.get(ORDER_ID))?;
        if order_required && order_id.is_none() {
            return Err(ApiError::validation("pg_order_id: required"));
        }
        let description = validate::description_of(f.get(DESCRIPTION), kind != PayoutKind::Cash)?;
        let currency = validate::currency_of(f.get(CURRENCY))?;
        let post_link = validate::url_of(f.get(POST_LINK), POST_LINK.name)?;
        let back_link = validate::url_of(f.get(BACK_LINK), BACK_LINK.name)?;
        let order_time_limit = validate::datetime_of(f.get(TIME_LIMIT), TIME_LIMIT.name)?
            .and_then(|t| ctx.app.clock.parse(t));
        let user_id = validate::user_id_of(f.get(USER_ID), false)?;
        validate::max_len_of(f.get(USER_EMAIL), USER_EMAIL.name, 255)?;
        validate::max_len_of(f.get(CARD_NAME), CARD_NAME.name, 255)?;
        Ok(Draft {
            kind,
            amount,
            order_id,
            description,
            currency,
            post_link,
            back_link,
            order_time_limit,
            user_id,
            reference: ctx.app.digits(12),
        })
    }

    /// Records the payout as `Created` when the balance covers it; its id.
    fn insert(self, ctx: &Ctx<'_>, state: &mut State) -> Result<i64, ApiError> {
        flow::payout::ensure_balance(state, self.amount)?;
        let id = state.next_id();
        state.insert_payout(self.into_payout(ctx, id, None));
        Ok(id)
    }

    /// The payout `id`, `Created`, with this card.
    fn into_payout(self, ctx: &Ctx<'_>, id: i64, card: Option<CardData>) -> Payout {
        Payout {
            id,
            kind: self.kind,
            order_id: self.order_id.map(str::to_owned),
            amount: self.amount,
            currency: self.currency.to_owned(),
            description: self.description.to_owned(),
            post_link: self.post_link.map(str::to_owned),
            back_link: self.back_link.map(str::to_owned),
            order_time_limit: self.order_time_limit,
            user_id: self.user_id.map(str::to_owned),
            status: PayoutStatus::Created,
            created_at: ctx.now,
            paid_at: None,
            card,
            reference: self.reference,
            recipient: None,
            reserved: false,
        }
    }
}

/// The fields every payout shares; records it as `Created`.
fn create(
    ctx: &Ctx<'_>,
    state: &mut State,
    kind: PayoutKind,
    order_required: bool,
) -> Result<i64, ApiError> {
    Draft::read(ctx, &Picked::new(ctx.fields()), kind, order_required)?.insert(ctx, state)
}

/// `api/reg2nonreg`: a payout page where the recipient enters a card number.
pub(crate) fn reg2nonreg(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let id = create(ctx, state, PayoutKind::Reg2NonReg, true)?;
    Ok(Answer::Xml(ok(&[
        ("pg_payment_id", id.to_string()),
        ("pg_merchant_id", ctx.merchant().to_owned()),
        ("pg_redirect_url", ctx.app.url(&format!("/payout/{id}"))),
    ])))
}

/// What the reply of a card payout says, copied from the state (so that the reply can be
/// written after the state is unlocked).
struct CardReply {
    id: i64,
    status: PayoutStatus,
    order_id: Option<String>,
    balance: i64,
    /// The masked number and the token, when the reply shows the card.
    card: Option<(String, Option<String>)>,
    amount: i64,
    reference: Option<String>,
    paid_at: Option<i64>,
}

impl CardReply {
    /// The reply data of payout `id`, which must exist.
    fn of(state: &State, id: i64, with_token: bool, p2p: bool) -> CardReply {
        CardReply::of_payout(&state.payouts[&id], state.balance.get(), with_token, p2p)
    }

    /// The reply data of payout `p`, with the merchant's `balance`.
    fn of_payout(p: &Payout, balance: i64, with_token: bool, p2p: bool) -> CardReply {
        CardReply {
            id: p.id,
            status: p.status.clone(),
            order_id: p.order_id.clone(),
            balance,
            card: p.card.as_ref().filter(|_| !p2p).map(|card| {
                (
                    card.pan_masked.clone(),
                    with_token.then(|| card.token.clone()),
                )
            }),
            amount: p.amount,
            reference: p2p.then(|| p.reference.clone()),
            paid_at: p.paid_at,
        }
    }

    /// The reply of a card payout that was decided at once (or is in `process`).
    fn reply(self, ctx: &Ctx<'_>) -> Reply {
        let clock = &ctx.app.clock;
        // At most 13 fields (the card's two, or the reference and date-time, and an error's
        // two), and the signing's: room for the values of a usual payout and its signing.
        let mut r = Reply::new(224);
        let status = match &self.status {
            PayoutStatus::Success => "ok",
            PayoutStatus::Error(..) => "error",
            PayoutStatus::Created | PayoutStatus::Process { .. } => "process",
        };
        r.decimal("pg_payment_id", self.id)
            .text("pg_merchant_id", ctx.merchant())
            .text("pg_status", status);
        if let Some(order) = &self.order_id {
            r.text("pg_order_id", order);
        }
        r.money("pg_balance", self.balance);
        if let Some((pan_masked, token)) = &self.card {
            r.text("pg_card_hash", pan_masked);
            if let Some(token) = token {
                r.text("pg_card_token", token);
            }
        }
        r.money("pg_payment_amount", self.amount);
        if let Some(reference) = &self.reference {
            r.text("pg_reference", reference);
        }
        let at = self.paid_at.unwrap_or(ctx.now);
        r.push_with("pg_payment_date", |out| clock.push_format(out, at));
        if self.reference.is_some() {
            r.push_with("pg_datetime", |out| clock.push_format_iso(out, at));
        }
        if let PayoutStatus::Error(code, description) = &self.status {
            r.decimal("pg_error_code", *code)
                .text("pg_error_description", description);
        }
        r
    }
}

/// The reply of a card payout that was decided at once (or is in `process`).
fn card_reply(ctx: &Ctx<'_>, state: &State, id: i64, with_token: bool, p2p: bool) -> Reply {
    CardReply::of(state, id, with_token, p2p).reply(ctx)
}

/// Starts a card payout and collects its notification.
fn start_card(
    ctx: &mut Ctx<'_>,
    state: &mut State,
    id: i64,
    card: CardData,
) -> Result<(), ApiError> {
    let outcome = card.payout;
    match flow::payout::start(ctx.app, state, id, outcome, Some(card)) {
        Ok(notify) => {
            ctx.callbacks.extend(notify);
            Ok(())
        }
        Err(e) => {
            state.remove_payout(id);
            Err(e)
        }
    }
}

/// `api/reg2reg`: to a card saved with `cardstoragepayout/add` (`pg_card_token_to`, or the
/// legacy `pg_card_id_to`), which must belong to `pg_user_id`.
pub(crate) fn reg2reg(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let user_id = validate::user_id(f, true)?.unwrap_or_default();
    let token = validate::text(f, "pg_card_token_to")?;
    let card_id = validate::text(f, "pg_card_id_to")?;
    if token.is_none() && card_id.is_none() {
        return Err(ApiError::validation("pg_card_token_to: required"));
    }
    let card = state
        .cards
        .iter()
        .find(|c| {
            c.for_payouts
                && c.user_id == user_id
                && c.deleted_at.is_none()
                && (token == Some(c.card.token.as_str())
                    || card_id == Some(c.card.card_id.to_string().as_str()))
        })
        .map(|c| c.card.clone())
        .ok_or_else(|| {
            ApiError::validation("pg_card_token_to: no such payout card for this user")
        })?;
    let id = create(ctx, state, PayoutKind::Reg2Reg, true)?;
    start_card(ctx, state, id, card)?;
    Ok(Answer::Reply(card_reply(ctx, state, id, true, false)))
}

/// `g2g/p2p2nonreg`: the card number is `pg_payment_to`. Everything that needs no state (the
/// fields, the card's random data) is done before the state is locked, and the reply after.
pub(crate) fn p2p2nonreg(ctx: &mut Ctx<'_>, fields: &Picked<'_>) -> Result<Answer, ApiError> {
    let pan = validate::pan_of(fields.get(PAYMENT_TO), PAYMENT_TO.name)?;
    let holder = validate::text_of(fields.get(CARD_NAME), CARD_NAME.name)?.unwrap_or("");
    let draft = Draft::read(ctx, fields, PayoutKind::P2p, true)?;
    let mut card = crate::flow::payment::new_card(ctx.app, pan, "", holder);
    let app = ctx.app;
    let reply = {
        let mut state = app.state();
        // What `Draft::insert` and `start_card` do, with the payout decided before it is
        // recorded: it is then neither looked up again nor removed when it cannot start.
        flow::payout::ensure_balance(&state, draft.amount)?;
        let id = state.next_id();
        card.card_id = state.next_id();
        let outcome = card.payout;
        // Boxed at once, as the state keeps it: the record is not moved again.
        let mut payout = Box::new(draft.into_payout(ctx, id, Some(card)));
        // Decided at the instant of the request, as it was created: the clock is not read
        // again.
        let decided = flow::payout::decide(app, &state.balance, &mut payout, outcome, ctx.now);
        let mut reply = CardReply::of_payout(&payout, 0, false, true);
        ctx.callbacks
            .extend(flow::payout::record_new(app, &mut state, payout, decided));
        reply.balance = state.balance.get();
        state.retain(app.config.retention);
        reply
    };
    Ok(Answer::Reply(reply.reply(ctx)))
}

/// `api/to_iban`: a bank transfer, in `process` until the process delay has passed, then paid.
pub(crate) fn to_iban(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let iban = validate::required(f, "pg_recipient_iban")?;
    let valid_iban = (15..=34).contains(&iban.len())
        && iban.bytes().take(2).all(|b| b.is_ascii_uppercase())
        && iban.bytes().skip(2).take(2).all(|b| b.is_ascii_digit())
        && iban
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !valid_iban {
        return Err(ApiError::validation(
            "pg_recipient_iban: an IBAN such as KZ…",
        ));
    }
    let iin = validate::required(f, "pg_recipient_iin")?;
    if iin.len() != 12 || !iin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::validation("pg_recipient_iin: 12 digits"));
    }
    validate::required(f, "pg_recipient_name")?;
    for (name, lens) in [("pg_recipient_kbe", 2..=2), ("pg_knp", 3..=3)] {
        if let Some(v) = validate::text(f, name)?
            && !(lens.contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ApiError::validation(format!(
                "{name}: {} digits",
                lens.start()
            )));
        }
    }
    if let Some(bik) = validate::text(f, "pg_bank_bik")?
        && !((8..=11).contains(&bik.len()) && bik.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(ApiError::validation(
            "pg_bank_bik: 8 to 11 letters and digits",
        ));
    }
    let id = create(ctx, state, PayoutKind::ToIban, true)?;
    if let Some(p) = state.payouts.get_mut(&id) {
        p.recipient = Some(iban.to_owned());
    }
    match flow::payout::start(ctx.app, state, id, PayoutOutcome::ProcessThenSuccess, None) {
        Ok(notify) => ctx.callbacks.extend(notify),
        Err(e) => {
            state.remove_payout(id);
            return Err(e);
        }
    }
    let p = &state.payouts[&id];
    let mut r = Fields::new();
    r.push_static("pg_payment_id", id.to_string())
        .push_static("pg_merchant_id", ctx.merchant())
        .push_static("pg_status", "process");
    if let Some(order) = &p.order_id {
        r.push_static("pg_order_id", order.as_str());
    }
    r.push_static("pg_payment_amount", format_minor(p.amount))
        .push_static("pg_payment_date", ctx.app.clock.format(ctx.now));
    Ok(Answer::Xml(r))
}
