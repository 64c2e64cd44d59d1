//! The control API for tests, under `/_sandbox/`: JSON in, JSON out. Pay a payment as a card,
//! give a card to a payout or card-add page, finish a payout, advance sandbox time, read the
//! state and the delivered callbacks, set and clear faults.
//!
//! The lists (payments, payouts, callbacks, and those in the state) come a page at a time, in
//! id order: `?limit=N` records (1000 by default, at most 10000) with ids after `?after=ID`.
//! A page shorter than the limit is the last. The records of a page are copied under the
//! state lock and written out after it is released, so that a listing never holds up the
//! gateway's endpoints for longer than the copy.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxumState};
use axum::response::Response;
use axum::routing::{get, post};
use freedompay_sign::{Fields, Value};
use hyper::StatusCode;
use serde_json::{Map, Value as Json, json};

use crate::app::App;
use crate::callbacks;
use crate::cards;
use crate::faults::Fault;
use crate::flow;
use crate::flow::card::CardAdded;
use crate::flow::payment::{Funding, Next, PayError};
use crate::flow::payout::PagePaid;
use crate::money::{format_minor, parse_amount};
use crate::reply::json_response;
use crate::scheduler;
use crate::state::{CallbackRecord, Payment, Payout, PayoutStatus};
use crate::wire::parse_urlencoded;

/// The control routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/balance", get(balance))
        .route("/_sandbox/payments", get(payments))
        .route("/_sandbox/payments/{id}", get(payment))
        .route("/_sandbox/payments/{id}/pay", post(pay))
        .route("/_sandbox/payouts", get(payouts))
        .route("/_sandbox/payouts/{id}", get(payout))
        .route("/_sandbox/payouts/{id}/pay", post(payout_pay))
        .route("/_sandbox/payouts/{id}/complete", post(payout_complete))
        .route("/_sandbox/cards/{id}/add", post(card_add))
        .route("/_sandbox/advance", post(advance))
        .route("/_sandbox/callbacks", get(callbacks_list))
        .route("/_sandbox/callbacks/{id}/replay", post(callback_replay))
        .route("/_sandbox/issuing/{kind}", get(issuing_list))
        .route(
            "/_sandbox/faults",
            get(faults_list).post(faults_set).delete(faults_clear),
        )
}

/// The default number of records in a page of a list.
const PAGE_DEFAULT: usize = 1000;
/// The most records in a page of a list.
const PAGE_MAX: usize = 10_000;

/// `?limit=&after=`: which page of a list.
#[derive(Debug, Clone, Copy)]
struct Page {
    limit: usize,
    /// Records with ids after this one.
    after: i64,
}

impl Page {
    fn from_query(query: Option<&str>) -> Result<Page, Box<Response>> {
        let mut page = Page {
            limit: PAGE_DEFAULT,
            after: i64::MIN,
        };
        for (name, value) in parse_urlencoded(query.unwrap_or_default().as_bytes()) {
            match name.as_str() {
                "limit" => match value.parse::<usize>() {
                    Ok(n) if (1..=PAGE_MAX).contains(&n) => page.limit = n,
                    _ => {
                        return Err(Box::new(bad(
                            StatusCode::BAD_REQUEST,
                            "limit: a number from 1 to 10000",
                        )));
                    }
                },
                "after" => match value.parse::<i64>() {
                    Ok(id) => page.after = id,
                    Err(_) => {
                        return Err(Box::new(bad(
                            StatusCode::BAD_REQUEST,
                            "after: the id of the last record of the previous page",
                        )));
                    }
                },
                _ => {}
            }
        }
        Ok(page)
    }

    /// The records of this page, copied.
    fn of<T: Clone>(self, map: &std::collections::BTreeMap<i64, T>) -> Vec<T> {
        let from = self.after.saturating_add(1);
        if self.after == i64::MAX {
            return Vec::new();
        }
        map.range(from..)
            .take(self.limit)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn ok(value: Json) -> Response {
    json_response(StatusCode::OK, &value)
}

fn bad(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "error": message }))
}

fn body_json(body: &[u8]) -> Result<Map<String, Json>, Box<Response>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Json>(body) {
        Ok(Json::Object(map)) => Ok(map),
        _ => Err(Box::new(bad(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        ))),
    }
}

fn str_field<'a>(map: &'a Map<String, Json>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Json::as_str)
}

