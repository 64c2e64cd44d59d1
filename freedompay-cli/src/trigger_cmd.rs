//! `freedompay trigger KIND --to URL`: sends a correctly signed callback of any kind to the
//! merchant's handler, as FreedomPay would, and checks the handler's reply: HTTP 200, a
//! parseable XML reply, a `pg_status` allowed for that kind, the salt echoed, and the
//! reply's signature (script name = the URL's last path segment). `--replay ID` resends a
//! callback the sandbox recorded.
//!
//! The fields are those the documentation lists for each kind (docs/protocol.md §2.8–2.9;
//! the payout notification from docs.freedompay.kz api-11622162), with realistic values
//! that `--field name=value` overrides. The secret is the one FreedomPay signs that kind
//! with: the payment secret, or the payout secret for payout notifications.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::Read;
use std::time::Duration;

use clap::{Args, ValueEnum};
use freedompay_blocking::{OsSaltSource, SaltSource, ureq};
use freedompay_core::form;
use freedompay_core::sign::{Fields, SIG_FIELD, ScriptName, SecretKey, Value, explain, sign};
use freedompay_xml::{ResponseError, verify_response};
use serde_json::{Value as Json, json};

use crate::output::{Tone, look, print_json, print_line};
use crate::{Failure, Global, secrets, settings};

/// The most of a reply read.
const MAX_REPLY: u64 = 64 * 1024;
/// The most of a reply shown when it is wrong.
const EXCERPT: usize = 300;

/// Which callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TriggerKind {
    /// `pg_check_url`: may the payment go ahead? (payment secret)
    Check,
    /// `pg_result_url`: the outcome of a payment (payment secret)
    Result,
    /// `pg_refund_url`: a payment was refunded (payment secret)
    Refund,
    /// `pg_capture_url`: a held payment was cleared (payment secret)
    Capture,
    /// `pg_post_link` of `cardstorage/add2`: a card was saved for payments (payment secret)
    CardAdded,
    /// `pg_post_link` of a payout: its outcome (payout secret)
    PayoutNotification,
    /// `pg_post_link` of `cardstoragepayout/add`: a card was saved for payouts (payment
    /// secret)
    PayoutCardAdded,
}

impl TriggerKind {
    fn name(self) -> &'static str {
        match self {
            TriggerKind::Check => "check",
            TriggerKind::Result => "result",
            TriggerKind::Refund => "refund",
            TriggerKind::Capture => "capture",
            TriggerKind::CardAdded => "card-added",
            TriggerKind::PayoutNotification => "payout-notification",
            TriggerKind::PayoutCardAdded => "payout-card-added",
        }
    }

    /// A post link, whose documented answer is the unsigned `<pg_status>ok</pg_status>`.
    fn post_link(self) -> bool {
        matches!(
            self,
            TriggerKind::PayoutNotification | TriggerKind::PayoutCardAdded
        )
    }

    /// The method FreedomPay uses unless told otherwise: the payout notification is
    /// documented as `multipart/form-data` (docs.freedompay.kz api-11622162), the others as an
    /// urlencoded POST (`pg_request_method` defaults to POST).
    fn default_method(self) -> SendMethod {
        match self {
            TriggerKind::PayoutNotification => SendMethod::Multipart,
            _ => SendMethod::Post,
        }
    }

    /// The reply statuses the handler may answer (docs/protocol.md §2.9).
    fn allowed(self, can_reject: bool) -> &'static [&'static str] {
        match self {
            TriggerKind::Check => &["ok", "rejected", "error"],
            TriggerKind::Result if can_reject => &["ok", "rejected", "error"],
            TriggerKind::Result
            | TriggerKind::Refund
            | TriggerKind::Capture
            | TriggerKind::CardAdded => &["ok", "error"],
            TriggerKind::PayoutNotification | TriggerKind::PayoutCardAdded => &["ok"],
        }
    }

    /// From the sandbox's name of a recorded callback.
    fn from_record(name: &str) -> Option<TriggerKind> {
        Some(match name {
            "check" => TriggerKind::Check,
            "result" => TriggerKind::Result,
            "refund" => TriggerKind::Refund,
            "capture" => TriggerKind::Capture,
            "payout_notify" => TriggerKind::PayoutNotification,
            "card_added" => TriggerKind::CardAdded,
            _ => return None,
        })
    }
}

