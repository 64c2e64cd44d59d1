//! The dashboard at `/`: a page for people watching the sandbox. Payments, payouts, saved
//! cards, card-add pages, the balance, the faults in force and every callback with its
//! attempts (the merchant's replies and whether their signatures held), with buttons that pay
//! a pending payment with a test card, complete a payout in `process`, set or clear a fault,
//! advance time and replay a callback.
//!
//! Server-rendered HTML, no build step: the live part (`/_sandbox/dashboard/live`) is fetched
//! again every two seconds by a few lines of JavaScript, so the page follows the sandbox
//! without a reload; without JavaScript it is a plain page. Every button is a form posting to
//! `/_sandbox/dashboard/{action}`, which hands the action to the JSON control API in process
//! (so both do exactly the same thing) and redirects back to `/` with what happened. Every
//! value shown is escaped: order ids, descriptions, URLs and the merchant's replies come from
//! untrusted requests.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State as AxumState};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::{Value as Json, json};
use tower::Service;

use crate::app::App;
use crate::cards::PURCHASE_TEST_CARDS;
use crate::control;
use crate::endpoints;
use crate::faults::FaultEntry;
use crate::html::esc;
use crate::money::format_minor;
use crate::state::{
    Attempt, CallbackRecord, CardSession, Delivery, Payment, Payout, PayoutStatus, SavedCard,
};
use crate::wire::parse_urlencoded;

/// At most this many of each kind of row (the most recent ones).
const MAX_ROWS: usize = 200;
/// A valid card number that is no test card: a purchase with it is declined.
const DECLINED_CARD: &str = "4111111111111111";

/// The dashboard routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        // Only a browser's GET is the dashboard: an API request to `/` (another method, or
        // `pg_` fields in the query) gets the XML error of any unknown path.
        .route("/", get(index).fallback(endpoints::unknown_path))
        .route("/_sandbox/dashboard/live", get(live))
        .route("/_sandbox/dashboard/{action}", post(action))
}

/// What the dashboard shows, copied out of the state so that the lock is held only for the
/// copy (the most recent [`MAX_ROWS`] of each kind).
struct Snapshot {
    now: i64,
    balance: i64,
    payments: Vec<Payment>,
    payments_total: usize,
    payouts: Vec<Payout>,
    payouts_total: usize,
    cards: Vec<SavedCard>,
    sessions: Vec<(i64, CardSession)>,
    callbacks: Vec<CallbackRecord>,
    callbacks_total: usize,
    faults: Vec<FaultEntry>,
}

fn snapshot(app: &App) -> Snapshot {
    let now = app.clock.now_ms();
    let faults = app.faults().list();
    let st = app.state();
    Snapshot {
        now,
        balance: st.balance.get(),
        payments: st.payments.values().rev().take(MAX_ROWS).cloned().collect(),
        payments_total: st.payments.len(),
        payouts: st
            .payouts
            .values()
            .rev()
            .take(MAX_ROWS)
            .map(|p| Payout::clone(p))
            .collect(),
        payouts_total: st.payouts.len(),
        cards: st.cards.iter().rev().take(MAX_ROWS).cloned().collect(),
        sessions: st
            .card_sessions
            .iter()
            .rev()
            .filter(|(_, s)| s.done.is_none())
            .take(MAX_ROWS)
            .map(|(id, s)| (*id, s.clone()))
            .collect(),
        callbacks: st
            .callbacks
            .values()
            .rev()
            .take(MAX_ROWS)
            .cloned()
            .collect(),
        callbacks_total: st.callbacks.len(),
        faults,
    }
}

