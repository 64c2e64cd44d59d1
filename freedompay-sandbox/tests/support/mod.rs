//! Test support: a sandbox on loopback, requests signed independently with `freedompay-sign`
//! and encoded here (not by the sandbox's code), every reply verified with
//! `freedompay_xml::verify_response`, and a small merchant server that records callbacks and
//! answers them as told.
#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use freedompay_sandbox::{ClockMode, Sandbox, SandboxConfig};
use freedompay_sign::{Fields, ScriptName, SecretKey, Value};
use freedompay_xml::{ResponseError, Verified};

pub const MERCHANT: &str = "545000";
pub const PAY_SECRET: &str = "pay-secret-Зх";
pub const PAYOUT_SECRET: &str = "payout-secret";
/// 2026-01-01 00:00:00 UTC.
pub const START: i64 = 1_767_225_600;

/// The payout endpoints of docs/protocol.md §2.6 (their requests use the payout secret).
const PAYOUT_PATHS: &[&str] = &[
    "/api/reg2nonreg",
    "/api/reg2reg",
    "/g2g/p2p2nonreg",
    "/api/to_iban",
    "/api/balance_status",
    "/api/payment_status",
    "/api/payment_status2",
    "/init_payout.php",
    "/mfs/payout",
    "/api/cbc/check",
    "/api/cbc/exec",
    "/api/cbc/status",
];

/// The configuration most tests use: a fixed clock, an unknown element in every 3rd reply.
pub fn config() -> SandboxConfig {
    SandboxConfig::new(MERCHANT, SecretKey::new(PAY_SECRET).unwrap())
        .payout_secret_key(SecretKey::new(PAYOUT_SECRET).unwrap())
        .clock(ClockMode::Fixed(START))
        .unknown_element_every(3)
        .callback_timeout(Duration::from_secs(5))
}

/// A started sandbox and a client for it.
pub struct Env {
    pub sandbox: Sandbox,
    pub api: Api,
}

pub async fn start(config: SandboxConfig) -> Env {
    let merchant = config.merchant_id().to_owned();
    let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let api = Api {
        base: sandbox.base_url().to_owned(),
        merchant,
        secret: PAY_SECRET.into(),
        payout_secret: PAYOUT_SECRET.into(),
        http: http(),
    };
    Env { sandbox, api }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A fresh salt.
pub fn salt() -> String {
    use freedompay_sign::SaltSource;
    freedompay_sign::OsSaltSource::default()
        .next_salt()
        .unwrap()
        .into_string()
}

/// Percent-encoding of a form name or value (the test's own, independent of the sandbox).
pub fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `(bracket name, text)` pairs of a tree, in order.
pub fn pairs(fields: &Fields) -> Vec<(String, String)> {
    fn walk(out: &mut Vec<(String, String)>, name: String, value: &Value) {
        match value {
            Value::Text(t) => out.push((name, t.clone())),
            Value::Map(m) => m
                .iter()
                .for_each(|f| walk(out, format!("{name}[{}]", f.name()), f.value())),
            Value::List(l) => l
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(out, format!("{name}[{i}]"), v)),
        }
    }
    let mut out = Vec::new();
    fields
        .iter()
        .for_each(|f| walk(&mut out, f.name().to_owned(), f.value()));
    out
}

