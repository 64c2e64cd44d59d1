//! The sandbox's own 3-D Secure ACS (the issuer's page of a 3-D Secure 1 challenge) and a
//! JSON view of the Gateway's transfers.
//!
//! `GET` or `POST /_sandbox/acs` with `PaReq`, `MD` and `TermUrl` (query or form, as a
//! merchant's page posts them to `pg_3d_acsurl`) shows a form where the payer types a code.
//! Submitting it (`POST /_sandbox/acs` with `code` as well) answers an auto-submitting form
//! that posts `PaRes` and `MD` to the `TermUrl`, as a bank's ACS does; the merchant then
//! continues with `paymentAcs`, `cardstorage/payment_acs` or `p2p/transfer_acs`. The code
//! `123456` authenticates the payer; any other code fails the authentication.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use freedompay_sign::Fields;
use hyper::StatusCode;
use serde_json::json;

use crate::app::App;
use crate::flow::gateway::{acs_answer, acs_session};
use crate::html;
use crate::money::format_minor;
use crate::reply::{html_response, json_response};
use crate::wire::parse_urlencoded;

/// The routes: the ACS page and `GET /_sandbox/gateway`.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route(crate::flow::gateway::ACS_PATH, any(page))
        .route("/_sandbox/gateway", get(view))
}

fn bad(text: &str) -> Response {
    let mut response = html_response(html::message("3-D Secure", text));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

async fn page(AxumState(app): AxumState<Arc<App>>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or("").to_owned();
    let Ok(body) = axum::body::to_bytes(request.into_body(), 64 * 1024).await else {
        return bad("The form is too large.");
    };
    let mut pairs = parse_urlencoded(query.as_bytes());
    pairs.extend(parse_urlencoded(&body));
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let (Some(pareq), Some(md), Some(term_url)) = (get("PaReq"), get("MD"), get("TermUrl")) else {
        return bad("PaReq, MD and TermUrl are required.");
    };
    let lower = term_url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return bad("TermUrl must be an absolute http(s) URL.");
    }
    let mut state = app.state();
    match get("code") {
        None => match acs_session(&state, &md, &pareq) {
            Ok(()) => html_response(html::acs_page(&pareq, &md, &term_url)),
            Err(e) => bad(e.text()),
        },
        Some(code) => match acs_answer(&app, &mut state, &md, &pareq, &code) {
            Ok(pares) => {
                let mut fields = Fields::new();
                fields.push_static("PaRes", pares).push_static("MD", md);
                html_response(html::return_form(&term_url, &fields))
            }
            Err(e) => bad(e.text()),
        },
    }
}

/// The transfers and what each card was debited or credited.
async fn view(AxumState(app): AxumState<Arc<App>>) -> Response {
    let state = app.state();
    let transfers: Vec<_> = state
        .gateway
        .transfers
        .values()
        .map(|t| {
            json!({
                "id": t.id,
                "order_id": t.order_id,
                "status": t.status.name(),
                "amount": format_minor(t.amount),
                "amount_to": format_minor(t.amount_to),
                "commission": format_minor(t.commission),
                "currency_from": t.currency_from,
                "currency_to": t.currency_to,
                "sender": t.sender.as_ref().map(|c| c.pan_masked.clone()),
                "recipient": t.recipient.as_ref().map(|c| c.pan_masked.clone()),
                "failure_code": t.failure.as_ref().map(|f| f.0),
            })
        })
        .collect();
    let ledger: serde_json::Map<String, serde_json::Value> = state
        .gateway
        .card_ledger
        .iter()
        .map(|(card, minor)| (card.clone(), json!(format_minor(*minor))))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({ "transfers": transfers, "cards": ledger, "balance": format_minor(state.balance.get()) }),
    )
    .into_response()
}