fn html(body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn index(AxumState(app): AxumState<Arc<App>>, request: Request) -> Response {
    let pairs = parse_urlencoded(request.uri().query().unwrap_or_default().as_bytes());
    if pairs.iter().any(|(name, _)| name.starts_with("pg_")) {
        return endpoints::unknown_path(AxumState(app), request).await;
    }
    let notice = pairs
        .iter()
        .find(|(n, _)| n == "note")
        .map(|(_, v)| (false, v.as_str()))
        .or_else(|| {
            pairs
                .iter()
                .find(|(n, _)| n == "error")
                .map(|(_, v)| (true, v.as_str()))
        });
    html(page(&app, &snapshot(&app), notice))
}

async fn live(AxumState(app): AxumState<Arc<App>>) -> Response {
    html(live_html(&app, &snapshot(&app)))
}

/// The whole page: the static forms, and the live part.
fn page(app: &App, snap: &Snapshot, notice: Option<(bool, &str)>) -> String {
    let notice = match notice {
        Some((true, text)) => format!("<p class=\"notice error\" role=\"alert\">{}</p>", esc(text)),
        Some((false, text)) => format!("<p class=\"notice\" role=\"status\">{}</p>", esc(text)),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Dashboard · FreedomPay sandbox</title><style>{STYLE}</style></head><body>\
<header><h1>FreedomPay sandbox</h1><p class=\"note\">Merchant {merchant} · {base} · nothing here is real money.</p></header>\
{notice}<section class=\"tools\">\
<form method=\"post\" action=\"/_sandbox/dashboard/advance\"><label>Advance time by \
<input name=\"seconds\" type=\"number\" min=\"0\" value=\"60\" size=\"7\"> seconds</label> <button type=\"submit\">Advance</button></form>\
<form method=\"post\" action=\"/_sandbox/dashboard/fault\"><label>Fault \
<select name=\"kind\"><option value=\"status_5xx\">HTTP 5xx page</option><option value=\"latency_ms\">latency (ms)</option>\
<option value=\"drop_connection\">drop the connection</option><option value=\"truncate_body\">truncate the body</option>\
<option value=\"wrong_signature\">wrong signature</option><option value=\"unsigned_error\">unsigned error (code)</option></select></label> \
<label>value <input name=\"value\" size=\"6\" placeholder=\"502\"></label> \
<label>on path <input name=\"path\" size=\"18\" placeholder=\"every endpoint\"></label> \
<label>for the next <input name=\"count\" type=\"number\" min=\"1\" size=\"4\" placeholder=\"all\"> requests</label> \
<button type=\"submit\">Set fault</button></form>\
<form method=\"post\" action=\"/_sandbox/dashboard/faults-clear\"><button type=\"submit\">Clear faults</button></form>\
</section><div id=\"live\">{live}</div>\
<script>{SCRIPT}</script></body></html>\n",
        merchant = esc(app.config.merchant_id()),
        base = esc(&app.base_url),
        live = live_html(app, snap),
    )
}

const STYLE: &str = "body{font-family:sans-serif;margin:1em 2em;color:#222}h1{margin:.2em 0}\
h2{margin:1.2em 0 .3em;font-size:1.2em}table{border-collapse:collapse;width:100%;font-size:.9em}\
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}\
form{display:inline;margin:0}.tools form{display:block;margin:.4em 0}button{margin:.1em}\
.note{color:#666;font-size:.9em}.notice{background:#eef6ee;border:1px solid #9c9;padding:.4em .8em}\
.notice.error{background:#fbeeee;border-color:#c99}.ok{color:#070}.bad{color:#b00}.wait{color:#a60}\
code,.mono{font-family:monospace;font-size:.95em;word-break:break-all}details{margin:.2em 0}pre{white-space:pre-wrap;word-break:break-all;margin:.3em 0}\
.attempt{margin:.2em 0 .2em 1em;font-size:.95em}.empty{color:#888;font-style:italic}";

/// Fetches the live part again every two seconds (not while the tab is hidden, nor while a
/// request is on its way).
const SCRIPT: &str = "(function(){var live=document.getElementById('live'),busy=false;\
setInterval(function(){if(busy||document.hidden)return;busy=true;\
fetch('/_sandbox/dashboard/live',{cache:'no-store'}).then(function(r){return r.ok?r.text():null})\
.then(function(t){if(t!==null)live.innerHTML=t}).catch(function(){}).then(function(){busy=false})},2000)})();";

/// The part of the page that follows the sandbox.
fn live_html(app: &App, snap: &Snapshot) -> String {
    let mut out = format!(
        "<p>Sandbox time <b id=\"now\">{}</b> · balance <b id=\"balance\">{}</b></p>",
        esc(&app.clock.format(snap.now)),
        format_minor(snap.balance)
    );
    faults_html(&mut out, &snap.faults);
    payments_html(&mut out, app, snap);
    payouts_html(&mut out, app, snap);
    cards_html(&mut out, app, snap);
    callbacks_html(&mut out, app, snap);
    out
}

fn shown(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = write!(
            out,
            "<p class=\"note\">The latest {shown} of {total}; the control API lists them all.</p>"
        );
    }
}