/// How the callback is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SendMethod {
    /// The fields in the URL's query (`pg_request_method=GET`), the URL's own query signed too
    Get,
    /// An `application/x-www-form-urlencoded` POST
    Post,
    /// A `multipart/form-data` POST
    Multipart,
    /// One `pg_xml` form field holding the fields as XML (`pg_request_method=XML`)
    Xml,
}

impl SendMethod {
    fn name(self) -> &'static str {
        match self {
            SendMethod::Get => "GET",
            SendMethod::Post => "POST",
            SendMethod::Multipart => "multipart POST",
            SendMethod::Xml => "pg_xml POST",
        }
    }
}

/// `freedompay trigger`.
#[derive(Args, Debug)]
#[command(after_help = "\
The callback is signed with the script name of --to (its last path segment) and the secret
FreedomPay uses for that kind: FREEDOMPAY_SECRET_KEY (or --secret-key-file), and for
payout-notification FREEDOMPAY_PAYOUT_SECRET_KEY (or --payout-secret-key-file, or
--payout-secret-same-as-payment); --secret-env NAME overrides. The fields are the documented
ones with example values (a fresh pg_payment_id and pg_salt each time); --field changes or
adds one: --field pg_order_id=42 --field pg_result=0 --field pg_can_reject=1.

The reply must be HTTP 200 with an XML body whose pg_status is allowed for the kind (check:
ok, rejected, error; result: ok, error, and rejected only with pg_can_reject=1; refund,
capture, card-added: ok, error; the post links: ok), that echoes pg_salt and is signed with
the same script name and secret. A post link may answer the documented unsigned
<pg_status>ok</pg_status> instead. Every problem is printed; the exit code is 1 if there was
one.

--replay ID resends callback ID recorded by the sandbox at --base-url (or
FREEDOMPAY_BASE_URL): its fields and salt, signed again, to its URL or to --to.")]
pub(crate) struct TriggerArgs {
    /// The callback: check, result, refund, capture, card-added, payout-notification,
    /// payout-card-added (with --replay: the recorded one's unless given).
    #[arg(value_enum, required_unless_present = "replay", value_name = "KIND")]
    kind: Option<TriggerKind>,
    /// Your handler's URL, e.g. http://127.0.0.1:3000/freedompay/result.
    #[arg(long, value_name = "URL", required_unless_present = "replay")]
    to: Option<String>,
    /// How to send it (default: multipart for payout-notification, post for the others; with
    /// --replay, as recorded).
    #[arg(long, value_enum)]
    method: Option<SendMethod>,
    /// Set a field (repeatable): NAME=VALUE replaces the default value or adds the field.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    fields: Vec<String>,
    /// Resend the callback with this id recorded by the sandbox at --base-url.
    #[arg(long, value_name = "ID")]
    replay: Option<u64>,
    /// Take the secret from this environment variable instead.
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
}

/// What is sent.
struct Outgoing {
    kind: TriggerKind,
    url: String,
    method: SendMethod,
    /// The signed fields, `pg_sig` last.
    fields: Fields,
    script: ScriptName,
    secret: SecretKey,
    secret_name: String,
}

/// One check of the reply.
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

