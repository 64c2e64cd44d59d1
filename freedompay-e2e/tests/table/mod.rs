//! The behaviour table both client flavours must pass, over loopback against a small real
//! HTTP server. `tests/table_blocking.rs` and `tests/table_async.rs` run this one module
//! with their own [`Flavour`], so the two cannot drift.
//!
//! Every case is a generic function here; `flavour_tests!` turns the list into `#[test]`s.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use freedompay_core::payout::{BalanceInfo, PayoutToCard, PayoutToCardResult};
use freedompay_core::{
    Amount, CardNumber, Config, Description, Error, ErrorCode, ErrorKind, OrderId, RetryPolicy,
    Status, Url,
};
use freedompay_sign::{Fields, SIG_FIELD, ScriptName, SecretKey};
use freedompay_transport::{
    HttpRequest, HttpResponse, Method, SendState, TransportError, TransportErrorKind,
};

/// What a client flavour offers the table: its client over its default transport, and that
/// transport alone.
pub(crate) trait Flavour {
    /// `client.balance(..)` with a client built from `config`.
    fn balance(config: Config) -> Result<BalanceInfo, Error>;
    /// `client.payout_to_card(..)` with a client built from `config`.
    fn payout_to_card(config: Config, op: PayoutToCard) -> Result<PayoutToCardResult, Error>;
    /// The default transport's `send`.
    fn send(request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Generates one `#[test]` per case of the table for a flavour. Include this file with
/// `#[macro_use]` to use it.
macro_rules! flavour_tests {
    ($flavour:ty) => {
        flavour_tests!(@cases $flavour;
            balance_round_trip,
            payout_round_trip,
            bad_reply_signature_is_signature_invalid,
            unsigned_error_101_is_unsigned,
            html_502_is_http_status_and_a_query_retries_then_succeeds,
            html_502_on_a_payout_is_not_resent,
            connection_refused_is_not_sent,
            connection_refused_payout_is_not_sent_and_not_unknown,
            stalled_query_times_out_maybe_sent_after_retrying,
            stalled_payout_times_out_outcome_unknown_and_is_sent_once,
            redirect_is_not_followed,
            redirect_of_a_payout_is_not_followed,
            transport_keeps_statuses_and_headers,
            transport_bad_url_is_invalid_and_not_sent,
            traces_name_the_call_and_never_a_secret_card_or_body,
        );
    };
    (@cases $flavour:ty; $($case:ident,)*) => {
        $(
            #[test]
            fn $case() {
                table::$case::<$flavour>();
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------
// The configuration, operations and replies of the table.

const MERCHANT_ID: &str = "123456";
const PAYMENT_SECRET: &str = "PAYMENT_SECRET";
const PAYOUT_SECRET: &str = "PAYOUT_SECRET";
/// The client's timeout: short, so that the stalled-server cases stay fast.
const TIMEOUT: Duration = Duration::from_millis(300);
/// How long a stalling server holds a request without answering: well past [`TIMEOUT`].
const STALL: Duration = Duration::from_millis(1500);

fn config(base_url: &str) -> Config {
    Config::builder()
        .merchant_id(MERCHANT_ID)
        .secret_key(PAYMENT_SECRET)
        .payout_secret_key(PAYOUT_SECRET)
        .base_url(base_url)
        .timeout(TIMEOUT)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .expect("valid test config")
}

fn payout() -> PayoutToCard {
    PayoutToCard::new(
        OrderId::new("ORD12345").unwrap(),
        Amount::parse("1000").unwrap(),
        CardNumber::parse("4671593866478252").unwrap(),
        Description::new("Reward for October").unwrap(),
        Url::new("https://shop.kz/freedompay/payout-notify").unwrap(),
    )
}

const BALANCE_XML: &str = include_str!("../fixtures/balance_status.xml");
const PAYOUT_XML: &str = include_str!("../fixtures/p2p2nonreg.xml");
const UNSIGNED_101_XML: &str = include_str!("../fixtures/unsigned_101.xml");
const BAD_GATEWAY_HTML: &str = include_str!("../fixtures/bad_gateway.html");

/// A fixture signed as the gateway would: with `script` and `secret`.
fn signed(xml: &str, script: &str, secret: &str) -> Vec<u8> {
    let document = freedompay_xml::parse(xml.as_bytes()).expect("the fixture parses");
    let root = document.root_name().to_owned();
    let mut fields = document.into_fields();
    fields.remove(SIG_FIELD);
    let script = ScriptName::new(script).expect("script name");
    let secret = SecretKey::new(secret).expect("secret");
    let signature = freedompay_sign::sign(&script, &fields, &secret).expect("the fixture signs");
    fields.push(SIG_FIELD, signature.as_str());
    freedompay_xml::write_with_root(&root, &fields)
        .expect("the fixture writes")
        .into_bytes()
}

fn xml_reply(body: Vec<u8>) -> Answer {
    Answer::reply(200, body).header("Content-Type", "text/xml; charset=utf-8")
}

fn balance_reply() -> Answer {
    xml_reply(signed(BALANCE_XML, "balance_status", PAYOUT_SECRET))
}

fn payout_reply() -> Answer {
    xml_reply(signed(PAYOUT_XML, "p2p2nonreg", PAYOUT_SECRET))
}

fn bad_gateway() -> Answer {
    Answer::reply(502, BAD_GATEWAY_HTML.as_bytes().to_vec()).header("Content-Type", "text/html")
}

/// Checks a request the server received: a POST form to `path`, signed with the payout
/// secret and the path's script name. Returns its fields.
fn assert_signed_form(received: &Received, path: &str) -> Fields {
    assert_eq!(received.method, "POST");
    assert_eq!(received.path, path);
    assert_eq!(
        received.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let fields = freedompay_core::form::decode(&received.body).expect("the body is a form");
    let script = ScriptName::from_url(path).expect("script name");
    let payout_secret = SecretKey::new(PAYOUT_SECRET).unwrap();
    assert!(
        freedompay_sign::verify(&script, &fields, &payout_secret).is_ok(),
        "the request's pg_sig must verify with the payout secret"
    );
    let payment_secret = SecretKey::new(PAYMENT_SECRET).unwrap();
    assert!(freedompay_sign::verify(&script, &fields, &payment_secret).is_err());
    assert_eq!(fields.text("pg_merchant_id"), Some(MERCHANT_ID));
    assert!(fields.text("pg_salt").is_some_and(|s| !s.is_empty()));
    fields
}

fn transport_error(error: &Error) -> &TransportError {
    match error.kind() {
        ErrorKind::Transport(e) => e,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The cases.

/// A balance query: the signed request arrives as the gateway expects, the signed reply is
/// read into the typed result.
pub(crate) fn balance_round_trip<F: Flavour>() {
    let server = StubServer::start(vec![balance_reply()]);
    let info = F::balance(config(&server.base_url())).expect("the balance is read");
    assert_eq!(info.balance, Amount::parse("1000.50").unwrap());
    let received = server.received_after_the_call();
    assert_eq!(received.len(), 1);
    assert_signed_form(&received[0], "/api/balance_status");
}

/// A card payout: the request carries the payout's fields, signed; the reply is read.
pub(crate) fn payout_round_trip<F: Flavour>() {
    let server = StubServer::start(vec![payout_reply()]);
    let result =
        F::payout_to_card(config(&server.base_url()), payout()).expect("the payout is read");
    assert_eq!(result.payment_id.get(), 7_777_777_777);
    assert_eq!(result.status, Status::Ok);
    assert_eq!(result.order_id.as_deref(), Some("ORD12345"));
    assert_eq!(result.payment_amount, Amount::from_gateway("1000"));
    let received = server.received_after_the_call();
    assert_eq!(received.len(), 1);
    let fields = assert_signed_form(&received[0], "/g2g/p2p2nonreg");
    assert_eq!(fields.text("pg_order_id"), Some("ORD12345"));
    assert_eq!(fields.text("pg_amount"), Some("1000"));
    assert_eq!(fields.text("pg_payment_to"), Some("4671593866478252"));
}

/// A reply signed with another secret is refused, whatever it says, and not retried.
pub(crate) fn bad_reply_signature_is_signature_invalid<F: Flavour>() {
    let forged = xml_reply(signed(
        BALANCE_XML,
        "balance_status",
        "SOMEONE_ELSES_SECRET",
    ));
    let server = StubServer::start(vec![forged]);
    let error = F::balance(config(&server.base_url())).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::SignatureInvalid { http_status: 200 }
        ),
        "{error:?}"
    );
    assert!(error.may_have_been_sent());
    assert_eq!(server.received_after_the_call().len(), 1);
}

/// The unsigned "merchant not identified" reply is its own error, never success and never a
/// bad signature.
pub(crate) fn unsigned_error_101_is_unsigned<F: Flavour>() {
    let server = StubServer::start(vec![xml_reply(UNSIGNED_101_XML.as_bytes().to_vec())]);
    let error = F::balance(config(&server.base_url())).unwrap_err();
    match error.kind() {
        ErrorKind::Unsigned(e) => {
            assert_eq!(e.code(), Some(ErrorCode::MerchantNotIdentified));
            assert_eq!(e.http_status(), 200);
        }
        other => panic!("expected an unsigned error reply, got {other:?}"),
    }
    assert_eq!(error.error_code(), Some(ErrorCode::MerchantNotIdentified));
    assert_eq!(server.received_after_the_call().len(), 1);
}

/// A proxy's HTML 502 page is an HTTP status error; a query tries again and succeeds when
/// the next answer is good.
pub(crate) fn html_502_is_http_status_and_a_query_retries_then_succeeds<F: Flavour>() {
    let server = StubServer::start(vec![bad_gateway(), bad_gateway()]);
    let error = F::balance(config(&server.base_url())).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(502)),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 2);
    assert_eq!(server.received_after_the_call().len(), 2);

    let server = StubServer::start(vec![bad_gateway(), balance_reply()]);
    let info = F::balance(config(&server.base_url())).expect("the retry succeeds");
    assert_eq!(info.balance, Amount::parse("1000.50").unwrap());
    assert_eq!(server.received_after_the_call().len(), 2);
}

/// A 502 after a payout reached the server: not resent, the outcome is unknown.
pub(crate) fn html_502_on_a_payout_is_not_resent<F: Flavour>() {
    let server = StubServer::start(vec![bad_gateway(), payout_reply()]);
    let error = F::payout_to_card(config(&server.base_url()), payout()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(502)),
        "{error:?}"
    );
    assert!(error.may_have_been_sent());
    assert!(error.outcome_unknown());
    assert_eq!(error.order_id(), Some("ORD12345"));
    assert_eq!(server.received_after_the_call().len(), 1);
}

/// A closed port: the request certainly did not leave.
pub(crate) fn connection_refused_is_not_sent<F: Flavour>() {
    let error = F::balance(config(&closed_port_url())).unwrap_err();
    let transport = transport_error(&error);
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert_eq!(transport.send_state(), SendState::NotSent);
    assert!(!error.may_have_been_sent());
    // Safe to retry, and retried.
    assert_eq!(error.attempts(), 2);
}

/// A refused connection is safe even for a payout: not sent, so the outcome is known.
pub(crate) fn connection_refused_payout_is_not_sent_and_not_unknown<F: Flavour>() {
    let error = F::payout_to_card(config(&closed_port_url()), payout()).unwrap_err();
    let transport = transport_error(&error);
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert_eq!(transport.send_state(), SendState::NotSent);
    assert!(!error.may_have_been_sent());
    assert!(!error.outcome_unknown());
    assert_eq!(error.order_id(), Some("ORD12345"));
}

/// A server that takes the request and never answers: a timeout that may have been sent;
/// a query tries again.
pub(crate) fn stalled_query_times_out_maybe_sent_after_retrying<F: Flavour>() {
    let server = StubServer::start(vec![Answer::Stall(STALL), Answer::Stall(STALL)]);
    let start = Instant::now();
    let error = F::balance(config(&server.base_url())).unwrap_err();
    let transport = transport_error(&error);
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    assert_eq!(transport.send_state(), SendState::MaybeSent);
    assert!(error.may_have_been_sent());
    assert!(!error.outcome_unknown(), "a query moves no money");
    assert_eq!(error.attempts(), 2);
    assert!(
        start.elapsed() < STALL,
        "the timeout must end the call before the server would have answered"
    );
    assert_eq!(server.received_after_the_call().len(), 2);
}

/// The case that matters most: a payout whose answer never comes is never resent, and the
/// error says the outcome is unknown and which order to reconcile.
pub(crate) fn stalled_payout_times_out_outcome_unknown_and_is_sent_once<F: Flavour>() {
    let server = StubServer::start(vec![Answer::Stall(STALL), payout_reply()]);
    let start = Instant::now();
    let error = F::payout_to_card(config(&server.base_url()), payout()).unwrap_err();
    let transport = transport_error(&error);
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    assert_eq!(transport.send_state(), SendState::MaybeSent);
    assert!(error.may_have_been_sent());
    assert!(error.outcome_unknown());
    assert_eq!(error.order_id(), Some("ORD12345"));
    assert_eq!(error.attempts(), 1);
    assert!(start.elapsed() < STALL);
    let received = server.received_after_the_call();
    assert_eq!(
        received.len(),
        1,
        "a payout that may have been sent is never resent"
    );
    assert_signed_form(&received[0], "/g2g/p2p2nonreg");
}

/// A 302 is an answer, not an instruction: the target sees nothing.
pub(crate) fn redirect_is_not_followed<F: Flavour>() {
    let target = StubServer::start(vec![balance_reply()]);
    let location = format!("{}/api/balance_status", target.base_url());
    let server = StubServer::start(vec![
        Answer::reply(302, Vec::new()).header("Location", location),
    ]);
    let error = F::balance(config(&server.base_url())).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(302)),
        "{error:?}"
    );
    assert_eq!(server.received_after_the_call().len(), 1);
    assert!(
        target.received_after_the_call().is_empty(),
        "the redirect was followed"
    );
}

/// The same for a payout: a redirect must never carry a payout elsewhere.
pub(crate) fn redirect_of_a_payout_is_not_followed<F: Flavour>() {
    let target = StubServer::start(vec![payout_reply()]);
    let location = format!("{}/g2g/p2p2nonreg", target.base_url());
    let server = StubServer::start(vec![
        Answer::reply(302, Vec::new()).header("Location", location),
    ]);
    let error = F::payout_to_card(config(&server.base_url()), payout()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(302)),
        "{error:?}"
    );
    assert!(error.outcome_unknown());
    assert_eq!(server.received_after_the_call().len(), 1);
    assert!(target.received_after_the_call().is_empty());
}

/// The transport alone: a 4xx is a response with its body and every header (repeated ones
/// too), and the request's headers and body arrive as given.
pub(crate) fn transport_keeps_statuses_and_headers<F: Flavour>() {
    let server = StubServer::start(vec![
        Answer::reply(404, b"no such script".to_vec())
            .header("X-Request-Id", "r-1")
            .header("Set-Cookie", "a=1")
            .header("Set-Cookie", "b=2"),
    ]);
    let request = HttpRequest::new(Method::Post, format!("{}/some/where", server.base_url()))
        .with_header("Content-Type", "text/plain")
        .with_header("X-Trace", "t-42")
        .with_body(b"hello".to_vec())
        .with_timeout(TIMEOUT);
    let response = F::send(request).expect("a 404 is a response");
    assert_eq!(response.status(), 404);
    assert_eq!(response.body(), b"no such script");
    assert_eq!(response.headers().get("x-request-id"), Some("r-1"));
    let cookies: Vec<&str> = response.headers().get_all("set-cookie").collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    let received = server.received_after_the_call();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/some/where");
    assert_eq!(received[0].header("x-trace"), Some("t-42"));
    assert_eq!(received[0].header("content-type"), Some("text/plain"));
    assert_eq!(received[0].body, b"hello");
}

/// A request that cannot be sent as it is: refused before anything leaves.
pub(crate) fn transport_bad_url_is_invalid_and_not_sent<F: Flavour>() {
    let request = HttpRequest::new(Method::Post, "not a url").with_timeout(TIMEOUT);
    let error = F::send(request).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::InvalidRequest);
    assert_eq!(error.send_state(), SendState::NotSent);
}