fn button(action: &str, fields: &[(&str, &str)], label: &str) -> String {
    let mut inputs = String::new();
    for (name, value) in fields {
        let _ = write!(
            inputs,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        );
    }
    format!(
        "<form method=\"post\" action=\"/_sandbox/dashboard/{action}\">{inputs}<button type=\"submit\" class=\"{action}\">{}</button></form>",
        esc(label)
    )
}

fn faults_html(out: &mut String, faults: &[FaultEntry]) {
    out.push_str("<h2 id=\"faults\">Faults</h2>");
    if faults.is_empty() {
        out.push_str("<p class=\"empty\">None: every endpoint answers normally.</p>");
        return;
    }
    out.push_str("<ul>");
    for entry in faults {
        let fault = serde_json::to_value(&entry.fault).unwrap_or(Json::Null);
        let effects: Vec<String> = fault
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, v)| {
                *k != "count" && !matches!(v, Json::Null | Json::Bool(false)) && **v != json!(0)
            })
            .map(|(k, v)| match v {
                Json::Bool(true) => k.clone(),
                other => format!("{k} = {other}"),
            })
            .collect();
        let count = match entry.fault.count {
            Some(n) => format!(" (the next {n} requests)"),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<li class=\"fault\">{}: {}{count}</li>",
            esc(entry.path.as_deref().unwrap_or("every endpoint")),
            esc(&effects.join(", "))
        );
    }
    out.push_str("</ul>");
}

fn payments_html(out: &mut String, app: &App, snap: &Snapshot) {
    let _ = write!(
        out,
        "<h2 id=\"payments\">Payments ({})</h2>",
        snap.payments_total
    );
    if snap.payments.is_empty() {
        out.push_str("<p class=\"empty\">No payment yet.</p>");
        return;
    }
    out.push_str(
        "<table><tr><th>Id</th><th>Order</th><th>Amount</th><th>Status</th><th>Card</th>\
<th>Created</th><th>Description</th><th></th></tr>",
    );
    let paying = PURCHASE_TEST_CARDS[0];
    for p in &snap.payments {
        let id = p.id.to_string();
        let status = p.status.status3();
        let class = match status {
            "success" => "ok",
            "new" | "pending" => "wait",
            _ => "bad",
        };
        let mut status_text = esc(status);
        if let Some((code, description)) = &p.failure {
            let _ = write!(status_text, " ({code}: {})", esc(description));
        }
        if p.status.status3() == "success" && !p.captured {
            status_text.push_str(", hold");
        }
        if p.refunded() > 0 {
            let _ = write!(status_text, ", refunded {}", format_minor(p.refunded()));
        }
        let actions = if p.payable(snap.now) {
            format!(
                "<a href=\"{}\">payment page</a> {} {}",
                esc(&app.url(&format!("/pay/{id}"))),
                button(
                    "pay",
                    &[("id", &id), ("card", paying)],
                    &format!("Pay with test card {}", mask(paying))
                ),
                button(
                    "pay",
                    &[("id", &id), ("card", DECLINED_CARD)],
                    "Pay with a declined card"
                ),
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<tr id=\"payment-{id}\"><td>{id}</td><td class=\"mono\">{}</td><td>{} {}</td>\
<td class=\"{class} status\">{status_text}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{actions}</td></tr>",
            esc(p.order_id.as_deref().unwrap_or("")),
            format_minor(p.amount),
            esc(&p.currency),
            esc(p.card.as_ref().map_or("", |c| c.pan_masked.as_str())),
            esc(&app.clock.format(p.created_at)),
            esc(&p.description),
        );
    }
    out.push_str("</table>");
    shown(out, snap.payments.len(), snap.payments_total);
}

fn payouts_html(out: &mut String, app: &App, snap: &Snapshot) {
    let _ = write!(
        out,
        "<h2 id=\"payouts\">Payouts ({})</h2>",
        snap.payouts_total
    );
    if snap.payouts.is_empty() {
        out.push_str("<p class=\"empty\">No payout yet.</p>");
        return;
    }
    out.push_str(
        "<table><tr><th>Id</th><th>Kind</th><th>Order</th><th>Amount</th><th>Status</th>\
<th>To</th><th>Created</th><th></th></tr>",
    );
    for p in &snap.payouts {
        let id = p.id.to_string();
        let (class, status) = match &p.status {
            PayoutStatus::Created => ("wait", "created, waiting for the recipient".to_owned()),
            PayoutStatus::Process { .. } => ("wait", "process".to_owned()),
            PayoutStatus::Success => ("ok", "success".to_owned()),
            PayoutStatus::Error(code, description) => {
                ("bad", format!("error {code}: {description}"))
            }
        };
        let actions = match &p.status {
            PayoutStatus::Process { .. } => format!(
                "{} {}",
                button(
                    "payout-complete",
                    &[("id", &id), ("status", "success")],
                    "Complete"
                ),
                button(
                    "payout-complete",
                    &[("id", &id), ("status", "error")],
                    "Fail (10001)"
                )
            ),
            PayoutStatus::Created if p.kind.name() == "reg2nonreg" => format!(
                "<a href=\"{}\">payout page</a>",
                esc(&app.url(&format!("/payout/{id}")))
            ),
            _ => String::new(),
        };
        let to = p
            .card
            .as_ref()
            .map(|c| c.pan_masked.clone())
            .or_else(|| p.recipient.clone())
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr id=\"payout-{id}\"><td>{id}</td><td>{}</td><td class=\"mono\">{}</td><td>{} {}</td>\
<td class=\"{class} status\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{actions}</td></tr>",
            esc(p.kind.name()),
            esc(p.order_id.as_deref().unwrap_or("")),
            format_minor(p.amount),
            esc(&p.currency),
            esc(&status),
            esc(&to),
            esc(&app.clock.format(p.created_at)),
        );
    }
    out.push_str("</table>");
    shown(out, snap.payouts.len(), snap.payouts_total);
}