/// Runs `freedompay trigger`.
pub(crate) fn run(global: &Global, args: &TriggerArgs) -> Result<(), Failure> {
    let agent = agent(global)?;
    let (kind, url, method, unsigned) = match args.replay {
        Some(id) => recorded(global, &agent, id, args)?,
        None => {
            let kind = args
                .kind
                .ok_or_else(|| Failure::input("give the KIND of callback"))?;
            let url = args
                .to
                .clone()
                .ok_or_else(|| Failure::input("give --to URL"))?;
            let method = args.method.unwrap_or(kind.default_method());
            (kind, url, method, example_fields(global, kind)?)
        }
    };
    let mut unsigned = unsigned;
    for field in &args.fields {
        let (name, value) = field.split_once('=').ok_or_else(|| {
            Failure::input(format!(
                "--field {field:?}: give NAME=VALUE (nothing was sent)"
            ))
        })?;
        if name.is_empty() || name == SIG_FIELD {
            return Err(Failure::input(format!(
                "--field {field:?}: a field name other than pg_sig (nothing was sent)"
            )));
        }
        unsigned.set(name, value);
    }
    if kind == TriggerKind::PayoutNotification && unsigned.text("pg_merchant_id").is_none() {
        return Err(Failure::input(
            "a payout notification carries pg_merchant_id: give --merchant-id (or FREEDOMPAY_MERCHANT_ID) or --field pg_merchant_id=ID (nothing was sent)",
        ));
    }
    let (secret, secret_name) = secret(global, kind, args.secret_env.as_deref())?;
    let script = ScriptName::from_url(&url).map_err(|e| {
        Failure::input(format!(
            "--to {url:?}: no script name (the last path segment signs the callback): {e}"
        ))
    })?;
    // A GET callback is signed over every query parameter, the URL's own included
    // (docs/protocol.md §2.8).
    let mut fields = if method == SendMethod::Get {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or("");
        form::decode(query.as_bytes())
            .map_err(|e| Failure::input(format!("--to {url:?}: its query: {e}")))?
    } else {
        Fields::new()
    };
    for field in &unsigned {
        fields.set_value(field.name(), field.value().clone());
    }
    let signature = sign(&script, &fields, &secret)
        .map_err(|e| Failure::input(format!("the callback cannot be signed: {e}")))?;
    fields.push(SIG_FIELD, signature.as_str());
    let outgoing = Outgoing {
        kind,
        url,
        method,
        fields,
        script,
        secret,
        secret_name,
    };
    deliver(global, &agent, &outgoing)
}

fn agent(global: &Global) -> Result<ureq::Agent, Failure> {
    let timeout = settings::timeout(global)?.unwrap_or(Duration::from_secs(30));
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .build()
        .into())
}

/// The secret FreedomPay signs this kind with, and its name for the report.
fn secret(
    global: &Global,
    kind: TriggerKind,
    env: Option<&str>,
) -> Result<(SecretKey, String), Failure> {
    if let Some(name) = env {
        return Ok((
            secrets::require(None, name)?,
            format!("the secret in {name}"),
        ));
    }
    if kind == TriggerKind::PayoutNotification {
        if let Some(key) = secrets::read(
            global.payout_secret_key_file.as_deref(),
            secrets::PAYOUT_SECRET_ENV,
        )? {
            return Ok((key, "the payout secret".into()));
        }
        if !global.payout_secret_same_as_payment {
            return Err(Failure::input(
                "a payout notification is signed with the payout secret: set FREEDOMPAY_PAYOUT_SECRET_KEY (or --payout-secret-key-file), or give --payout-secret-same-as-payment (nothing was sent)",
            ));
        }
    }
    let key = secrets::require(global.secret_key_file.as_deref(), secrets::SECRET_ENV)?;
    Ok((key, "the payment secret".into()))
}

/// A random number of `digits` digits (not for secrets: ids of example callbacks).
fn random_digits(digits: u32) -> u64 {
    let low = 10u64.pow(digits - 1);
    low + RandomState::new().hash_one(std::time::SystemTime::now()) % (9 * low)
}

fn random_salt() -> String {
    OsSaltSource::with_len(16)
        .and_then(|s| s.next_salt())
        .map(|s| s.into_string())
        .unwrap_or_else(|_| format!("s{}", random_digits(15)))
}

/// Now in the gateway's local time (Kazakhstan, UTC+5), as FreedomPay writes dates.
fn gateway_now() -> String {
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(5));
    jiff::Timestamp::now()
        .to_zoned(zone)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The documented fields of a callback of `kind`, with example values, `pg_salt` last.
