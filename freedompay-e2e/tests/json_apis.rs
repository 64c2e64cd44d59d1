//! The `/v5` JSON APIs end to end, for both client flavours: a local HTTP server that answers
//! one canned JSON reply per connection and records what it was sent, so the test sees the
//! exact request on the wire (the JWS, the request id, `X-Action`) and the typed result; and the
//! money-safety rules (a money-moving call is resent only when it certainly did not leave).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use freedompay_core::json::gateway_async::ReadPayment;
use freedompay_core::json::invoice::{InitInvoice, InvoiceMethod, InvoiceStatus};
use freedompay_core::json::{JsonApi, JsonCall};
use freedompay_core::sign::SecretKey;
use freedompay_core::sign::jws::{self, Algorithm};
use freedompay_core::{Amount, Config, Currency, Description, ErrorKind, OrderId};
use support::{Client, Flavour, closed_port, for_both_flavours};

for_both_flavours!(
    invoice_init_is_signed_sent_and_read,
    an_async_read_carries_its_action_and_request_id,
    a_money_moving_call_that_got_a_5xx_is_not_resent,
    a_refused_connection_is_retried_and_proves_nothing_moved,
);

/// One recorded request: its head lines and body.
#[derive(Debug, Clone)]
struct Seen {
    head: Vec<String>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A server answering each of `replies` (status, body) to one connection, in order.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(replies: Vec<(u16, &'static str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let thread = std::thread::spawn(move || {
            for (status, body) in replies {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let mut head = Vec::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let line = line.trim_end().to_owned();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((n, v)) = line.split_once(':')
                        && n.eq_ignore_ascii_case("content-length")
                    {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    head.push(line);
                }
                let mut request_body = vec![0; length];
                let _ = reader.read_exact(&mut request_body);
                record.lock().unwrap().push(Seen {
                    head,
                    body: request_body,
                });
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.flush();
            }
        });
        Self {
            url,
            seen,
            thread: Some(thread),
        }
    }

    fn seen(&mut self) -> Vec<Seen> {
        if let Some(thread) = self.thread.take() {
            // Every reply was used, or the client stopped sending: either way, done.
            let _ = thread.join();
        }
        self.seen.lock().unwrap().clone()
    }
}

fn client(flavour: Flavour, base_url: &str) -> Client {
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("secret_key")
        .base_url(base_url)
        .timeout(support::TIMEOUT)
        .retry(support::RETRY)
        .build()
        .unwrap();
    Client::new(flavour, config)
}

fn invoice() -> InitInvoice {
    InitInvoice::new(
        OrderId::new("828cf71d-a447-4a67-a149-c1df8bc197ca").unwrap(),
        Amount::whole(100).unwrap(),
        Description::new("Счет за услуги").unwrap(),
        vec![InvoiceMethod::Qr],
        Currency::Kzt,
    )
}

fn invoice_init_is_signed_sent_and_read(flavour: Flavour) {
    let mut server = Server::start(vec![(
        200,
        r#"{"status":"ok","invoice_status":"process","invoice_id":"987","invoice_methods":{"qr":"cXI="},"dt":"2026-01-01T05:00:00+05:00"}"#,
    )]);
    let created = client(flavour, &server.url)
        .invoice_init(invoice())
        .unwrap();
    assert_eq!(created.invoice_id.as_deref(), Some("987"));
    assert_eq!(created.invoice_status, Some(InvoiceStatus::Process));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].head[0].starts_with("POST /v5/merchant/invoice/init "),
        "{:?}",
        seen[0].head
    );
    // The documented example's token, as it went over the wire.
    assert_eq!(
        seen[0].header("X-JWS-Signature"),
        Some(
            "eyJwYXRoIjoiL3Y1L21lcmNoYW50L2ludm9pY2UvaW5pdCIsIm1lcmNoYW50X2lkIjoxMjM0NTYsIm1ldGhvZCI6IlBPU1QiLCJwYXJhbXMiOiIiLCJhbGciOiJIUzUxMiJ9..wCwFCAmxN0nbTm6mad8GxowIjgkCwfF7IAy2ijO9thLjsZFXnS4K_I4NPnXjkTFTMnEzqjk8rtIVmtf7NbGyvg"
        )
    );
    assert_eq!(seen[0].header("Content-Type"), Some("application/json"));
}

fn an_async_read_carries_its_action_and_request_id(flavour: Flavour) {
    let mut server = Server::start(vec![(503, "{}"), (200, r#"{"status":"ok"}"#)]);
    let op = ReadPayment::by_order_id(OrderId::new("1234").unwrap());
    let reply = client(flavour, &server.url).async_read_payment(op).unwrap();
    assert_eq!(reply.body, br#"{"status":"ok"}"#);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "a query is retried after a 503");
    let id = seen[0].header("X-Request-Id").unwrap().to_owned();
    // A UUID v7, the same on the retry, and the same bytes signed.
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "7");
    for request in &seen {
        assert_eq!(request.header("X-Request-Id"), Some(id.as_str()));
        assert_eq!(request.header("X-Action"), Some("gateway.payment.status"));
        assert_eq!(request.body, br#"{"order_id":"1234"}"#);
        let token = request.header("X-JWS-Signature").unwrap();
        jws::verify_detached_with(
            Algorithm::Hs256,
            token,
            &request.body,
            &SecretKey::new("secret_key").unwrap(),
        )
        .unwrap();
    }
}

fn a_money_moving_call_that_got_a_5xx_is_not_resent(flavour: Flavour) {
    let mut server = Server::start(vec![(502, "<html>bad gateway</html>"), (200, "{}")]);
    let error = client(flavour, &server.url)
        .invoice_init(invoice())
        .unwrap_err();
    assert!(error.outcome_unknown(), "{error}");
    assert!(matches!(error.kind(), ErrorKind::HttpStatus(502)));
    assert!(error.to_string().contains("do NOT resend"), "{error}");
    // Unblock the server's second accept, then count what it received.
    let _ = std::net::TcpStream::connect(server.url.trim_start_matches("http://"));
    assert_eq!(
        server.seen().iter().filter(|s| !s.head.is_empty()).count(),
        1
    );
}

fn a_refused_connection_is_retried_and_proves_nothing_moved(flavour: Flavour) {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let call = JsonCall::new(JsonApi::Async, "/v5/g2g/edit", b"{}".to_vec())
        .action("gateway.payment.reverse");
    let error = client(flavour, &url).call_json(call).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error}");
    assert!(!error.may_have_been_sent());
    assert!(!error.outcome_unknown());
    assert_eq!(error.attempts(), support::RETRY.max_attempts);
}
