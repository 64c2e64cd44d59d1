//! The sandbox's pages in a real headless Chromium, driven through chromedriver (WebDriver)
//! with `fantoccini`: the payment page (card form, submit, the redirect to the shop's success
//! URL), the payout page, the card-add page, the Gateway API's 3-D Secure ACS page, and the
//! dashboard (a payment paid and a callback
//! replayed by clicking their buttons). A screenshot of each page goes to
//! `target/screenshots/`.
//!
//! Runs only with `FREEDOMPAY_BROWSER_TESTS=1` (and Debian's `chromium` and `chromium-driver`
//! installed, as `.ci/run` does); otherwise it prints why and passes.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::Request;
use axum::response::{Html, IntoResponse, Response};
use fantoccini::{Client, ClientBuilder, Locator};
use freedompay_sandbox::{ClockMode, Sandbox, SandboxConfig};
use freedompay_sign::{Fields, SaltSource, ScriptName, SecretKey};

const MERCHANT: &str = "545000";
const PAY_SECRET: &str = "browser-pay-secret";
const PAYOUT_SECRET: &str = "browser-payout-secret";
const PAYING_CARD: &str = "4716047261941981";
const PAYOUT_CARD: &str = "4671593866478252";
/// The Gateway pages' example card: 3-D Secure is asked for.
const THREE_DS_CARD: &str = "4405645000006150";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Why the browser tests do not run here, if they do not.
fn skip_reason() -> Option<String> {
    if std::env::var("FREEDOMPAY_BROWSER_TESTS").as_deref() != Ok("1") {
        return Some(
            "set FREEDOMPAY_BROWSER_TESTS=1 to run them (they need Debian's chromium and \
             chromium-driver; .ci/run installs both)"
                .into(),
        );
    }
    None
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// chromedriver on a free loopback port, and the Chromium profile it uses; both go away on
/// drop.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Driver {
    fn start() -> Driver {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(program).exists(),
                "FREEDOMPAY_BROWSER_TESTS=1 but {program} is missing: \
                 apt-get install -y chromium chromium-driver"
            );
        }
        let port = StdListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile =
            std::env::temp_dir().join(format!("freedompay-browser-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        }
    }

    /// A browser session: headless Chromium, no network but loopback, a fresh profile.
    async fn browser(&self) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", self.profile.display())])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": CHROMIUM, "args": args }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session through chromedriver")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What the shop's server received: (path, body or query).
type Log = Arc<Mutex<Vec<(String, String)>>>;

/// The merchant's site: success and back pages for the payer, and the callback URLs (a
/// signed `ok` to payment callbacks, the documented `<pg_status>ok</pg_status>` to post
/// links).
async fn shop() -> (String, Log) {
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let router = Router::new().fallback(move |request: Request| {
        let seen = Arc::clone(&seen);
        async move { shop_handle(request, seen).await }
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
    (format!("http://{addr}"), log)
}

async fn shop_handle(request: Request, log: Log) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    log.lock().unwrap().push((
        path.clone(),
        if body.is_empty() { query } else { body.clone() },
    ));
    match path.as_str() {
        "/shop/ok" => Html(
            "<!DOCTYPE html><html><head><title>Thank you · Shop</title></head>\
             <body><h1 id=\"thanks\">Thank you for your order</h1></body></html>",
        )
        .into_response(),
        "/shop/back" => Html(
            "<!DOCTYPE html><html><head><title>Back at the shop</title></head>\
             <body><h1 id=\"back\">Back at the shop</h1></body></html>",
        )
        .into_response(),
        "/shop/result" => {
            let salt = decode_form(&body)
                .into_iter()
                .find(|(n, _)| n == "pg_salt")
                .map(|(_, v)| v)
                .unwrap_or_default();
            let mut fields = Fields::new();
            fields
                .push("pg_status", "ok")
                .push("pg_description", "order paid")
                .push("pg_salt", salt);
            let script = ScriptName::new("result").unwrap();
            let sig = freedompay_sign::sign(&script, &fields, &SecretKey::new(PAY_SECRET).unwrap())
                .unwrap();
            fields.push("pg_sig", sig.as_str());
            freedompay_xml::write(&fields).unwrap().into_response()
        }
        "/shop/3ds" => Html(
            "<!DOCTYPE html><html><head><title>3-D Secure done · Shop</title></head>\
             <body><h1 id=\"acs-done\">Authenticated, finishing the payment</h1></body></html>",
        )
        .into_response(),
        _ => {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pg_status>ok</pg_status>".into_response()
        }
    }
}

fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode_form(text: &str) -> Vec<(String, String)> {
    fn dec(s: &str) -> String {
        let mut out = Vec::new();
        let bytes = s.as_bytes();
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
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (dec(n), dec(v))
        })
        .collect()
}