/// A message tree as a JSON object of bracket names (`a[0][b]`) to texts.
fn fields_json(fields: &Fields) -> Json {
    fn walk(out: &mut Map<String, Json>, name: String, value: &Value) {
        match value {
            Value::Text(t) => {
                out.insert(name, Json::String(t.clone()));
            }
            Value::Map(m) => {
                for f in m {
                    walk(out, format!("{name}[{}]", f.name()), f.value());
                }
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(out, format!("{name}[{i}]"), item);
                }
            }
        }
    }
    let mut out = Map::new();
    for f in fields {
        walk(&mut out, f.name().to_owned(), f.value());
    }
    Json::Object(out)
}

fn payment_json(app: &App, p: &Payment) -> Json {
    json!({
        "id": p.id,
        "order_id": p.order_id,
        "amount": format_minor(p.amount),
        "currency": p.currency,
        "description": p.description,
        "status": p.status.status3(),
        "transaction_status": p.status.status2(),
        "auto_clearing": p.auto_clearing,
        "captured": p.captured,
        "clearing_amount": format_minor(p.clearing_amount),
        "refunded": format_minor(p.refunded()),
        "can_reject": p.can_reject,
        "created_at": app.clock.format(p.created_at),
        "paid_at": p.paid_at.map(|t| app.clock.format(t)),
        "card_pan": p.card.as_ref().map(|c| c.pan_masked.clone()),
        "card_token": p.card.as_ref().map(|c| c.token.clone()),
        "failure_code": p.failure.as_ref().map(|f| f.0),
        "failure_description": p.failure.as_ref().map(|f| f.1.clone()),
        "recurring_profile": p.recurring_profile,
        "payment_method": p.payment_method,
        "redirect_url": app.url(&format!("/pay/{}", p.id)),
    })
}

fn payout_json(app: &App, p: &Payout) -> Json {
    let (code, description) = match &p.status {
        PayoutStatus::Error(code, d) => (Some(*code), Some(d.clone())),
        _ => (None, None),
    };
    json!({
        "id": p.id,
        "kind": p.kind.name(),
        "order_id": p.order_id,
        "user_id": p.user_id,
        "amount": format_minor(p.amount),
        "currency": p.currency,
        "status": p.simple_status(),
        "transaction_status": p.status2(),
        "error_code": code,
        "error_description": description,
        "card_pan": p.card.as_ref().map(|c| c.pan_masked.clone()),
        "recipient": p.recipient,
        "created_at": app.clock.format(p.created_at),
        "paid_at": p.paid_at.map(|t| app.clock.format(t)),
        "redirect_url": app.url(&format!("/payout/{}", p.id)),
    })
}

fn callback_json(app: &App, c: &CallbackRecord) -> Json {
    let attempts: Vec<Json> = c
        .attempts
        .iter()
        .map(|a| {
            json!({
                "at": app.clock.format(a.at),
                "http_status": a.http_status,
                "reply_status": a.reply_status,
                "reply_description": a.reply_description,
                "error": a.error,
                "body": a.body_excerpt,
            })
        })
        .collect();
    let mut fields = c.fields.clone();
    fields.push_static("pg_salt", c.salt.as_str());
    json!({
        "id": c.id,
        "kind": c.kind.name(),
        "subject_id": c.subject_id,
        "url": c.url,
        "method": c.method.name(),
        "state": c.state.name(),
        "can_reject": c.can_reject,
        "next_attempt_at": c.next_at.map(|t| app.clock.format(t)),
        "fields": fields_json(&fields),
        "attempts": attempts,
    })
}

async fn state(AxumState(app): AxumState<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let page = match Page::from_query(query.as_deref()) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let (balance, payments, payouts, cards, payments_total, payouts_total) = {
        let st = app.state();
        (
            st.balance.get(),
            page.of(&st.payments),
            page.of(&st.payouts),
            st.cards.clone(),
            st.payments.len(),
            st.payouts.len(),
        )
    };
    let cards: Vec<Json> = cards
        .iter()
        .map(|c| {
            json!({
                "user_id": c.user_id,
                "for_payouts": c.for_payouts,
                "card_pan": c.card.pan_masked,
                "card_token": c.card.token,
                "card_id": c.card.card_id,
                "deleted": c.deleted_at.is_some(),
            })
        })
        .collect();
    ok(json!({
        "now": app.clock.now_text(),
        "balance": format_minor(balance),
        "payments": payments.iter().map(|p| payment_json(&app, p)).collect::<Vec<_>>(),
        "payouts": payouts.iter().map(|p| payout_json(&app, p)).collect::<Vec<_>>(),
        "payments_total": payments_total,
        "payouts_total": payouts_total,
        "cards": cards,
    }))
}