fn cards_html(out: &mut String, app: &App, snap: &Snapshot) {
    out.push_str("<h2 id=\"cards\">Saved cards</h2>");
    if snap.cards.is_empty() && snap.sessions.is_empty() {
        out.push_str("<p class=\"empty\">No saved card yet.</p>");
        return;
    }
    if !snap.cards.is_empty() {
        out.push_str(
            "<table><tr><th>User</th><th>For</th><th>Card</th><th>Token</th><th>Added</th><th>State</th></tr>",
        );
        for c in &snap.cards {
            let _ = write!(
                out,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.user_id),
                if c.for_payouts {
                    "payouts"
                } else {
                    "purchases"
                },
                esc(&c.card.pan_masked),
                esc(&c.card.token),
                esc(&app.clock.format(c.created_at)),
                if c.deleted_at.is_some() {
                    "<span class=\"bad\">removed</span>"
                } else {
                    "<span class=\"ok\">active</span>"
                },
            );
        }
        out.push_str("</table>");
    }
    for (id, session) in &snap.sessions {
        let _ = write!(
            out,
            "<p>Card-add page waiting for user <code>{}</code>{}: <a href=\"{}\">open it</a></p>",
            esc(&session.user_id),
            if session.for_payouts {
                " (for payouts)"
            } else {
                ""
            },
            esc(&app.url(&format!("/card/add/{id}")))
        );
    }
}

/// Whether the merchant's reply was signed correctly, from what the attempt recorded.
fn signature(kind_is_post_link: bool, attempt: &Attempt) -> (&'static str, &'static str) {
    match (&attempt.reply_status, attempt.error.as_deref()) {
        (Some(_), _) if kind_is_post_link && !attempt.body_excerpt.contains("<response") => {
            ("ok", "unsigned pg_status ok (allowed for post links)")
        }
        (Some(_), _) => ("ok", "valid"),
        (None, Some("the reply's signature does not match")) => ("bad", "does not match"),
        (None, Some("the reply is not signed")) => ("bad", "unsigned"),
        (None, Some("the reply cannot be verified")) => ("bad", "cannot be verified"),
        _ => ("note", "not checked"),
    }
}

