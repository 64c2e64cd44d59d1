//! `freedompay demo`: a payment and a payout, end to end, against the embedded sandbox, with
//! a small merchant endpoint of its own answering FreedomPay's callbacks; then the Gateway API
//! (a card payment through the sandbox's 3-D Secure page, the demo playing the payer and the
//! shop's `TermUrl`; a stored card paying by token; Apple Pay; a P2P transfer; status_v2). With
//! a gateway configured (FREEDOMPAY_BASE_URL and credentials), read-only calls against it
//! instead.

use std::fmt::Display;
use std::time::Duration;

use freedompay_blocking::{BlockingClient, OsSaltSource, SaltSource, ureq};
use freedompay_core::payment::{self, InitPayment, Language, PaymentStatus, PaymentStatusInfo};
use freedompay_core::payout::{self, Balance, PayoutStatusByOrder, PayoutToCard};
use freedompay_core::{Amount, CardNumber, Config, Currency, Description, Lookup, OrderId, Url};
use freedompay_sandbox::{RetrySchedule, SandboxConfig, SandboxThread, SecretKey};

use crate::merchant::{self, Event, Kind, MerchantEndpoint};
use crate::output::{Tone, look, print_line};
use crate::payout_cmd::money;
use crate::settings::{self, Target};
use crate::{Failure, Global, secrets};

/// The merchant id of the demo's sandbox.
const MERCHANT_ID: &str = "545000";
/// A purchase test card that pays (docs/protocol.md §5).
const PURCHASE_CARD: &str = "4716047261941981";
/// The payout test card that succeeds (docs/protocol.md §5).
const PAYOUT_CARD: &str = "4671593866478252";
/// The sandbox's balance at start, in minor units.
const STARTING_BALANCE: i64 = 100_000_000;
/// How long a callback may take to arrive.
const CALLBACK_WAIT: Duration = Duration::from_secs(30);

/// Counts and prints the steps.
#[derive(Debug, Default)]
struct Steps {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Steps {
    fn line(mark: &str, name: &str, detail: &dyn Display) {
        print_line(&format!("  {} {name:<24} {detail}", look().mark(mark)));
    }

    fn ok(&mut self, name: &str, detail: impl Display) {
        self.passed += 1;
        Self::line("✓", name, &detail);
    }

    fn fail(&mut self, name: &str, detail: impl Display) {
        self.failed += 1;
        Self::line("✗", name, &detail);
    }

    fn skip(&mut self, name: &str, why: impl Display) {
        self.skipped += 1;
        Self::line("-", name, &format!("skipped: {why}"));
    }