async fn balance(AxumState(app): AxumState<Arc<App>>) -> Response {
    let balance = app.state().balance.get();
    ok(json!({ "balance": format_minor(balance), "balance_minor": balance }))
}

async fn payments(AxumState(app): AxumState<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let page = match Page::from_query(query.as_deref()) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let records = page.of(&app.state().payments);
    ok(Json::Array(
        records.iter().map(|p| payment_json(&app, p)).collect(),
    ))
}

async fn payment(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let st = app.state();
    match st.payments.get(&id) {
        Some(p) => ok(payment_json(&app, p)),
        None => bad(StatusCode::NOT_FOUND, "payment not found"),
    }
}

async fn payouts(AxumState(app): AxumState<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let page = match Page::from_query(query.as_deref()) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let records = page.of(&app.state().payouts);
    ok(Json::Array(
        records.iter().map(|p| payout_json(&app, p)).collect(),
    ))
}

async fn payout(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let st = app.state();
    match st.payouts.get(&id) {
        Some(p) => ok(payout_json(&app, p)),
        None => bad(StatusCode::NOT_FOUND, "payout not found"),
    }
}

/// `{"card": "4716…", "amount": "150.00", "holder": "…", "exp": "12/30"}`.
async fn pay(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>, body: Bytes) -> Response {
    let map = match body_json(&body) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let pan = cards::normalize(str_field(&map, "card").unwrap_or(""));
    if !cards::valid_pan(&pan) {
        return bad(
            StatusCode::BAD_REQUEST,
            "\"card\" must be a valid card number",
        );
    }
    let amount = match str_field(&map, "amount") {
        Some(text) => match parse_amount(text) {
            Some(a) => Some(a),
            None => return bad(StatusCode::BAD_REQUEST, "\"amount\" is not a valid amount"),
        },
        None => None,
    };
    let card = {
        let mut st = app.state();
        flow::payment::card_data(
            &app,
            &mut st,
            &pan,
            str_field(&map, "exp").unwrap_or(""),
            str_field(&map, "holder").unwrap_or(""),
        )
    };
    match flow::payment::pay(&app, id, Funding::Card(card), amount).await {
        Ok(paid) => {
            let (redirect, post) = match paid.next {
                Next::Redirect(url) => (Some(url), None),
                Next::Post { url, fields } => (Some(url), Some(fields_json(&fields))),
                Next::Stay => (None, None),
            };
            let st = app.state();
            let payment = st.payments.get(&id).map(|p| payment_json(&app, p));
            ok(json!({
                "status": paid.status.status3(),
                "failure_code": paid.failure.as_ref().map(|f| f.0),
                "failure_description": paid.failure.as_ref().map(|f| f.1.clone()),
                "redirect_url": redirect,
                "redirect_post_fields": post,
                "payment": payment,
            }))
        }
        Err(PayError::NotFound) => bad(StatusCode::NOT_FOUND, "payment not found"),
        Err(PayError::NotPayable(why)) => bad(StatusCode::CONFLICT, why),
        Err(PayError::Amount(why)) => bad(StatusCode::BAD_REQUEST, &why),
    }
}

/// `{"card": "4671…"}` for a `reg2nonreg` payout page.
async fn payout_pay(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let map = match body_json(&body) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let pan = cards::normalize(str_field(&map, "card").unwrap_or(""));
    match flow::payout::pay_page(&app, id, &pan) {
        Ok(PagePaid { notify, payout }) => {
            if let Some(callback) = notify {
                callbacks::attempt(&app, callback).await;
            }
            ok(payout_json(&app, &payout))
        }
        Err(why) => bad(StatusCode::CONFLICT, &why.to_string()),
    }
}

/// `{"status": "success"}` or `{"status": "error", "code": 10001}`: ends a payout in
/// `process` (a cash-by-code withdrawal, or any other) now.
async fn payout_complete(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let map = match body_json(&body) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let error = match str_field(&map, "status").unwrap_or("success") {
        "success" => None,
        "error" => Some(
            map.get("code")
                .and_then(Json::as_u64)
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(10001),
        ),
        _ => return bad(StatusCode::BAD_REQUEST, "\"status\" is success or error"),
    };
    let notify = {
        let mut st = app.state();
        match st.payouts.get(&id) {
            None => return bad(StatusCode::NOT_FOUND, "payout not found"),
            Some(p) if !matches!(p.status, PayoutStatus::Process { .. }) => {
                return bad(StatusCode::CONFLICT, "the payout is not in process");
            }
            Some(_) => flow::payout::finish(&app, &mut st, id, error),
        }
    };
    if let Some(callback) = notify {
        callbacks::attempt(&app, callback).await;
    }
    let st = app.state();
    match st.payouts.get(&id) {
        Some(p) => ok(payout_json(&app, p)),
        None => bad(StatusCode::NOT_FOUND, "payout not found"),
    }
}