fn example_fields(global: &Global, kind: TriggerKind) -> Result<Fields, Failure> {
    let payment_id = random_digits(9).to_string();
    let order_id = format!("order-{}", random_digits(6));
    let now = gateway_now();
    let merchant = global
        .merchant_id
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let mut f = Fields::new();
    match kind {
        TriggerKind::Check => {
            f.push("pg_order_id", order_id)
                .push("pg_payment_id", payment_id)
                .push("pg_amount", "1500.00")
                .push("pg_currency", "KZT")
                .push("pg_ps_amount", "1500.00")
                .push("pg_ps_full_amount", "1500.00")
                .push("pg_ps_currency", "KZT")
                .push("pg_payment_system", "EPAYWEBKZT")
                .push("pg_can_reject", "1");
        }
        TriggerKind::Result => {
            f.push("pg_order_id", order_id)
                .push("pg_payment_id", payment_id)
                .push("pg_amount", "1500.00")
                .push("pg_currency", "KZT")
                .push("pg_net_amount", "1455.00")
                .push("pg_ps_amount", "1500.00")
                .push("pg_ps_full_amount", "1500.00")
                .push("pg_ps_currency", "KZT")
                .push("pg_description", "Order: three books")
                .push("pg_result", "1")
                .push("pg_payment_date", now)
                .push("pg_can_reject", "0")
                .push("pg_user_phone", "77001234567")
                .push("pg_user_contact_email", "payer@example.com")
                .push("pg_need_phone_notification", "0")
                .push("pg_need_email_notification", "0")
                .push("pg_testing_mode", "1")
                .push("pg_captured", "1")
                .push("pg_card_id", "1234567")
                .push("pg_card_token", "c92741d9-ddd7-4bad-abd0-5594a79eea1a")
                .push("pg_card_pan", "4405-64XX-XXXX-1234")
                .push("pg_card_exp", "09/28")
                .push("pg_card_owner", "TEST PAYER")
                .push("pg_card_brand", "VI")
                .push("pg_payment_method", "bankcard")
                .push("pg_payment_system", "EPAYWEBKZT");
        }
        TriggerKind::Refund => {
            f.push("pg_order_id", order_id)
                .push("pg_payment_id", payment_id)
                .push("pg_amount", "1500.00")
                .push("pg_currency", "KZT")
                .push("pg_refund_amount", "1500.00")
                .push("pg_refund_id", random_digits(9).to_string())
                .push("pg_refund_date", now)
                .push("pg_refund_type", "refund")
                .push("pg_payment_system", "EPAYWEBKZT");
        }
        TriggerKind::Capture => {
            f.push("pg_order_id", order_id)
                .push("pg_payment_id", payment_id)
                .push("pg_amount", "1500.00")
                .push("pg_currency", "KZT")
                .push("pg_clearing_amount", "1500.00")
                .push("pg_captured", "1")
                .push("pg_capture_date", now);
        }
        TriggerKind::CardAdded | TriggerKind::PayoutCardAdded => {
            f.push("pg_type", "approve")
                .push("pg_payment_id", payment_id)
                .push("pg_order_id", order_id)
                .push("pg_card_3ds", "0")
                .push("pg_card_hash", "4405-64XX-XXXX-1234")
                .push("pg_card_id", "1234567")
                .push("pg_card_token", "c92741d9-ddd7-4bad-abd0-5594a79eea1a")
                .push("pg_user_id", "user-7")
                .push("pg_status", "success")
                .push("pg_card_month", "09")
                .push("pg_card_year", "28");
            if let Some(m) = merchant {
                f.push("pg_merchant_id", m);
            }
        }
        TriggerKind::PayoutNotification => {
            f.push("pg_payment_id", payment_id)
                .push("pg_order_id", order_id)
                .push("pg_card_hash", "4405-64XX-XXXX-1234")
                .push("pg_status", "ok")
                .push("pg_balance", "14284689.00")
                .push("pg_payment_amount", "1500.50")
                .push("pg_to_pay", "1530.50");
            if let Some(m) = merchant {
                f.push("pg_merchant_id", m);
            }
            f.push("pg_payment_date", now);
        }
    }
    f.push("pg_salt", random_salt());
    Ok(f)
}