fn callbacks_html(out: &mut String, app: &App, snap: &Snapshot) {
    let _ = write!(
        out,
        "<h2 id=\"callbacks\">Callbacks ({})</h2>",
        snap.callbacks_total
    );
    if snap.callbacks.is_empty() {
        out.push_str("<p class=\"empty\">No callback yet.</p>");
        return;
    }
    out.push_str(
        "<table><tr><th>Id</th><th>Kind</th><th>About</th><th>To</th><th>State</th>\
<th>Attempts</th><th></th></tr>",
    );
    for c in &snap.callbacks {
        let id = c.id.to_string();
        let class = match c.state {
            Delivery::Delivered => "ok",
            Delivery::Failed => "bad",
            Delivery::Pending | Delivery::InFlight => "wait",
        };
        let mut state = c.state.name().replace('_', " ");
        if let Some(at) = c.next_at {
            let _ = write!(state, ", next attempt {}", app.clock.format(at));
        }
        let mut attempts = String::new();
        for (n, a) in c.attempts.iter().enumerate() {
            let (sig_class, sig) = signature(c.kind.post_link(), a);
            let reply = match (&a.reply_status, &a.reply_description) {
                (Some(s), Some(d)) => format!("pg_status {} ({})", esc(s), esc(d)),
                (Some(s), None) => format!("pg_status {}", esc(s)),
                _ => String::new(),
            };
            let _ = write!(
                attempts,
                "<details class=\"attempt\"><summary>#{} {} · HTTP {} · {} · signature <span class=\"{sig_class}\">{sig}</span>{}</summary>\
<pre class=\"mono\">{}</pre></details>",
                n + 1,
                esc(&app.clock.format(a.at)),
                a.http_status.map_or("none".to_owned(), |s| s.to_string()),
                if reply.is_empty() {
                    "no acceptable reply".to_owned()
                } else {
                    reply
                },
                a.error
                    .as_deref()
                    .map(|e| format!(" · <span class=\"bad\">{}</span>", esc(e)))
                    .unwrap_or_default(),
                esc(&a.body_excerpt),
            );
        }
        let replay = if c.state == Delivery::InFlight {
            String::new()
        } else {
            button("replay", &[("id", &id)], "Replay")
        };
        let _ = write!(
            out,
            "<tr id=\"callback-{id}\"><td>{id}</td><td>{}</td><td>{}</td><td class=\"mono\">{} {}</td>\
<td class=\"{class}\">{}</td><td><span class=\"attempts\">{}</span>{attempts}</td><td>{replay}</td></tr>",
            esc(c.kind.name()),
            c.subject_id,
            esc(c.method.name()),
            esc(&c.url),
            esc(&state),
            c.attempts.len(),
        );
    }
    out.push_str("</table>");
    shown(out, snap.callbacks.len(), snap.callbacks_total);
}

/// `4716…1981`.
fn mask(pan: &str) -> String {
    let tail = pan.get(pan.len().saturating_sub(4)..).unwrap_or("");
    format!("{}…{tail}", pan.get(..4).unwrap_or(""))
}

/// A dashboard button: the control API request it stands for, run in process, then back to
/// the dashboard with what happened.
async fn action(
    AxumState(app): AxumState<Arc<App>>,
    Path(action): Path<String>,
    body: Bytes,
) -> Response {
    let form = parse_urlencoded(&body);
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let id = field("id");
    let request = match action.as_str() {
        "pay" => Ok((
            "POST",
            format!("/_sandbox/payments/{}/pay", path_id(&id)),
            json!({ "card": field("card") }),
            format!("Payment {id}"),
        )),
        "payout-complete" => Ok((
            "POST",
            format!("/_sandbox/payouts/{}/complete", path_id(&id)),
            json!({ "status": field("status") }),
            format!("Payout {id}"),
        )),
        "replay" => Ok((
            "POST",
            format!("/_sandbox/callbacks/{}/replay", path_id(&id)),
            Json::Null,
            format!("Callback {id} replayed"),
        )),
        "advance" => match field("seconds").parse::<i64>() {
            Ok(seconds) => Ok((
                "POST",
                "/_sandbox/advance".to_owned(),
                json!({ "seconds": seconds }),
                "Time advanced".to_owned(),
            )),
            Err(_) => Err("Advance: give a whole number of seconds.".to_owned()),
        },
        "fault" => fault_request(
            &field("kind"),
            &field("value"),
            &field("path"),
            &field("count"),
        )
        .map(|body| {
            (
                "POST",
                "/_sandbox/faults".to_owned(),
                body,
                "Fault set".to_owned(),
            )
        }),
        "faults-clear" => Ok((
            "DELETE",
            "/_sandbox/faults".to_owned(),
            Json::Null,
            "Faults cleared".to_owned(),
        )),
        _ => Err(format!("No dashboard action {action:?}.")),
    };
    let (method, path, body, what) = match request {
        Ok(request) => request,
        Err(message) => return back("error", &message),
    };
    let (status, reply) = control_call(&app, method, &path, &body).await;
    if !(200..300).contains(&status) {
        let why = reply
            .get("error")
            .and_then(Json::as_str)
            .unwrap_or("the control API refused it");
        return back("error", &format!("{what}: {why}"));
    }
    let outcome = match action.as_str() {
        "pay" | "payout-complete" => reply
            .get("status")
            .and_then(Json::as_str)
            .map(|s| format!(": {s}"))
            .unwrap_or_default(),
        "replay" => match reply.get("attempt") {
            Some(attempt) if reply["accepted"] == json!(true) => format!(
                ": accepted (pg_status {})",
                attempt["reply_status"].as_str().unwrap_or("ok")
            ),
            Some(attempt) => format!(
                ": not accepted ({})",
                attempt["error"].as_str().unwrap_or("no reply")
            ),
            None => String::new(),
        },
        "advance" => format!(
            " to {}; {} callback(s) attempted",
            reply["now"].as_str().unwrap_or(""),
            reply["callbacks_attempted"]
        ),
        _ => String::new(),
    };
    back("note", &format!("{what}{outcome}."))
}