/// `{"card": "…"}` for a card-add page (`cardstorage/add2`, `cardstoragepayout/add`).
async fn card_add(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let map = match body_json(&body) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let pan = cards::normalize(str_field(&map, "card").unwrap_or(""));
    let exp = str_field(&map, "exp").unwrap_or("");
    let holder = str_field(&map, "holder").unwrap_or("");
    match flow::card::add_card(&app, id, &pan, exp, holder) {
        Ok(CardAdded {
            callback,
            back_link,
            token,
        }) => {
            if let Some(callback) = callback {
                callbacks::attempt(&app, callback).await;
            }
            ok(json!({ "card_token": token, "back_link": back_link }))
        }
        Err(why) => bad(StatusCode::CONFLICT, &why.to_string()),
    }
}

/// `?seconds=N` (or `{"seconds": N}`): moves sandbox time, applies what became due, and waits
/// for the first attempts of the callbacks that sent.
async fn advance(
    AxumState(app): AxumState<Arc<App>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let from_query = parse_urlencoded(query.unwrap_or_default().as_bytes())
        .into_iter()
        .find(|(n, _)| n == "seconds")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let from_body = match body_json(&body) {
        Ok(map) => map.get("seconds").and_then(Json::as_i64),
        Err(response) => return *response,
    };
    let Some(seconds) = from_query.or(from_body).filter(|s| *s >= 0) else {
        return bad(StatusCode::BAD_REQUEST, "give seconds=N (N >= 0)");
    };
    let attempted = scheduler::advance(&app, seconds.saturating_mul(1000)).await;
    ok(json!({ "now": app.clock.now_text(), "callbacks_attempted": attempted }))
}