/// The sandbox's record of callback `id`: its kind, URL (or `--to`), method (or `--method`)
/// and fields with its salt, unsigned.
fn recorded(
    global: &Global,
    agent: &ureq::Agent,
    id: u64,
    args: &TriggerArgs,
) -> Result<(TriggerKind, String, SendMethod, Fields), Failure> {
    let base = match settings::target(global)? {
        settings::Target::BaseUrl(url, _) => url,
        _ => {
            return Err(Failure::input(
                "--replay: give the sandbox's URL with --base-url (or FREEDOMPAY_BASE_URL)",
            ));
        }
    };
    let base = base.trim_end_matches('/');
    // One record: the list is paged by id on newer sandboxes, whole on older ones.
    let after = i128::from(id) - 1;
    let list_url = format!("{base}/_sandbox/callbacks?after={after}&limit=1");
    let control = |e: &dyn std::fmt::Display| {
        Failure::rejected(format!("the sandbox's control API at {base}: {e}"))
    };
    let mut response = agent.get(&list_url).call().map_err(|e| control(&e))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .map_err(|e| control(&e))?;
    if status != 200 {
        return Err(control(&format!("HTTP {status} for {list_url}")));
    }
    let list: Json = serde_json::from_str(&text).map_err(|_| control(&"not JSON"))?;
    let record = list
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c.get("id").and_then(Json::as_u64) == Some(id))
        .ok_or_else(|| {
            Failure::input(format!("--replay {id}: the sandbox has no callback {id}"))
        })?;
    let kind_name = record.get("kind").and_then(Json::as_str).unwrap_or("");
    let kind = match args.kind {
        Some(kind) => kind,
        None => TriggerKind::from_record(kind_name).ok_or_else(|| {
            Failure::input(format!(
                "--replay {id}: a callback of kind {kind_name:?}; give the KIND"
            ))
        })?,
    };
    let url = match &args.to {
        Some(url) => url.clone(),
        None => record
            .get("url")
            .and_then(Json::as_str)
            .ok_or_else(|| control(&format!("callback {id} has no url")))?
            .to_owned(),
    };
    let method = args.method.unwrap_or_else(|| {
        match record.get("method").and_then(Json::as_str).unwrap_or("") {
            "GET" => SendMethod::Get,
            "XML" => SendMethod::Xml,
            // The sandbox posts payout notifications as multipart, as documented.
            _ => kind.default_method(),
        }
    });
    // The record's fields: bracket names (`a[0][b]`) to texts, the salt among them.
    let mut flat = Fields::new();
    for (name, value) in record
        .get("fields")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let text = match value {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        flat.push(name.as_str(), text);
    }
    let fields = form::decode(form::encode(&flat).as_bytes())
        .map_err(|e| control(&format!("callback {id}'s fields: {e}")))?;
    if fields.text("pg_salt").is_none() {
        return Err(control(&format!("callback {id} has no pg_salt")));
    }
    Ok((kind, url, method, fields))
}