/// The call's span says what happened (operation, order id, attempts, outcome) and nothing
/// that must not be logged: no secret, no card number, no body, on success or failure.
pub(crate) fn traces_name_the_call_and_never_a_secret_card_or_body<F: Flavour>() {
    let server = StubServer::start(vec![payout_reply(), bad_gateway()]);
    let capture = Arc::new(capture::Capture::default());
    tracing::subscriber::with_default(Arc::clone(&capture), || {
        F::payout_to_card(config(&server.base_url()), payout()).expect("the payout is read");
        F::payout_to_card(config(&server.base_url()), payout()).unwrap_err();
    });
    let records = capture.records();
    let call = |field: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r.name == "freedompay.call" && r.field == field)
            .map(|r| r.value.clone())
            .collect()
    };
    assert_eq!(call("operation"), ["payout_to_card", "payout_to_card"]);
    assert_eq!(call("order_id"), ["ORD12345", "ORD12345"]);
    assert_eq!(call("attempts"), ["1", "1"]);
    assert_eq!(call("outcome"), ["ok", "http_status"]);
    assert!(
        records
            .iter()
            .any(|r| r.field == "outcome_unknown" && r.value == "true"),
        "the failure is logged with its outcome"
    );
    for record in &records {
        for forbidden in [
            "4671593866478252",
            PAYOUT_SECRET,
            PAYMENT_SECRET,
            "pg_sig",
            "<response",
            "502 Bad Gateway</",
        ] {
            assert!(
                !record.value.contains(forbidden),
                "{}.{} = {:?} contains {forbidden:?}",
                record.name,
                record.field,
                record.value
            );
        }
    }
}