    fn finish(self) -> Result<(), Failure> {
        print_line("");
        if self.failed == 0 && self.skipped == 0 {
            print_line(&look().paint(Tone::Good, &format!("All {} steps passed.", self.passed)));
            Ok(())
        } else {
            let message = format!(
                "the demo did not complete: {} step(s) failed, {} skipped, {} passed",
                self.failed, self.skipped, self.passed
            );
            print_line(&format!("{} {message}", look().mark("✗")));
            Err(Failure::rejected(message))
        }
    }
}

/// Whether the user pointed the command at a gateway.
fn gateway_requested(global: &Global) -> bool {
    global.base_url.is_some()
        || global.region.is_some()
        || settings::env_text(settings::BASE_URL_ENV).is_some()
}

/// Runs the demo.
pub(crate) fn run(global: &Global) -> Result<(), Failure> {
    if gateway_requested(global) {
        read_only(global)
    } else {
        sandbox_flow(global)
    }
}

fn read_only(global: &Global) -> Result<(), Failure> {
    let target = settings::target(global)?;
    let (where_, source) = match &target {
        Target::BaseUrl(url, source) => (url.clone(), *source),
        Target::Region(region, test) => (
            format!("{region:?}{}", if *test { " (test host)" } else { "" }),
            "--region",
        ),
        Target::Default => (String::from("the default gateway"), "the settings"),
    };
    let has_merchant = global
        .merchant_id
        .as_deref()
        .is_some_and(|m| !m.trim().is_empty());
    let has_secret =
        secrets::read(global.secret_key_file.as_deref(), secrets::SECRET_ENV)?.is_some();
    if !has_merchant || !has_secret {
        return Err(Failure::input(format!(
            "{source} points the demo at {where_}, but the credentials are missing (set FREEDOMPAY_MERCHANT_ID and FREEDOMPAY_SECRET_KEY, and FREEDOMPAY_PAYOUT_SECRET_KEY if it differs) to run the read-only checks there; or unset FREEDOMPAY_BASE_URL (and drop --base-url/--region) to run the whole demo against the embedded sandbox"
        )));
    }
    let client = settings::client(global)?;
    print_line(&format!(
        "FreedomPay demo, read-only: {source} points at {}.",
        client.config().base_url()
    ));
    print_line(
        "No money is moved there: a payment needs a real payer and card, a payout pays out real money, and the callbacks need a URL that gateway can reach. Only read-only calls run. Unset FREEDOMPAY_BASE_URL to run the whole flow against the embedded sandbox.",
    );
    print_line("");
    let mut steps = Steps::default();
    match client.balance(Balance::new()) {
        Ok(info) => steps.ok("balance", format!("payout balance {}", money(info.balance))),
        Err(e) => steps.fail("balance", e),
    }
    let order = format!("freedompay-demo-none-{}", random_text(12, "x"));
    match OrderId::new(order.as_str()) {
        Ok(order_id) => match client.payout_status_by_order(PayoutStatusByOrder::new(order_id)) {
            Ok(Lookup::NotFound(_)) => steps.ok(
                "payout_status_by_order",
                format!("order {order}: not found, as expected (the query is signed and verified)"),
            ),
            Ok(Lookup::Found(info)) => steps.fail(
                "payout_status_by_order",
                format!(
                    "order {order} unexpectedly exists (payout {}, {})",
                    info.payment_id.get(),
                    info.payment_status
                ),
            ),
            Err(e) => steps.fail("payout_status_by_order", e),
        },
        Err(e) => steps.fail("payout_status_by_order", e),
    }
    steps.finish()
}

/// A random text from the OS, or `fallback` if there is no randomness.
fn random_text(len: usize, fallback: &str) -> String {
    OsSaltSource::with_len(len)
        .and_then(|s| s.next_salt())
        .map(|s| s.into_string())
        .unwrap_or_else(|_| fallback.to_owned())
}

fn secret(text: String) -> Result<SecretKey, Failure> {
    SecretKey::new(text).map_err(|_| Failure::rejected("cannot make a test secret"))
}

fn sandbox_flow(global: &Global) -> Result<(), Failure> {
    let payment_secret = random_text(24, "demo-payment-secret");
    let payout_secret = random_text(24, "demo-payout-secret");
    let sandbox_config = SandboxConfig::new(MERCHANT_ID, secret(payment_secret.clone())?)
        .payout_secret_key(secret(payout_secret.clone())?)
        .starting_balance_minor(STARTING_BALANCE)
        .callback_retry(RetrySchedule {
            interval: Duration::from_millis(500),
            retries: 3,
        })
        .payout_process_delay(Duration::from_secs(2))
        .log_requests(false);
    let sandbox = SandboxThread::start(sandbox_config)
        .map_err(|e| Failure::rejected(format!("cannot start the embedded sandbox: {e}")))?;
    let timeout = settings::timeout(global)?.unwrap_or(Duration::from_secs(15));
    let config = Config::builder()
        .merchant_id(MERCHANT_ID)
        .secret_key(payment_secret)
        .payout_secret_key(payout_secret)
        .base_url(sandbox.base_url())
        .timeout(timeout)
        .build()
        .map_err(|e| Failure::rejected(format!("the demo's configuration: {e}")))?;
    let shop = MerchantEndpoint::start(config.clone()).map_err(|e| {
        Failure::rejected(format!("cannot start the demo's merchant endpoint: {e}"))
    })?;
    let client = BlockingClient::new(config);

    print_line(
        "FreedomPay demo: a payment, a payout and the Gateway API through the SDK's blocking client.",
    );
    print_line(&format!(
        "  sandbox (the FreedomPay emulator)  {}  merchant {MERCHANT_ID}, fresh random test secrets",
        sandbox.base_url()
    ));
    print_line(&format!(
        "  your shop's callback endpoint      {}  (check, result, payout-notify)",
        shop.base_url()
    ));
    print_line("");

    let mut steps = Steps::default();
    print_line("Payment: the payer pays 1500.00 KZT by card");
    payment_flow(&client, &sandbox, &shop, &mut steps);
    print_line("");
    print_line("Payout: 2500.00 KZT to a card");
    payout_flow(&client, &shop, &mut steps);
    print_line("");
    print_line(
        "Gateway API: the shop's own card form (PCI DSS), 3-D Secure, a stored card, Apple Pay, a transfer",
    );
    gateway_flow(&client, &sandbox, &mut steps);
    drop(shop);
    sandbox.shutdown();
    steps.finish()?;
    print_line("");
    print_line("Next, by hand: run a sandbox in one terminal and call it from another.");
    print_line("  freedompay sandbox --merchant-id 545000 --secret-key TESTSECRET");
    print_line(
        "  export FREEDOMPAY_MERCHANT_ID=545000 FREEDOMPAY_SECRET_KEY=TESTSECRET FREEDOMPAY_PAYOUT_SECRET_KEY=TESTSECRET FREEDOMPAY_BASE_URL=http://127.0.0.1:8080",
    );
    print_line("  freedompay balance");
    print_line(
        "  freedompay payout card --help    (the test cards: the sandbox's README, docs/protocol.md §5)",
    );
    print_line(
        "  freedompay gateway pay card --help    (card data from the environment or stdin, never a flag)",
    );
    Ok(())
}

fn url(shop: &MerchantEndpoint, path: &str) -> Result<Url, String> {
    Url::new(shop.url(path)).map_err(|e| e.to_string())
}

fn payment_flow(
    client: &BlockingClient,
    sandbox: &SandboxThread,
    shop: &MerchantEndpoint,
    steps: &mut Steps,
) {
    let order = "demo-order-1";
    let init = (|| -> Result<InitPayment, String> {
        Ok(InitPayment::new(
            OrderId::new(order).map_err(|e| e.to_string())?,
            Amount::parse("1500.00").map_err(|e| e.to_string())?,
            Description::new("Demo order: three books").map_err(|e| e.to_string())?,
        )
        .currency(Currency::Kzt)
        .language(Language::En)
        .testing_mode(true)
        .check_url(url(shop, merchant::CHECK_PATH)?)
        .result_url(url(shop, merchant::RESULT_PATH)?))
    })();
    let init = match init {
        Ok(init) => init,
        Err(e) => {
            steps.fail("init_payment", e);
            return;
        }
    };
    let created = match client.init_payment(init) {
        Ok(created) => {
            steps.ok(
                "init_payment",
                format!(
                    "order {order} → payment {}, payer's page {}",
                    created.payment_id.get(),
                    created.redirect_url
                ),
            );
            created
        }
        Err(e) => {
            steps.fail("init_payment", e);
            for name in [
                "payer pays",
                "check callback",
                "result callback",
                "payment_status",
            ] {
                steps.skip(name, "no payment");
            }
            return;
        }
    };
    let payment_id = created.payment_id;
    let masked =
        CardNumber::parse(PURCHASE_CARD).map_or_else(|_| "a test card".to_owned(), |c| c.masked());
    match pay(sandbox, payment_id.get()) {
        Ok(status) if status == "success" => steps.ok(
            "payer pays",
            format!("card {masked}, on the sandbox (its control API submits the payment page) → {status}"),
        ),
        Ok(status) => steps.fail(
            "payer pays",
            format!("card {masked} → {status} (expected success)"),
        ),
        Err(e) => steps.fail("payer pays", e),
    }
    callback_step(
        steps,
        "check callback",
        wait(shop, Kind::Check, "the check callback"),
        |v| {
            format!(
                "verified: payment {}, {} KZT, order {} → answered {} (signed)",
                v.payment_id,
                v.amount.as_deref().unwrap_or("?"),
                v.order_id.as_deref().unwrap_or("?"),
                v.reply
            )
        },
        |v| v.payment_id == payment_id.get(),
    );
    callback_step(
        steps,
        "result callback",
        wait(shop, Kind::Result, "the result callback"),
        |v| {
            format!(
                "verified: payment {}, pg_result {}, {} KZT → answered {} (signed)",
                v.payment_id,
                v.status.as_deref().unwrap_or("?"),
                v.amount.as_deref().unwrap_or("?"),
                v.reply
            )
        },
        |v| v.payment_id == payment_id.get() && v.status.as_deref() == Some("1"),
    );
    let paid = |info: &PaymentStatusInfo| {
        info.payment_status
            .as_ref()
            .is_some_and(payment::PaymentState::is_paid)
    };
    let state = |info: &PaymentStatusInfo| {
        info.payment_status
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string)
    };
    match client.payment_status(PaymentStatus::by_payment_id(payment_id)) {
        Ok(Lookup::Found(info)) if paid(&info) => steps.ok(
            "payment_status",
            format!(
                "payment {}: {}{}, {} {}{}",
                payment_id.get(),
                state(&info),
                if info.captured == Some(false) {
                    " (held)"
                } else {
                    " (paid and cleared)"
                },
                info.amount.map_or_else(|| "?".to_owned(), money),
                info.currency
                    .as_ref()
                    .map_or_else(String::new, |c| c.code().to_owned()),
                info.card_pan
                    .as_ref()
                    .map_or_else(String::new, |p| format!(", card {p}")),
            ),
        ),
        Ok(Lookup::Found(info)) => steps.fail(
            "payment_status",
            format!(
                "payment {}: {} (expected success)",
                payment_id.get(),
                state(&info)
            ),
        ),
        Ok(Lookup::NotFound(answer)) => steps.fail(
            "payment_status",
            format!("payment {}: {answer}", payment_id.get()),
        ),
        Err(e) => steps.fail("payment_status", e),
    }
}