pub fn form(fields: &Fields) -> String {
    pairs(fields)
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn multipart(fields: &Fields, boundary: &str) -> String {
    let mut body = String::new();
    for (name, value) in pairs(fields) {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

/// Decodes a flat urlencoded form (for what the merchant server receives).
pub fn decode_form(text: &str) -> Fields {
    fn dec(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    let mut fields = Fields::new();
    for piece in text.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = piece.split_once('=').unwrap_or((piece, ""));
        fields.push(dec(n), dec(v));
    }
    fields
}

/// A client of the sandbox's API, with its own signing.
pub struct Api {
    pub base: String,
    pub merchant: String,
    pub secret: String,
    pub payout_secret: String,
    pub http: reqwest::Client,
}

impl Api {
    pub fn secret_for(&self, path: &str) -> SecretKey {
        if PAYOUT_PATHS.contains(&path) {
            SecretKey::new(self.payout_secret.as_str()).unwrap()
        } else {
            SecretKey::new(self.secret.as_str()).unwrap()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `pg_merchant_id` + the pairs + a salt, signed for `path`.
    pub fn signed(&self, path: &str, pairs: &[(&str, &str)]) -> Fields {
        let mut fields = Fields::new();
        fields.push("pg_merchant_id", self.merchant.as_str());
        for (n, v) in pairs {
            fields.push(*n, *v);
        }
        self.sign(path, fields)
    }

    /// Adds `pg_salt` (unless present) and `pg_sig` for `path`.
    pub fn sign(&self, path: &str, mut fields: Fields) -> Fields {
        if !fields.contains("pg_salt") {
            fields.push("pg_salt", salt());
        }
        let script = ScriptName::from_url(path).unwrap();
        let sig = freedompay_sign::sign(&script, &fields, &self.secret_for(path)).unwrap();
        fields.set("pg_sig", sig.as_str());
        fields
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: String) -> (u16, String) {
        let response = self
            .http
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    pub async fn get_raw(&self, path_and_query: &str) -> (u16, String) {
        let response = self
            .http
            .get(self.url(path_and_query))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Verifies a reply body for `path` (script = its last segment).
    pub fn verify(&self, path: &str, body: &str) -> Result<Verified, ResponseError> {
        let script = ScriptName::from_url(path).unwrap();
        freedompay_xml::parse_and_verify(body.as_bytes(), &script, &self.secret_for(path))
    }

    /// Posts a signed form and returns the verified reply's fields (panics if unverified).
    pub async fn send(&self, path: &str, fields: Fields) -> Fields {
        let (status, body) = self
            .post_raw(path, "application/x-www-form-urlencoded", form(&fields))
            .await;
        assert_eq!(status, 200, "{path}: {body}");
        match self.verify(path, &body) {
            Ok(v) => v.into_fields(),
            Err(e) => panic!("{path}: reply not verified ({e}): {body}"),
        }
    }

    pub async fn call(&self, path: &str, pairs: &[(&str, &str)]) -> Fields {
        self.send(path, self.signed(path, pairs)).await
    }

    pub async fn control(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let request = match method {
            "GET" => self.http.get(self.url(path)),
            "DELETE" => self.http.delete(self.url(path)),
            _ => self.http.post(self.url(path)).body(body.to_string()),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Creates a payment with `init_payment.php` and extra pairs; its id.
    pub async fn init_payment(&self, amount: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![("pg_amount", amount), ("pg_description", "Test order")];
        pairs.extend_from_slice(extra);
        let reply = self.call("/init_payment.php", &pairs).await;
        assert_eq!(reply.text("pg_status"), Some("ok"), "{reply:?}");
        reply.text("pg_payment_id").unwrap().to_owned()
    }

    /// Pays a payment through the control API.
    pub async fn pay(&self, id: &str, card: &str) -> serde_json::Value {
        let (status, json) = self
            .control(
                "POST",
                &format!("/_sandbox/payments/{id}/pay"),
                serde_json::json!({ "card": card }),
            )
            .await;
        assert_eq!(status, 200, "{json}");
        json
    }

    pub async fn balance(&self) -> String {
        let reply = self.call("/api/balance_status", &[]).await;
        reply.text("pg_balance").unwrap().to_owned()
    }
}

pub fn text<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .text(name)
        .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
}

/// What the merchant server answers.
#[derive(Clone, Debug)]
pub enum Plan {
    /// 200 with a `<response>` signed with the path's script and the payment secret.
    Signed(&'static str),
    /// 200 with a `<response>` signed with the payout secret.
    SignedPayout(&'static str),
    /// 200 with the documented `<?xml …?><pg_status>ok</pg_status>`.
    DocOk,
    /// 200 with an unsigned `<response>`.
    Unsigned(&'static str),
    /// This status and a short body.
    Status(u16),
}

/// A callback the merchant server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: String,
    pub fields: Fields,
    pub xml: bool,
}

/// A merchant's callback server on loopback.
pub struct Merchant {
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
    plans: Arc<Mutex<HashMap<String, VecDeque<Plan>>>>,
}

impl Merchant {
    pub async fn start() -> Merchant {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let plans: Arc<Mutex<HashMap<String, VecDeque<Plan>>>> = Arc::default();
        let (r, p) = (received.clone(), plans.clone());
        let router = Router::new().fallback(move |request: Request| {
            let (r, p) = (r.clone(), p.clone());
            async move { merchant_handle(request, r, p).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let router = router.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let mut router = router.clone();
                            async move {
                                use tower::Service;
                                router.call(req.map(axum::body::Body::new)).await
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Merchant {
            base: format!("http://{addr}"),
            received,
            plans,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Replies for `path`, in order; the last one repeats. Default: `Signed("ok")`.
    pub fn plan(&self, path: &str, plans: Vec<Plan>) {
        self.plans
            .lock()
            .unwrap()
            .insert(path.to_owned(), plans.into());
    }

    pub fn received(&self, path: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits until `n` callbacks reached `path`.
    pub async fn wait_for(&self, path: &str, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.received(path);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{path}: expected {n} callbacks, got {:?}",
            self.received(path)
        );
    }
}

async fn merchant_handle(
    request: Request,
    received: Arc<Mutex<Vec<Received>>>,
    plans: Arc<Mutex<HashMap<String, VecDeque<Plan>>>>,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap();
    let mut fields = if method == "GET" {
        decode_form(&query)
    } else if let Some(boundary) = content_type.split_once("boundary=").map(|(_, b)| b) {
        decode_multipart(std::str::from_utf8(&body).unwrap(), boundary)
    } else {
        decode_form(std::str::from_utf8(&body).unwrap())
    };
    let mut xml = false;
    if let Some(doc) = fields.text("pg_xml").map(str::to_owned) {
        fields = freedompay_xml::parse_pg_xml(&doc).unwrap().into_fields();
        xml = true;
    }
    let salt_in = fields.text("pg_salt").unwrap_or("x").to_owned();
    received.lock().unwrap().push(Received {
        method,
        path: path.clone(),
        query,
        fields,
        xml,
    });
    let plan = {
        let mut plans = plans.lock().unwrap();
        match plans.get_mut(&path) {
            Some(queue) if queue.len() > 1 => queue.pop_front().unwrap(),
            Some(queue) => queue.front().cloned().unwrap_or(Plan::Signed("ok")),
            None => Plan::Signed("ok"),
        }
    };
    let script = ScriptName::from_url(&path).unwrap();
    let reply = |status: &str, secret: &str| {
        let mut f = Fields::new();
        f.push("pg_status", status)
            .push("pg_description", "merchant says")
            .push("pg_salt", salt_in.as_str());
        let sig = freedompay_sign::sign(&script, &f, &SecretKey::new(secret).unwrap()).unwrap();
        f.push("pg_sig", sig.as_str());
        freedompay_xml::write(&f).unwrap()
    };
    match plan {
        Plan::Signed(status) => reply(status, PAY_SECRET).into_response(),
        Plan::SignedPayout(status) => reply(status, PAYOUT_SECRET).into_response(),
        Plan::DocOk => {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pg_status>ok</pg_status>".into_response()
        }
        Plan::Unsigned(status) => {
            format!("<response><pg_status>{status}</pg_status></response>").into_response()
        }
        Plan::Status(code) => (hyper::StatusCode::from_u16(code).unwrap(), "nope").into_response(),
    }
}

/// The fields of a `multipart/form-data` body as the sandbox writes it (payout notifications):
/// one flat text part per field, CRLF line ends.
fn decode_multipart(body: &str, boundary: &str) -> Fields {
    let mut fields = Fields::new();
    let delimiter = format!("--{boundary}");
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (head, value) = part.split_once("\r\n\r\n").expect("a part's head");
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a part's name");
        fields.push(name, value.strip_suffix("\r\n").expect("a part's CRLF"));
    }
    fields
}

/// Verifies a received callback with the script of its path and a secret.
pub fn verify_callback(received: &Received, secret: &str) {
    let script = ScriptName::from_url(&received.path).unwrap();
    freedompay_sign::verify(&script, &received.fields, &SecretKey::new(secret).unwrap())
        .unwrap_or_else(|e| panic!("callback to {} not verified: {e:?}", received.path));
}