/// A `multipart/form-data` body as `curl --form` writes it (nested fields by their bracket
/// names), and its boundary, which occurs in no value.
fn multipart(fields: &Fields) -> (String, Vec<u8>) {
    let pairs = pairs(fields);
    let mut boundary = format!("------------------------FreedomPay{}", random_digits(12));
    while pairs
        .iter()
        .any(|(n, v)| n.contains(&boundary) || v.contains(&boundary))
    {
        boundary.push_str(&random_digits(6).to_string());
    }
    let mut body = String::new();
    for (name, value) in pairs {
        let name = name.replace('"', "%22");
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (boundary, body.into_bytes())
}

/// Sends the callback and checks the reply.
fn deliver(global: &Global, agent: &ureq::Agent, out: &Outgoing) -> Result<(), Failure> {
    let look = look();
    let base = out.url.split('#').next().unwrap_or(&out.url);
    let salt = out.fields.text("pg_salt").unwrap_or("").to_owned();
    let headline = format!(
        "{} callback → {} {} ({} fields, signed with {}, script {})",
        out.kind.name(),
        out.method.name(),
        out.url,
        out.fields.len(),
        out.secret_name,
        out.script.as_str()
    );
    let mut report = json!({
        "kind": out.kind.name(),
        "url": out.url,
        "method": out.method.name(),
        "script": out.script.as_str(),
        "secret": out.secret_name,
        "sent": fields_json(&out.fields),
    });
    if !global.json {
        print_line(&headline);
    }
    let spinner = look.spinner(format!("waiting for {}", out.url));
    let sent = match out.method {
        SendMethod::Get => {
            let path = base.split('?').next().unwrap_or(base);
            let target = format!("{path}?{}", form::encode(&out.fields));
            agent.get(&target).call()
        }
        SendMethod::Post => agent
            .post(base)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form::encode(&out.fields).as_bytes()),
        SendMethod::Multipart => {
            let (boundary, body) = multipart(&out.fields);
            agent
                .post(base)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .send(&body[..])
        }
        SendMethod::Xml => {
            let xml = freedompay_xml::write_with_root(freedompay_xml::REQUEST_ROOT, &out.fields)
                .map_err(|e| {
                    Failure::input(format!("the callback cannot be written as XML: {e}"))
                })?;
            let mut wrapper = Fields::new();
            wrapper.push("pg_xml", xml);
            agent
                .post(base)
                .header("content-type", "application/x-www-form-urlencoded")
                .send(form::encode(&wrapper).as_bytes())
        }
    };
    let answered = sent.and_then(|mut response| {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_REPLY)
            .read_to_end(&mut body)?;
        Ok((status, content_type, body))
    });
    drop(spinner);
    let (status, content_type, body) = match answered {
        Ok(answer) => answer,
        Err(e) => {
            let message = format!(
                "the handler at {} did not answer the {} callback: {e}",
                out.url,
                out.kind.name()
            );
            report["ok"] = json!(false);
            report["exit_code"] = json!(1);
            report["error"] = json!(message);
            return Err(Failure::rejected(message).with_json(report));
        }
    };
    let can_reject = out.fields.text("pg_can_reject").map(str::trim) == Some("1");
    let checks = judge(out, &salt, can_reject, status, &body);
    let problems: Vec<&Check> = checks.iter().filter(|c| !c.ok).collect();
    report["http_status"] = json!(status);
    report["content_type"] = json!(content_type);
    report["reply"] = json!(String::from_utf8_lossy(&body[..body.len().min(4096)]));
    report["checks"] = Json::Array(
        checks
            .iter()
            .map(|c| json!({ "check": c.name, "ok": c.ok, "detail": c.detail }))
            .collect(),
    );
    if !global.json {
        for check in &checks {
            let mark = if check.ok { "✓" } else { "✗" };
            print_line(&format!(
                "  {} {:<12} {}",
                look.mark(mark),
                check.name,
                check.detail
            ));
        }
        if !problems.is_empty() && !body.is_empty() {
            let excerpt: String = String::from_utf8_lossy(&body)
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .take(EXCERPT)
                .collect();
            print_line(&look.paint(Tone::Dim, &format!("  the reply: {excerpt}")));
        }
    }
    if problems.is_empty() {
        report["ok"] = json!(true);
        if global.json {
            print_json(&report);
        } else {
            print_line(&format!(
                "{} the handler answered the {} callback correctly",
                look.mark("✓"),
                out.kind.name()
            ));
        }
        Ok(())
    } else {
        let message = format!(
            "the handler's reply to the {} callback is wrong: {}",
            out.kind.name(),
            problems
                .iter()
                .map(|c| format!("{}: {}", c.name, c.detail))
                .collect::<Vec<_>>()
                .join("; ")
        );
        report["ok"] = json!(false);
        report["exit_code"] = json!(1);
        report["error"] = json!(message);
        if !global.json {
            print_line(&format!(
                "{} {} problem(s) in the handler's reply",
                look.mark("✗"),
                problems.len()
            ));
        }
        Err(Failure::rejected(message).with_json(report))
    }
}