async fn callbacks_list(
    AxumState(app): AxumState<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Response {
    let page = match Page::from_query(query.as_deref()) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let records: Vec<CallbackRecord> = {
        let st = app.state();
        let from = usize::try_from(page.after.saturating_add(1)).unwrap_or(0);
        st.callbacks
            .range(from..)
            .take(page.limit)
            .map(|(_, c)| c.clone())
            .collect()
    };
    ok(Json::Array(
        records.iter().map(|c| callback_json(&app, c)).collect(),
    ))
}

async fn faults_list(AxumState(app): AxumState<Arc<App>>) -> Response {
    let list = app.faults().list();
    ok(json!(list))
}

/// A [`Fault`] as JSON, plus an optional `"path"` (`"/init_payment.php"`); global without.
async fn faults_set(AxumState(app): AxumState<Arc<App>>, body: Bytes) -> Response {
    let mut map = match body_json(&body) {
        Ok(map) => map,
        Err(response) => return *response,
    };
    let path = match map.remove("path") {
        None | Some(Json::Null) => None,
        Some(Json::String(p)) => Some(p),
        Some(_) => return bad(StatusCode::BAD_REQUEST, "\"path\" must be a string"),
    };
    let fault: Fault = match serde_json::from_value(Json::Object(map)) {
        Ok(fault) => fault,
        Err(e) => return bad(StatusCode::BAD_REQUEST, &format!("not a fault: {e}")),
    };
    if let Err(e) = fault.check(path.as_deref()) {
        return bad(StatusCode::BAD_REQUEST, &e.to_string());
    }
    app.set_fault(path, fault);
    ok(json!({ "ok": true }))
}

async fn faults_clear(AxumState(app): AxumState<Arc<App>>) -> Response {
    app.clear_faults();
    ok(json!({ "ok": true }))
}

/// Sends a recorded callback again now (see `callbacks::replay`): `{"accepted": true|false,
/// "attempt": {...}, "callback": {...}}`; 404 for an unknown id, 409 while an attempt is on
/// its way.
async fn callback_replay(AxumState(app): AxumState<Arc<App>>, Path(id): Path<usize>) -> Response {
    match callbacks::replay(&app, id).await {
        Ok(attempt) => {
            let st = app.state();
            let callback = st.callbacks.get(&id).map(|c| callback_json(&app, c));
            ok(json!({
                "accepted": attempt.error.is_none(),
                "attempt": {
                    "at": app.clock.format(attempt.at),
                    "http_status": attempt.http_status,
                    "reply_status": attempt.reply_status,
                    "reply_description": attempt.reply_description,
                    "error": attempt.error,
                    "body": attempt.body_excerpt,
                },
                "callback": callback,
            }))
        }
        Err(callbacks::ReplayError::NotFound) => bad(StatusCode::NOT_FOUND, "callback not found"),
        Err(callbacks::ReplayError::InFlight) => bad(
            StatusCode::CONFLICT,
            "an attempt at this callback is on its way; try again when it has answered",
        ),
    }
}

/// `GET /_sandbox/issuing/{cards,gift_cards,wallets,rates,clients,requests}`: the Card and
/// Partner APIs'
/// records (docs/protocol.md §12.4, §12.5), paged like the other lists by their `id` (a
/// sequence number of the sandbox; a partner client's is its `client_id`). Card numbers are masked, as the APIs show them.
async fn issuing_list(
    AxumState(app): AxumState<Arc<App>>,
    Path(kind): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let page = match Page::from_query(query.as_deref()) {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let issuing = app.issuing.lock();
    let records: Vec<Json> = match kind.as_str() {
        "cards" => page
            .of(&issuing.cards)
            .into_iter()
            .zip(issuing.cards.range(page.after.saturating_add(1)..).map(|(id, _)| *id))
            .map(|(c, id)| {
                json!({
                    "id": id,
                    "card_id": c.card_id,
                    "card_mask": c.mask,
                    "currency": c.currency,
                    "balance": format_minor(c.balance_minor),
                    "status": c.status.name(),
                    "client_id": c.client_id,
                    "description": c.description,
                })
            })
            .collect(),
        "gift_cards" => page
            .of(&issuing.gift_cards)
            .into_iter()
            .zip(issuing.gift_cards.range(page.after.saturating_add(1)..).map(|(id, _)| *id))
            .map(|(g, id)| {
                json!({
                    "id": id,
                    "card_id": g.card_id,
                    "card_mask": g.mask,
                    "currency": g.currency,
                    "balance": format_minor(g.balance_minor),
                    "confirmed": g.confirmed,
                    "confirmed_at": g.confirmed_at.map(|at| app.clock.format_iso(at)),
                })
            })
            .collect(),
        "wallets" => page
            .of(&issuing.wallets)
            .into_iter()
            .zip(issuing.wallets.range(page.after.saturating_add(1)..).map(|(id, _)| *id))
            .map(|(w, id)| {
                json!({
                    "id": id,
                    "identifier": w.identifier,
                    "blocked": w.blocked,
                    "block_reason": w.block_reason,
                    "operations": w.operations.len(),
                })
            })
            .collect(),
        "rates" => page
            .of(&issuing.rates)
            .into_iter()
            .zip(issuing.rates.range(page.after.saturating_add(1)..).map(|(id, _)| *id))
            .map(|(r, id)| {
                json!({
                    "id": id,
                    "currency_from": r.currency_from,
                    "currency_to": r.currency_to,
                    "rate": r.rate,
                    "rate_type": r.rate_type,
                    "start_date": r.start_date,
                    "end_date": r.end_date,
                })
            })
            .collect(),
        "requests" => page
            .of(&issuing.card_requests)
            .into_iter()
            .zip(
                issuing
                    .card_requests
                    .range(page.after.saturating_add(1)..)
                    .map(|(id, _)| *id),
            )
            .map(|(r, id)| {
                json!({
                    "id": id,
                    "request_id": r.request_id,
                    "request_status": r.request_status,
                    "cards": r.cards,
                    "client_id": r.client_id,
                    "dt": app.clock.format_iso(r.at),
                })
            })
            .collect(),
        "clients" => page
            .of(&issuing.partner_clients)
            .into_iter()
            .map(|c| {
                let users: Vec<Json> = c
                    .users
                    .iter()
                    .map(|u| {
                        json!({
                            "user_id": u.user_id,
                            "first_name": u.first_name,
                            "last_name": u.last_name,
                            "phone": u.phone,
                            "email": u.email,
                        })
                    })
                    .collect();
                json!({ "id": c.client_id, "client_id": c.client_id, "name": c.name, "users": users })
            })
            .collect(),
        _ => {
            return bad(
                StatusCode::NOT_FOUND,
                "issuing: cards, gift_cards, wallets, rates, clients or requests",
            );
        }
    };
    ok(Json::Array(records))
}