/// Waits for a callback at the shop's endpoint, with a spinner where a person watches.
fn wait(shop: &MerchantEndpoint, kind: Kind, what: &str) -> Option<Event> {
    let _spinner = look().spinner(format!("waiting for {what}"));
    shop.wait_for(kind, CALLBACK_WAIT)
}

fn callback_step(
    steps: &mut Steps,
    name: &str,
    event: Option<Event>,
    describe: impl Fn(&merchant::Verified) -> String,
    expected: impl Fn(&merchant::Verified) -> bool,
) {
    match event {
        Some(Event {
            outcome: Ok(verified),
            ..
        }) => {
            if expected(&verified) {
                steps.ok(name, describe(&verified));
            } else {
                steps.fail(name, format!("unexpected: {}", describe(&verified)));
            }
        }
        Some(Event {
            outcome: Err(why), ..
        }) => steps.fail(name, format!("refused by the shop: {why}")),
        None => steps.fail(
            name,
            format!("no callback within {} s", CALLBACK_WAIT.as_secs()),
        ),
    }
}

/// The payer pays on the sandbox's page, through its control API
/// (`POST /_sandbox/payments/{id}/pay`); returns the payment's status.
fn pay(sandbox: &SandboxThread, payment_id: u64) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let url = sandbox.url(&format!("/_sandbox/payments/{payment_id}/pay"));
    let body = serde_json::json!({ "card": PURCHASE_CARD, "holder": "DEMO PAYER" }).to_string();
    let mut response = agent
        .post(&url)
        .header("content-type", "application/json")
        .send(body.as_str())
        .map_err(|e| format!("the sandbox's control API: {e}"))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("the sandbox's control API: {e}"))?;
    if status != 200 {
        return Err(format!("the sandbox's control API answered HTTP {status}"));
    }
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| "the sandbox's control API answered something else than JSON".to_owned())?;
    Ok(value
        .get("status")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("unknown")
        .to_owned())
}