/// The checks of a reply: HTTP 200, XML, `pg_status` allowed, the salt echoed, the signature.
fn judge(out: &Outgoing, salt: &str, can_reject: bool, status: u16, body: &[u8]) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut check = |name: &'static str, ok: bool, detail: String| {
        checks.push(Check { name, ok, detail });
    };
    check(
        "HTTP status",
        status == 200,
        if status == 200 {
            "200".to_owned()
        } else {
            format!("{status}: FreedomPay counts anything but 200 as not delivered and calls again")
        },
    );
    let document = match freedompay_xml::parse(body) {
        Ok(document) => document,
        Err(e) => {
            let why = if body.trim_ascii().is_empty() {
                "the body is empty".to_owned()
            } else {
                format!("it cannot be parsed: {e}")
            };
            check(
                "XML reply",
                false,
                format!(
                    "{why}; answer <?xml version=\"1.0\" encoding=\"utf-8\"?><response>…</response>"
                ),
            );
            return checks;
        }
    };
    let allowed = out.kind.allowed(can_reject);
    // The documented answer to a post link: a lone, unsigned <pg_status>ok</pg_status>.
    if out.kind.post_link() && document.root_name() == "pg_status" {
        let text = document.root_text().map(str::trim).unwrap_or("");
        check(
            "XML reply",
            true,
            "<pg_status>, the documented post-link answer".into(),
        );
        check(
            "pg_status",
            text == "ok",
            if text == "ok" {
                "ok".into()
            } else {
                format!("{text:?}: a post link must answer ok")
            },
        );
        return checks;
    }
    check("XML reply", true, format!("<{}>", document.root_name()));
    let reply_status = document.text("pg_status").map(str::trim).map(str::to_owned);
    match reply_status.as_deref() {
        None => check(
            "pg_status",
            false,
            "missing: the reply must say ok, rejected or error".into(),
        ),
        Some(s) if allowed.contains(&s) => check("pg_status", true, s.to_owned()),
        Some("rejected") if out.kind == TriggerKind::Result => check(
            "pg_status",
            false,
            "rejected, but the callback had pg_can_reject=0: the payment counts as completed whatever the reply".into(),
        ),
        Some(s) => check(
            "pg_status",
            false,
            format!("{s:?} is not an answer to a {} callback (allowed: {})", out.kind.name(), allowed.join(", ")),
        ),
    }
    match document.text("pg_salt") {
        Some(echo) if echo == salt => check("pg_salt", true, format!("{echo} echoed")),
        Some(echo) => check(
            "pg_salt",
            false,
            format!("{echo:?} instead of the callback's {salt:?}: echo the incoming pg_salt"),
        ),
        None => check(
            "pg_salt",
            false,
            format!("missing: the reply must echo the callback's pg_salt ({salt})"),
        ),
    }
    let canonical = explain(&out.script, document.fields()).ok();
    match verify_response(document, &out.script, &out.secret) {
        Ok(_) => check(
            "signature",
            true,
            format!(
                "matches (script {}, {})",
                out.script.as_str(),
                out.secret_name
            ),
        ),
        Err(ResponseError::Unsigned(_)) => check(
            "signature",
            false,
            format!(
                "missing: sign the reply with script {} and {} (pg_sig)",
                out.script.as_str(),
                out.secret_name
            ),
        ),
        Err(ResponseError::Mismatch) => {
            let mut detail = format!(
                "does NOT match for script {} and {}: a wrong secret or script name, or a field changed after signing",
                out.script.as_str(),
                out.secret_name
            );
            if let Some(canonical) = canonical {
                detail.push_str(&format!(" (what is hashed, secret masked: {canonical})"));
            }
            check("signature", false, detail);
        }
        Err(e) => check("signature", false, format!("cannot be verified: {e}")),
    }
    checks
}

/// The sent fields as JSON (bracket names to texts), `pg_sig` included.
fn fields_json(fields: &Fields) -> Json {
    Json::Object(
        pairs(fields)
            .into_iter()
            .map(|(name, value)| (name, Json::String(value)))
            .collect(),
    )
}

/// The fields as pairs of bracket names (`a[0][b]`) and texts, in order.
fn pairs(fields: &Fields) -> Vec<(String, String)> {
    fn walk(out: &mut Vec<(String, String)>, name: String, value: &Value) {
        match value {
            Value::Text(t) => out.push((name, t.clone())),
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
    let mut out = Vec::new();
    for f in fields {
        walk(&mut out, f.name().to_owned(), f.value());
    }
    out
}