/// A `tracing` subscriber that keeps every field of every span and event.
mod capture {
    use std::collections::HashMap;
    use std::fmt;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    pub(crate) struct Recorded {
        pub(crate) name: &'static str,
        pub(crate) field: &'static str,
        pub(crate) value: String,
    }

    #[derive(Default)]
    pub(crate) struct Capture {
        next_id: AtomicU64,
        spans: Mutex<HashMap<u64, &'static str>>,
        records: Mutex<Vec<Recorded>>,
    }

    impl Capture {
        pub(crate) fn records(&self) -> Vec<Recorded> {
            std::mem::take(&mut self.records.lock().unwrap())
        }
    }

    struct Visitor<'a> {
        name: &'static str,
        records: &'a mut Vec<Recorded>,
    }

    impl Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.records.push(Recorded {
                name: self.name,
                field: field.name(),
                value: format!("{value:?}"),
            });
        }

        fn record_str(&mut self, field: &Field, value: &str) {
            self.records.push(Recorded {
                name: self.name,
                field: field.name(),
                value: value.to_owned(),
            });
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
            let name = span.metadata().name();
            self.spans.lock().unwrap().insert(id, name);
            let mut records = self.records.lock().unwrap();
            span.record(&mut Visitor {
                name,
                records: &mut records,
            });
            Id::from_u64(id)
        }

        fn record(&self, span: &Id, values: &Record<'_>) {
            let name = self.spans.lock().unwrap().get(&span.into_u64()).copied();
            let mut records = self.records.lock().unwrap();
            values.record(&mut Visitor {
                name: name.unwrap_or("?"),
                records: &mut records,
            });
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut records = self.records.lock().unwrap();
            event.record(&mut Visitor {
                name: event.metadata().name(),
                records: &mut records,
            });
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

// ---------------------------------------------------------------------------------------
// The stub server: one thread per connection, one request per connection, scripted answers.

/// What the server does with the next request.
pub(crate) enum Answer {
    /// Answers with this status, headers and body.
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reads the request, holds the connection this long without answering, then closes it.
    Stall(Duration),
}

impl Answer {
    fn reply(status: u16, body: Vec<u8>) -> Self {
        Answer::Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Answer::Reply { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.into()));
        }
        self
    }
}