fn payout_flow(client: &BlockingClient, shop: &MerchantEndpoint, steps: &mut Steps) {
    let order = "demo-payout-1";
    let amount_text = "2500.00";
    let masked =
        CardNumber::parse(PAYOUT_CARD).map_or_else(|_| "a test card".to_owned(), |c| c.masked());
    let op = (|| -> Result<PayoutToCard, String> {
        Ok(PayoutToCard::new(
            OrderId::new(order).map_err(|e| e.to_string())?,
            Amount::parse(amount_text).map_err(|e| e.to_string())?,
            CardNumber::parse(PAYOUT_CARD).map_err(|e| e.to_string())?,
            Description::new("Demo payout: a seller's earnings").map_err(|e| e.to_string())?,
            url(shop, merchant::PAYOUT_PATH)?,
        ))
    })();
    let result = match op {
        Ok(op) => client.payout_to_card(op).map_err(|e| {
            if e.outcome_unknown() {
                format!("OUTCOME UNKNOWN for order {order}: {e}")
            } else {
                e.to_string()
            }
        }),
        Err(e) => Err(e),
    };
    let paid_out = match result {
        Ok(result) => {
            steps.ok(
                "payout_to_card",
                format!(
                    "order {order}: {amount_text} to card {masked} → payout {}, {}",
                    result.payment_id.get(),
                    result.status
                ),
            );
            true
        }
        Err(e) => {
            steps.fail("payout_to_card", e);
            false
        }
    };
    if paid_out {
        callback_step(
            steps,
            "payout notification",
            wait(shop, Kind::Payout, "the payout notification"),
            |v| {
                format!(
                    "verified: payout {}, order {}, status {}, {} KZT → answered {} (signed)",
                    v.payment_id,
                    v.order_id.as_deref().unwrap_or("?"),
                    v.status.as_deref().unwrap_or("?"),
                    v.amount.as_deref().unwrap_or("?"),
                    v.reply
                )
            },
            |v| v.order_id.as_deref() == Some(order) && v.status.as_deref() == Some("ok"),
        );
    } else {
        steps.skip("payout notification", "no payout");
    }
    match OrderId::new(order)
        .map_err(|e| e.to_string())
        .and_then(|o| {
            client
                .payout_status_by_order(PayoutStatusByOrder::new(o))
                .map_err(|e| e.to_string())
        }) {
        Ok(Lookup::Found(info)) if info.payment_status == payout::PayoutState::Success => steps.ok(
            "payout_status_by_order",
            format!(
                "order {order}: {} (payout {})",
                info.payment_status,
                info.payment_id.get()
            ),
        ),
        Ok(Lookup::Found(info)) => steps.fail(
            "payout_status_by_order",
            format!("order {order}: {} (expected success)", info.payment_status),
        ),
        Ok(Lookup::NotFound(answer)) => {
            steps.fail("payout_status_by_order", format!("order {order}: {answer}"))
        }
        Err(e) => steps.fail("payout_status_by_order", e),
    }
    match client.balance(Balance::new()) {
        Ok(info) => {
            let expected = STARTING_BALANCE + 150_000 - 250_000;
            let detail = format!(
                "{} KZT (started at {}: +1500.00 paid in, −{amount_text} paid out)",
                money(info.balance),
                Amount::from_minor(STARTING_BALANCE).map_or_else(|_| "?".to_owned(), money),
            );
            if info.balance.minor_units() == expected {
                steps.ok("balance", detail);
            } else {
                steps.fail(
                    "balance",
                    format!("{detail}; expected {}", expected_text(expected)),
                );
            }
        }
        Err(e) => steps.fail("balance", e),
    }
}