/// An id for a path segment: digits only (anything else would be a different route).
fn path_id(id: &str) -> &str {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        id
    } else {
        "0"
    }
}

/// The control API's fault JSON for the dashboard's fault form.
fn fault_request(kind: &str, value: &str, path: &str, count: &str) -> Result<Json, String> {
    let number = |what: &str| {
        value
            .parse::<u64>()
            .map_err(|_| format!("Fault: {what} needs a number in \"value\"."))
    };
    let mut fault = match kind {
        "status_5xx" => {
            json!({ "status_5xx": if value.is_empty() { 502 } else { number("an HTTP status")? } })
        }
        "latency_ms" => json!({ "latency_ms": number("a latency in milliseconds")? }),
        "unsigned_error" => match value {
            "" => json!({ "unsigned_error": true }),
            _ => json!({ "unsigned_error": true, "error_code": number("an error code")? }),
        },
        "drop_connection" | "truncate_body" | "wrong_signature" => json!({ kind: true }),
        _ => return Err(format!("Fault: unknown kind {kind:?}.")),
    };
    if !path.is_empty() {
        fault["path"] = json!(path);
    }
    if !count.is_empty() {
        let count = count
            .parse::<u32>()
            .map_err(|_| "Fault: the count is a whole number of requests.".to_owned())?;
        fault["count"] = json!(count);
    }
    Ok(fault)
}

/// Runs one control API request in process; its status and JSON reply.
async fn control_call(app: &Arc<App>, method: &str, path: &str, body: &Json) -> (u16, Json) {
    let body = if body.is_null() {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    let Ok(request) = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header(CONTENT_TYPE, "application/json")
        .body(body)
    else {
        return (500, json!({ "error": "the request cannot be built" }));
    };
    let mut router = control::router().with_state(Arc::clone(app));
    let response = match router.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    (status, serde_json::from_slice(&bytes).unwrap_or(Json::Null))
}

/// Back to the dashboard with a note or an error (303, so a reload does not post again).
fn back(kind: &str, text: &str) -> Response {
    let mut query = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => query.push(b as char),
            _ => {
                let _ = write!(query, "%{b:02X}");
            }
        }
    }
    Redirect::to(&format!("/?{kind}={query}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_forms_become_control_api_faults() {
        assert_eq!(
            fault_request("status_5xx", "", "", "").unwrap(),
            json!({ "status_5xx": 502 })
        );
        assert_eq!(
            fault_request("latency_ms", "250", "/init_payment.php", "2").unwrap(),
            json!({ "latency_ms": 250, "path": "/init_payment.php", "count": 2 })
        );
        assert_eq!(
            fault_request("wrong_signature", "", "", "").unwrap(),
            json!({ "wrong_signature": true })
        );
        assert!(fault_request("latency_ms", "soon", "", "").is_err());
        assert!(fault_request("meteor", "", "", "").is_err());
    }

    #[test]
    fn ids_in_paths_are_digits_only() {
        assert_eq!(path_id("1000001"), "1000001");
        assert_eq!(path_id("1/../../faults"), "0");
        assert_eq!(path_id(""), "0");
        assert_eq!(mask("4716047261941981"), "4716…1981");
    }
}