/// A signed call to the sandbox's API (our own signing, with `freedompay-sign`); the
/// verified reply.
async fn call(base: &str, path: &str, secret: &str, pairs: &[(&str, &str)]) -> Fields {
    let salt = freedompay_sign::OsSaltSource::default()
        .next_salt()
        .unwrap()
        .into_string();
    let mut fields = Fields::new();
    fields.push("pg_merchant_id", MERCHANT);
    for (n, v) in pairs {
        fields.push(*n, *v);
    }
    fields.push("pg_salt", salt);
    let script = ScriptName::from_url(path).unwrap();
    let secret = SecretKey::new(secret).unwrap();
    let sig = freedompay_sign::sign(&script, &fields, &secret).unwrap();
    fields.push("pg_sig", sig.as_str());
    let body = fields
        .iter()
        .map(|f| format!("{}={}", enc(f.name()), enc(f.text().unwrap())))
        .collect::<Vec<_>>()
        .join("&");
    let reply = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{base}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let fields = freedompay_xml::parse_and_verify(&reply, &script, &secret)
        .unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&reply)))
        .into_fields();
    assert_eq!(fields.text("pg_status"), Some("ok"), "{path}: {fields:?}");
    fields
}

async fn sandbox() -> Sandbox {
    let config = SandboxConfig::new(MERCHANT, SecretKey::new(PAY_SECRET).unwrap())
        .payout_secret_key(SecretKey::new(PAYOUT_SECRET).unwrap())
        .clock(ClockMode::Fixed(1_767_225_600))
        .unknown_element_every(0);
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG screenshot");
    let path = screenshots_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

async fn fill(browser: &Client, name: &str, value: &str) {
    let input = browser
        .find(Locator::Css(&format!("input[name={name}]")))
        .await
        .unwrap_or_else(|e| panic!("no input {name}: {e}"));
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// The text of the first element matching `css`, once the page shows it.
async fn text_of(browser: &Client, css: &str) -> String {
    wait_for(browser, css).await.text().await.unwrap()
}

/// The text of the first element matching `css` once it satisfies `done` (after a click, the
/// old page may still be there for a moment: this waits for the new one).
async fn text_when(browser: &Client, css: &str, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let text = match browser.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if done(&text) {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css}: still {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the submit button of the form that `css` finds (the dashboard's live part is
/// replaced every two seconds: a stale element is looked up again).
async fn click(browser: &Client, css: &str) {
    for _ in 0..10 {
        let button = wait_for(browser, css).await;
        if button.click().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("cannot click {css}");
}

async fn payment_page(browser: &Client, sandbox: &Sandbox, shop: &str, log: &Log) {
    let reply = call(
        sandbox.base_url(),
        "/init_payment.php",
        PAY_SECRET,
        &[
            ("pg_order_id", "order-7"),
            ("pg_amount", "1500"),
            ("pg_description", "Two tickets <to> \"Almaty\""),
            ("pg_result_url", &format!("{shop}/shop/result")),
            ("pg_success_url", &format!("{shop}/shop/ok")),
            ("pg_failure_url", &format!("{shop}/shop/fail")),
        ],
    )
    .await;
    let page = reply.text("pg_redirect_url").unwrap();
    browser.goto(page).await.unwrap();
    assert_eq!(
        browser.title().await.unwrap(),
        "Payment · FreedomPay sandbox"
    );
    let summary = text_of(browser, "body").await;
    assert!(summary.contains("1500.00 KZT"), "{summary}");
    assert!(
        summary.contains("Two tickets <to> \"Almaty\""),
        "shown as text: {summary}"
    );
    fill(browser, "pg_card_number", PAYING_CARD).await;
    fill(browser, "pg_card_holder", "ALIYA N").await;
    screenshot(browser, "payment-page").await;
    click(browser, "form button[type=submit]").await;

    // The browser follows the redirect to the shop's success URL, signed.
    assert_eq!(
        text_of(browser, "#thanks").await,
        "Thank you for your order"
    );
    let url = browser.current_url().await.unwrap();
    assert_eq!(url.path(), "/shop/ok");
    let query: Vec<(String, String)> = decode_form(url.query().unwrap_or(""));
    let order = query.iter().find(|(n, _)| n == "pg_order_id");
    assert_eq!(order.map(|(_, v)| v.as_str()), Some("order-7"));
    assert!(query.iter().any(|(n, _)| n == "pg_sig"), "{url}");
    screenshot(browser, "payment-success-url").await;
    let results = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p == "/shop/result")
        .count();
    assert_eq!(results, 1, "the result callback reached the shop");
}

async fn payout_page(browser: &Client, sandbox: &Sandbox, shop: &str) {
    let reply = call(
        sandbox.base_url(),
        "/api/reg2nonreg",
        PAYOUT_SECRET,
        &[
            ("pg_order_id", "prize-1"),
            ("pg_amount", "250"),
            ("pg_description", "Contest prize"),
            ("pg_post_link", &format!("{shop}/shop/payout")),
            ("pg_back_link", &format!("{shop}/shop/back")),
        ],
    )
    .await;
    browser
        .goto(reply.text("pg_redirect_url").unwrap())
        .await
        .unwrap();
    assert_eq!(
        browser.title().await.unwrap(),
        "Receive a payout · FreedomPay sandbox"
    );
    assert!(text_of(browser, "body").await.contains("250.00 KZT"));
    fill(browser, "pg_card_number", PAYOUT_CARD).await;
    screenshot(browser, "payout-page").await;
    click(browser, "form button[type=submit]").await;
    assert_eq!(text_of(browser, "#back").await, "Back at the shop");
    let status = call(
        sandbox.base_url(),
        "/api/payment_status2",
        PAYOUT_SECRET,
        &[("pg_order_id", "prize-1")],
    )
    .await;
    assert_eq!(
        status.text("pg_payment_status"),
        Some("success"),
        "{status:?}"
    );
}

async fn card_add_page(browser: &Client, sandbox: &Sandbox, shop: &str) {
    let path = format!("/v1/merchant/{MERCHANT}/cardstorage/add2");
    let reply = call(
        sandbox.base_url(),
        &path,
        PAY_SECRET,
        &[
            ("pg_user_id", "user-42"),
            ("pg_post_link", &format!("{shop}/shop/card")),
            ("pg_back_link", &format!("{shop}/shop/back")),
        ],
    )
    .await;
    browser
        .goto(reply.text("pg_redirect_url").unwrap())
        .await
        .unwrap();
    assert_eq!(
        browser.title().await.unwrap(),
        "Add a card · FreedomPay sandbox"
    );
    assert!(text_of(browser, "body").await.contains("user-42"));
    fill(browser, "pg_card_number", PAYING_CARD).await;
    screenshot(browser, "card-add-page").await;
    click(browser, "form button[type=submit]").await;
    assert_eq!(text_of(browser, "#back").await, "Back at the shop");
    let list = call(
        sandbox.base_url(),
        &format!("/v1/merchant/{MERCHANT}/cardstorage/list"),
        PAY_SECRET,
        &[("pg_user_id", "user-42")],
    )
    .await;
    let xml = format!("{list:?}");
    assert!(!list.is_empty(), "{xml}");
}

/// The Gateway API's 3-D Secure: the ACS page of `pg_3d_acsurl` takes the code and posts
/// `PaRes` and `MD` to the shop's `TermUrl`, whose continuation (`g2g/paymentAcs`) pays.
async fn acs_page(browser: &Client, sandbox: &Sandbox, shop: &str, log: &Log) {
    let reply = call(
        sandbox.base_url(),
        "/g2g/payment",
        PAY_SECRET,
        &[
            ("pg_order_id", "gw-3ds"),
            ("pg_amount", "300"),
            ("pg_currency", "KZT"),
            ("pg_description", "Gateway order"),
            ("pg_card_pan", THREE_DS_CARD),
            ("pg_card_cvc", "653"),
            ("pg_card_year", "29"),
            ("pg_card_month", "09"),
            ("pg_card_name", "TEST TESTOV"),
        ],
    )
    .await;
    let id = reply.text("pg_payment_id").unwrap().to_owned();
    let acs = reply.text("pg_3d_acsurl").expect("3-D Secure is asked for");
    let page = format!(
        "{acs}?PaReq={}&MD={}&TermUrl={}",
        enc(reply.text("pg_3d_pareq").unwrap()),
        enc(reply.text("pg_3d_md").unwrap()),
        enc(&format!("{shop}/shop/3ds"))
    );
    browser.goto(&page).await.unwrap();
    assert_eq!(
        browser.title().await.unwrap(),
        "3-D Secure · FreedomPay sandbox"
    );
    fill(browser, "code", "123456").await;
    screenshot(browser, "acs-page").await;
    click(browser, "form button[type=submit]").await;
    // The auto-submitting form takes the browser to the TermUrl with PaRes and MD.
    text_of(browser, "#acs-done").await;
    let posted = log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|(p, _)| p == "/shop/3ds")
        .map(|(_, body)| decode_form(body))
        .expect("the ACS posted to the TermUrl");
    let field = |name: &str| {
        posted
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {posted:?}"))
    };
    assert_eq!(field("MD"), reply.text("pg_3d_md").unwrap());
    let done = call(
        sandbox.base_url(),
        "/g2g/paymentAcs",
        PAY_SECRET,
        &[
            ("pg_payment_id", &id),
            ("pg_md", &field("MD")),
            ("pg_pares", &field("PaRes")),
        ],
    )
    .await;
    let status = call(
        sandbox.base_url(),
        "/g2g/status_v2",
        PAY_SECRET,
        &[("pg_payment_id", &id)],
    )
    .await;
    assert_eq!(
        status.text("pg_payment_status"),
        Some("success"),
        "{done:?} {status:?}"
    );
}

async fn dashboard(browser: &Client, sandbox: &Sandbox, shop: &str) {
    // A payment waiting for its payer, with an order id that tries to be a script.
    let reply = call(
        sandbox.base_url(),
        "/init_payment.php",
        PAY_SECRET,
        &[
            ("pg_order_id", "<script>document.title='owned'</script>"),
            ("pg_amount", "99"),
            ("pg_description", "Dashboard order"),
            ("pg_result_url", &format!("{shop}/shop/result")),
        ],
    )
    .await;
    let id = reply.text("pg_payment_id").unwrap().to_owned();
    browser.goto(&sandbox.url("/")).await.unwrap();
    assert_eq!(
        browser.title().await.unwrap(),
        "Dashboard · FreedomPay sandbox"
    );
    let row = format!("#payment-{id}");
    let order = text_of(browser, &format!("{row} td.mono")).await;
    assert_eq!(order, "<script>document.title='owned'</script>");
    screenshot(browser, "dashboard").await;

    // Pay it with the test card button; the page comes back with a note.
    click(browser, &format!("{row} button.pay")).await;
    let paid = format!("Payment {id}: success.");
    text_when(browser, ".notice", |note| note == paid).await;
    assert_eq!(
        text_of(browser, &format!("{row} td.status")).await,
        "success"
    );

    // Replay the newest callback (the result callback of that payment): one attempt more.
    let callback = "#live tr[id^=callback-]";
    let before: usize = text_of(browser, &format!("{callback} .attempts"))
        .await
        .parse()
        .unwrap();
    click(browser, &format!("{callback} button.replay")).await;
    text_when(browser, ".notice", |note| {
        note.contains("replayed: accepted")
    })
    .await;
    let after = (before + 1).to_string();
    text_when(browser, &format!("{callback} .attempts"), |n| n == after).await;

    // The live part follows the sandbox without a reload: a new payment appears by itself.
    let reply = call(
        sandbox.base_url(),
        "/init_payment.php",
        PAY_SECRET,
        &[("pg_amount", "5"), ("pg_description", "Appears by itself")],
    )
    .await;
    let new_id = reply.text("pg_payment_id").unwrap();
    wait_for(browser, &format!("#payment-{new_id}")).await;
    // Open the first attempt's details for the screenshot.
    let _ = browser
        .execute(
            "document.querySelectorAll('details').forEach(function(d){d.open=true})",
            vec![],
        )
        .await;
    assert_eq!(
        browser.title().await.unwrap(),
        "Dashboard · FreedomPay sandbox",
        "no script from the data ran"
    );
    browser.set_window_size(1280, 1800).await.unwrap();
    screenshot(browser, "dashboard-after-replay").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_and_the_dashboard_in_headless_chromium() {
    if let Some(why) = skip_reason() {
        // Straight to stderr, past the test harness's capture, so that the skip shows.
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "browser tests skipped: {why}");
        return;
    }
    let driver = Driver::start();
    let browser = driver.browser().await;
    let sandbox = Arc::new(sandbox().await);
    let (shop, log) = shop().await;
    // One browser for every page, one page after another (on 2 cores several Chromiums at
    // once would only make each slower), in a task of its own so that the browser is closed
    // even when a step fails.
    let steps = {
        let (browser, sandbox) = (browser.clone(), Arc::clone(&sandbox));
        tokio::spawn(async move {
            eprintln!("payment page");
            payment_page(&browser, &sandbox, &shop, &log).await;
            eprintln!("payout page");
            payout_page(&browser, &sandbox, &shop).await;
            eprintln!("card-add page");
            card_add_page(&browser, &sandbox, &shop).await;
            eprintln!("3-D Secure ACS page");
            acs_page(&browser, &sandbox, &shop, &log).await;
            eprintln!("dashboard");
            dashboard(&browser, &sandbox, &shop).await;
        })
    };
    let outcome = steps.await;
    let _ = browser.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