fn expected_text(minor: i64) -> String {
    Amount::from_minor(minor).map_or_else(|_| minor.to_string(), money)
}

// ---------------------------------------------------------------------------------------------
// The Gateway API: the shop's own card form (PCI DSS), 3-D Secure, stored cards, wallets,
// transfers, status_v2.

/// The card of the Gateway pages' examples: the sandbox's issuer asks for 3-D Secure.
const GATEWAY_3DS_CARD: &str = "4405645000006150";
/// The code that passes the sandbox's ACS page.
const ACS_CODE: &str = "123456";
/// The path of the demo shop's 3-D Secure return page (the `TermUrl`).
const TERM_PATH: &str = "/shop/3ds-return";

/// The shop's `TermUrl`: a page on loopback that receives what the issuer's ACS posts back
/// through the payer's browser (`PaRes`, `MD`).
struct TermUrl {
    url: String,
    addr: std::net::SocketAddr,
    returns: std::sync::mpsc::Receiver<Result<(String, String), String>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TermUrl {
    fn start() -> std::io::Result<Self> {
        use std::io::Write;
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let (tx, returns) = std::sync::mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = std::sync::Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("freedompay-demo-term-url".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(mut stream) = stream else { continue };
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let request = match stream.try_clone() {
                        Ok(clone) => {
                            merchant::read_request(&mut std::io::BufReader::new(clone))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let outcome = request.and_then(|r| {
                        if r.path != TERM_PATH {
                            return Err(format!("{} {}: not the TermUrl", r.method, r.path));
                        }
                        let form = freedompay_core::form::decode(&r.body)
                            .map_err(|e| format!("the form posted to the TermUrl: {e}"))?;
                        let field = |name: &str| {
                            form.text(name)
                                .filter(|v| !v.is_empty())
                                .map(str::to_owned)
                                .ok_or_else(|| format!("no {name} posted to the TermUrl"))
                        };
                        Ok((field("MD")?, field("PaRes")?))
                    });
                    let (status, body) = match &outcome {
                        Ok(_) => ("200 OK", "<html><body>Back at the shop.</body></html>"),
                        Err(_) => ("400 Bad Request", "<html><body>Refused.</body></html>"),
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tx.send(outcome);
                }
            })?;
        Ok(Self {
            url: format!("http://{addr}{TERM_PATH}"),
            addr,
            returns,
            stop,
            thread: Some(thread),
        })
    }

    /// The `MD` and `PaRes` posted back (waiting for them).
    fn wait(&self) -> Result<(String, String), String> {
        self.returns.recv_timeout(CALLBACK_WAIT).map_err(|_| {
            format!(
                "nothing posted to the TermUrl within {} s",
                CALLBACK_WAIT.as_secs()
            )
        })?
    }
}

impl Drop for TermUrl {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The action and the named inputs of the first form of an HTML page.
fn form_of(html: &str) -> Option<(String, Vec<(String, String)>)> {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(
            tag[start..end]
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    }
    let at = html.find("<form")?;
    let form_tag = &html[at..at + html[at..].find('>')?];
    let action = attr(form_tag, "action")?;
    let fields = html[at..]
        .split("<input")
        .skip(1)
        .filter_map(|input| {
            let tag = &input[..input.find('>').unwrap_or(input.len())];
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect();
    Some((action, fields))
}

fn browser() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn page_text(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    what: &str,
) -> Result<String, String> {
    let mut response = response.map_err(|e| format!("{what}: {e}"))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{what}: {e}"))?;
    if status != 200 {
        return Err(format!("{what} answered HTTP {status}"));
    }
    Ok(text)
}

fn form_body(fields: &[(String, String)]) -> String {
    let mut form = freedompay_core::sign::Fields::new();
    for (name, value) in fields {
        form.push(name.as_str(), value.as_str());
    }
    freedompay_core::form::encode(&form)
}

/// The payer's browser through 3-D Secure: opens the issuer's page (GET with `PaReq`, `MD`,
/// `TermUrl`), types the code, and follows the page's auto-submitted form to the shop's
/// `TermUrl`; returns the ACS page's URL.
fn payer_passes_3ds(
    sandbox: &SandboxThread,
    acs_url: &str,
    form: &[(&str, &str)],
) -> Result<String, String> {
    let agent = browser();
    let owned: Vec<(String, String)> = form
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    let page = page_text(
        agent
            .get(&format!("{acs_url}?{}", form_body(&owned)))
            .call(),
        "the ACS page",
    )?;
    let (action, mut fields) =
        form_of(&page).ok_or_else(|| "the ACS page has no form".to_owned())?;
    fields.retain(|(name, _)| name != "code");
    fields.push(("code".to_owned(), ACS_CODE.to_owned()));
    let action = if action.starts_with('/') {
        sandbox.url(&action)
    } else {
        action
    };
    let answer = page_text(
        agent
            .post(&action)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form_body(&fields).as_str()),
        "the ACS page",
    )?;
    let (back, returned) =
        form_of(&answer).ok_or_else(|| "the ACS answered no return form".to_owned())?;
    page_text(
        agent
            .post(&back)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form_body(&returned).as_str()),
        "the shop's TermUrl",
    )?;
    Ok(action)
}

/// A value of the demo's fixed test data.
fn fixed<T>(value: Result<T, freedompay_core::InvalidInput>) -> Result<T, String> {
    value.map_err(|e| e.to_string())
}

fn test_card(pan: &str) -> Result<freedompay_core::CardData, String> {
    Ok(freedompay_core::CardData::new(
        fixed(CardNumber::parse(pan))?,
        fixed(freedompay_core::Cvc::parse("653"))?,
        fixed(freedompay_core::Expiry::new(12, 2030))?,
        fixed(freedompay_core::CardHolder::new("DEMO PAYER"))?,
    ))
}

fn masked_card(pan: &str) -> String {
    CardNumber::parse(pan).map_or_else(|_| "a test card".to_owned(), |c| c.masked())
}

/// The outcome of a money-moving call as a step's text.
fn moved<T>(result: Result<T, freedompay_core::Error>, order: &str) -> Result<T, String> {
    result.map_err(|e| {
        if e.outcome_unknown() {
            format!("OUTCOME UNKNOWN for order {order}: {e}")
        } else {
            e.to_string()
        }
    })
}

fn gateway_flow(client: &BlockingClient, sandbox: &SandboxThread, steps: &mut Steps) {
    use freedompay_core::gateway::{
        CardPayment, CardPaymentStatus, CardTransfer, CompleteCardPayment, StoreCard, TokenPayment,
        TransferSender, Wallet, WalletPayment, WalletPaymentData,
    };

    // A card payment through 3-D Secure.
    let term = match TermUrl::start() {
        Ok(term) => term,
        Err(e) => {
            steps.fail(
                "gateway_card_payment",
                format!("cannot start the shop's TermUrl: {e}"),
            );
            return;
        }
    };
    let order = "demo-gateway-1";
    let started = (|| -> Result<_, String> {
        let pay = CardPayment::new(
            fixed(OrderId::new(order))?,
            fixed(Amount::parse("3200.00"))?,
            fixed(Description::new(
                "Demo order: paid on the shop's own card form",
            ))?,
            test_card(GATEWAY_3DS_CARD)?,
        )
        .currency(Currency::Kzt)
        .auto_clearing(true);
        moved(client.gateway_card_payment(pay), order)
    })();
    let card = masked_card(GATEWAY_3DS_CARD);
    let paid_id = match started {
        Ok(result) => match &result.three_ds {
            Some(acs) => {
                steps.ok(
                    "gateway_card_payment",
                    format!(
                        "order {order}: 3200.00 KZT by card {card} → payment {}, the issuer asks for 3-D Secure (MD {}, PaReq {}…)",
                        result.payment_id.get(),
                        acs.md(),
                        acs.pa_req().chars().take(16).collect::<String>()
                    ),
                );
                let term_url = match Url::new(term.url.as_str()) {
                    Ok(url) => url,
                    Err(e) => {
                        steps.fail("payer passes 3-D Secure", e);
                        return;
                    }
                };
                let passed = payer_passes_3ds(sandbox, acs.acs_url(), &acs.form_fields(&term_url))
                    .and_then(|page| term.wait().map(|returned| (page, returned)));
                match passed {
                    Ok((page, (md, pares))) if md == acs.md() => {
                        steps.ok(
                            "payer passes 3-D Secure",
                            format!("ACS page {page}, code {ACS_CODE} typed → PaRes and MD posted to the shop's TermUrl {}", term.url),
                        );
                        match moved(
                            client.gateway_complete_card_payment(CompleteCardPayment::new(
                                result.payment_id,
                                md,
                                pares,
                            )),
                            order,
                        ) {
                            Ok(done) => {
                                steps.ok(
                                    "gateway_complete_card",
                                    format!(
                                        "payment {} → {} (auth code {})",
                                        done.payment_id.get(),
                                        done.status,
                                        done.auth_code.as_deref().unwrap_or("?")
                                    ),
                                );
                                Some(done.payment_id)
                            }
                            Err(e) => {
                                steps.fail("gateway_complete_card", e);
                                None
                            }
                        }
                    }
                    Ok(_) => {
                        steps.fail("payer passes 3-D Secure", "the TermUrl received another MD");
                        steps.skip("gateway_complete_card", "no 3-D Secure answer");
                        None
                    }
                    Err(e) => {
                        steps.fail("payer passes 3-D Secure", e);
                        steps.skip("gateway_complete_card", "no 3-D Secure answer");
                        None
                    }
                }
            }
            None => {
                steps.fail(
                    "gateway_card_payment",
                    format!(
                        "payment {}: {} without 3-D Secure (expected the issuer to ask)",
                        result.payment_id.get(),
                        result.status
                    ),
                );
                None
            }
        },
        Err(e) => {
            steps.fail("gateway_card_payment", e);
            steps.skip("payer passes 3-D Secure", "no payment");
            steps.skip("gateway_complete_card", "no payment");
            None
        }
    };
    drop(term);

    // A stored card paying by its token.
    let user = "demo-user-1";
    let stored = (|| -> Result<_, String> {
        let store = StoreCard::new(
            fixed(freedompay_core::UserId::new(user))?,
            test_card(PURCHASE_CARD)?,
        );
        moved(client.gateway_store_card(store), "(card storage)")
    })();
    let token = match stored {
        Ok(result) => match result.card_token {
            Some(token) => {
                steps.ok(
                    "gateway_store_card",
                    format!(
                        "card {} stored for user {user} → token {token}",
                        masked_card(PURCHASE_CARD)
                    ),
                );
                Some(token)
            }
            None => {
                steps.fail(
                    "gateway_store_card",
                    format!("{}: no card token in the reply", result.status),
                );
                None
            }
        },
        Err(e) => {
            steps.fail("gateway_store_card", e);
            None
        }
    };
    match token {
        Some(token) => {
            let order = "demo-gateway-token-1";
            let paid = (|| -> Result<_, String> {
                let pay = fixed(TokenPayment::new(
                    fixed(OrderId::new(order))?,
                    fixed(Amount::parse("990.00"))?,
                    fixed(Description::new("Demo order: paid with a stored card"))?,
                    fixed(freedompay_core::UserId::new(user))?,
                    token.as_str(),
                ))?;
                moved(client.gateway_token_payment(pay), order)
            })();
            match paid {
                Ok(r) => steps.ok(
                    "gateway_token_payment",
                    format!(
                        "order {order}: 990.00 KZT by the stored card → payment {}, {}",
                        r.payment_id.get(),
                        r.status
                    ),
                ),
                Err(e) => steps.fail("gateway_token_payment", e),
            }
        }
        None => steps.skip("gateway_token_payment", "no stored card"),
    }

    // A wallet payment (Apple Pay's decrypted data passed through).
    let order = "demo-gateway-wallet-1";
    let wallet = (|| -> Result<_, String> {
        let data = fixed(
            fixed(WalletPaymentData::new(
                Wallet::ApplePay,
                fixed(CardNumber::parse(PURCHASE_CARD))?,
                fixed(freedompay_core::Expiry::new(12, 2030))?,
                "DEMO PAYER",
                "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
            ))?
            .eci("05"),
        )?;
        let pay = WalletPayment::new(
            fixed(OrderId::new(order))?,
            fixed(Amount::parse("450.00"))?,
            Currency::Kzt,
            fixed(Description::new("Demo order: Apple Pay"))?,
            data,
        );
        moved(client.gateway_wallet_payment(pay), order)
    })();
    match wallet {
        Ok(r) => steps.ok(
            "gateway_wallet_payment",
            format!(
                "order {order}: 450.00 KZT by Apple Pay (device card {}, cryptogram not shown) → payment {}, {}",
                masked_card(PURCHASE_CARD),
                r.payment_id.get(),
                r.status
            ),
        ),
        Err(e) => steps.fail("gateway_wallet_payment", e),
    }

    // A P2P transfer, card to card.
    let order = "demo-gateway-p2p-1";
    let transfer = (|| -> Result<_, String> {
        let sender = fixed(TransferSender::card(
            fixed(CardNumber::parse(PURCHASE_CARD))?,
            fixed(freedompay_core::Cvc::parse("653"))?,
            fixed(freedompay_core::Expiry::new(12, 2030))?,
            "DEMO PAYER",
        ))?;
        let op = CardTransfer::new(
            fixed(OrderId::new(order))?,
            fixed(Amount::parse("5000.00"))?,
            Currency::Kzt,
            Currency::Kzt,
            fixed(Description::new("Demo transfer: a gift"))?,
            sender,
            fixed(CardNumber::parse(PAYOUT_CARD))?.into(),
        );
        moved(client.gateway_card_transfer(op), order)
    })();
    match transfer {
        Ok(r) if r.three_ds.is_none() => steps.ok(
            "gateway_card_transfer",
            format!(
                "order {order}: 5000.00 KZT from card {} to card {} → transfer {}, {}",
                masked_card(PURCHASE_CARD),
                masked_card(PAYOUT_CARD),
                r.payment_id.get(),
                r.status
            ),
        ),
        Ok(r) => steps.fail(
            "gateway_card_transfer",
            format!(
                "transfer {}: unexpected 3-D Secure step",
                r.payment_id.get()
            ),
        ),
        Err(e) => steps.fail("gateway_card_transfer", e),
    }

    // status_v2 of the 3-D Secure payment.
    match paid_id {
        Some(id) => match client.gateway_payment_status(CardPaymentStatus::by_payment_id(id)) {
            Ok(Lookup::Found(info))
                if info
                    .payment_status
                    .as_ref()
                    .is_some_and(payment::PaymentState::is_paid) =>
            {
                steps.ok(
                    "gateway_payment_status",
                    format!(
                        "status_v2 of payment {}: {}, {} {}, card {}{}",
                        id.get(),
                        info.payment_status
                            .as_ref()
                            .map_or_else(|| "?".to_owned(), ToString::to_string),
                        info.amount.map_or_else(|| "?".to_owned(), money),
                        info.currency
                            .as_ref()
                            .map_or_else(String::new, |c| c.code().to_owned()),
                        info.card_pan
                            .as_ref()
                            .map_or_else(|| "?".to_owned(), ToString::to_string),
                        info.card_brand
                            .as_deref()
                            .map_or_else(String::new, |b| format!(" ({b})")),
                    ),
                )
            }
            Ok(Lookup::Found(info)) => steps.fail(
                "gateway_payment_status",
                format!(
                    "payment {}: {:?} (expected paid)",
                    id.get(),
                    info.payment_status
                ),
            ),
            Ok(Lookup::NotFound(answer)) => steps.fail(
                "gateway_payment_status",
                format!("payment {}: {answer}", id.get()),
            ),
            Err(e) => steps.fail("gateway_payment_status", e),
        },
        None => steps.skip("gateway_payment_status", "no Gateway payment"),
    }
}