/// A request as the server read it.
pub(crate) struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Script {
    answers: VecDeque<Answer>,
    received: Vec<Received>,
}

/// A loopback HTTP/1.1 server answering from a script; requests past the script get a 500.
pub(crate) struct StubServer {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
}

impl StubServer {
    fn start(answers: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let script = Arc::new(Mutex::new(Script {
            answers: answers.into(),
            received: Vec::new(),
        }));
        let shared = Arc::clone(&script);
        // The accept loop ends with the test process.
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let script = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &script));
            }
        });
        Self { addr, script }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received, read once the client has returned (a short pause lets a
    /// request still being read be counted).
    fn received_after_the_call(&self) -> Vec<Received> {
        thread::sleep(Duration::from_millis(50));
        std::mem::take(&mut self.script.lock().unwrap().received)
    }
}

/// A loopback port nothing listens on.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

fn serve(mut stream: TcpStream, script: &Mutex<Script>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let answer = {
        let mut script = script.lock().unwrap();
        script.received.push(request);
        script.answers.pop_front()
    };
    match answer {
        Some(Answer::Reply {
            status,
            headers,
            body,
        }) => write_response(&mut stream, status, &headers, &body),
        Some(Answer::Stall(duration)) => thread::sleep(duration),
        None => write_response(&mut stream, 500, &[], b"unexpected request"),
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Received {
        method,
        path,
        headers,
        body,
    })
}

fn write_response(stream: &mut TcpStream, status: u16, headers: &[(String, String)], body: &[u8]) {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        502 => "Bad Gateway",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
