//! A small merchant endpoint for `freedompay demo`: an HTTP/1.1 server on `127.0.0.1:0`
//! (std networking, a thread per connection, the request head read by `httparse`) that
//! answers FreedomPay's callbacks as a shop would:
//!
//! * `/freedompay/check`: [`CheckNotification`], answered `ok` (signed);
//! * `/freedompay/result`: [`ResultNotification`], answered `ok` (signed);
//! * `/freedompay/payout-notify`: [`PayoutNotification`], answered `ok` (signed).
//!
//! Every callback is verified with the core's typed notifications; each one, verified or
//! not, is reported over a channel. A callback that does not verify gets HTTP 400.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use freedompay_core::Config;
use freedompay_core::notifications::{
    CallbackRequest, CheckNotification, PayoutNotification, ResultNotification,
};

use crate::payout_cmd::money;

/// The path of the check callback.
pub(crate) const CHECK_PATH: &str = "/freedompay/check";
/// The path of the result callback.
pub(crate) const RESULT_PATH: &str = "/freedompay/result";
/// The path of the payout notification.
pub(crate) const PAYOUT_PATH: &str = "/freedompay/payout-notify";

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1 << 20;

/// Which callback arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Check,
    Result,
    Payout,
    Other,
}

/// One callback the endpoint received, and what became of it.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) kind: Kind,
    /// What was read (verified), or why it was refused.
    pub(crate) outcome: Result<Verified, String>,
}

/// The key values of a verified callback.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verified {
    pub(crate) payment_id: u64,
    pub(crate) order_id: Option<String>,
    pub(crate) amount: Option<String>,
    /// `pg_result` of a result callback (`1` paid), `pg_status` of a payout notification.
    pub(crate) status: Option<String>,
    /// What the endpoint answered.
    pub(crate) reply: &'static str,
}

/// The running endpoint; stops when dropped.
pub(crate) struct MerchantEndpoint {
    base_url: String,
    addr: SocketAddr,
    events: Receiver<Event>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MerchantEndpoint {
    /// Starts it; callbacks are verified with `config`'s secrets.
    pub(crate) fn start(config: Config) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let config = Arc::new(config);
        let thread = {
            let stop = Arc::clone(&stop);
            let base_url = base_url.clone();
            std::thread::Builder::new()
                .name("freedompay-demo-merchant".into())
                .spawn(move || serve(listener, &base_url, &config, &tx, &stop))?
        };
        Ok(Self {
            base_url,
            addr,
            events: rx,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The absolute URL of a path.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Waits for the next callback of `kind` (others are skipped) for at most `timeout`.
    pub(crate) fn wait_for(&self, kind: Kind, timeout: Duration) -> Option<Event> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match self.events.recv_timeout(left) {
                Ok(event) if event.kind == kind => return Some(event),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }
}

impl Drop for MerchantEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    listener: TcpListener,
    base_url: &str,
    config: &Arc<Config>,
    events: &Sender<Event>,
    stop: &AtomicBool,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let base_url = base_url.to_owned();
        let config = Arc::clone(config);
        let events = events.clone();
        let _ = std::thread::Builder::new()
            .name("freedompay-demo-callback".into())
            .spawn(move || handle(stream, &base_url, &config, &events));
    }
}

/// A request as read from the wire.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    /// The `Content-Type` header, when there was one.
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// The most headers a request may have.
const MAX_HEADERS: usize = 64;

/// Reads one HTTP/1.1 request: the head (parsed by `httparse`) and a `Content-Length` body.
/// Refuses what it does not handle (chunked bodies, oversized heads or bodies) with an error
/// text.
pub(crate) fn read_request(reader: &mut impl BufRead) -> Result<Request, String> {
    // The head: lines up to the empty one, never more than MAX_HEAD bytes.
    let mut head = Vec::new();
    loop {
        let room = (MAX_HEAD + 1).saturating_sub(head.len()) as u64;
        let start = head.len();
        let n = reader
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut head)
            .map_err(|e| format!("cannot read the request: {e}"))?;
        if head.len() > MAX_HEAD {
            return Err("the request head is too large".into());
        }
        if n == 0 {
            return Err("the connection closed before the request was complete".into());
        }
        if matches!(&head[start..], b"\r\n" | b"\n") {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("an incomplete request head".into()),
        Err(e) => return Err(format!("a malformed request: {e}")),
    }
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return Err("a malformed request line".into());
    };
    let method = method.to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.split('#').next().unwrap_or("").to_owned()),
        None => (target.to_owned(), String::new()),
    };
    let mut length = 0usize;
    let mut content_type = None;
    for header in parsed.headers.iter() {
        let value = std::str::from_utf8(header.value)
            .map_err(|_| format!("a malformed {} header", header.name))?
            .trim();
        if header.name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_owned());
        } else if header.name.eq_ignore_ascii_case("content-length") {
            length = value
                .parse()
                .map_err(|_| "a malformed Content-Length".to_owned())?;
            if length > MAX_BODY {
                return Err("the body is too large".into());
            }
        } else if header.name.eq_ignore_ascii_case("transfer-encoding")
            && !value.eq_ignore_ascii_case("identity")
        {
            return Err("chunked bodies are not handled; send a Content-Length".into());
        }
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|e| format!("the body is shorter than its Content-Length: {e}"))?;
    Ok(Request {
        method,
        path,
        query,
        content_type,
        body,
    })
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

fn handle(mut stream: TcpStream, base_url: &str, config: &Config, events: &Sender<Event>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let request = {
        let Ok(clone) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(clone);
        read_request(&mut reader)
    };
    let request = match request {
        Ok(r) => r,
        Err(why) => {
            respond(&mut stream, "400 Bad Request", "text/plain", &why);
            return;
        }
    };
    let (kind, answer) = answer(&request, base_url, config);
    // Recorded before the reply is written: once the sandbox has its answer (and shows the
    // callback as delivered), the event is already waiting for the demo, never still on its
    // way from this thread.
    let _ = events.send(Event {
        kind,
        outcome: answer
            .as_ref()
            .map(|(verified, _, _)| verified.clone())
            .map_err(Clone::clone),
    });
    match &answer {
        Ok((_, body, content_type)) => respond(&mut stream, "200 OK", content_type, body),
        Err(why) => respond(&mut stream, "400 Bad Request", "text/plain", why),
    }
}

type Answer = Result<(Verified, String, &'static str), String>;

/// Verifies a callback and builds the signed answer.
pub(crate) fn answer(request: &Request, base_url: &str, config: &Config) -> (Kind, Answer) {
    let url = format!("{base_url}{}", request.path);
    let mut callback = CallbackRequest::new(&url, &request.query, &request.body);
    if let Some(content_type) = &request.content_type {
        callback = callback.content_type(content_type);
    }
    match request.path.as_str() {
        CHECK_PATH => (
            Kind::Check,
            CheckNotification::verify_request(callback, config)
                .map(|n| {
                    let reply = n.reply_ok(config);
                    let verified = Verified {
                        payment_id: n.payment_id.get(),
                        order_id: n.order_id.clone(),
                        amount: Some(money(n.amount)),
                        status: None,
                        reply: "ok",
                    };
                    (verified, reply.body().to_owned(), reply.content_type())
                })
                .map_err(|e| e.to_string()),
        ),
        RESULT_PATH => (
            Kind::Result,
            ResultNotification::verify_request(callback, config)
                .map(|n| {
                    let reply = n.reply_ok(config);
                    let verified = Verified {
                        payment_id: n.payment_id.get(),
                        order_id: n.order_id.clone(),
                        amount: Some(money(n.amount)),
                        status: Some(n.result.as_str().to_owned()),
                        reply: "ok",
                    };
                    (verified, reply.body().to_owned(), reply.content_type())
                })
                .map_err(|e| e.to_string()),
        ),
        PAYOUT_PATH => (
            Kind::Payout,
            PayoutNotification::verify_request(callback, config)
                .map_err(|e| e.to_string())
                .and_then(|n| {
                    let reply = n
                        .signed_reply(config)
                        .map_err(|e| format!("cannot sign the reply: {e}"))?;
                    let verified = Verified {
                        payment_id: n.payment_id.get(),
                        order_id: n.order_id.clone(),
                        amount: n.payment_amount.map(money),
                        status: n.status.as_ref().map(|s| s.as_str().to_owned()),
                        reply: "ok",
                    };
                    Ok((verified, reply.body().to_owned(), reply.content_type()))
                }),
        ),
        _ => (
            Kind::Other,
            Err(format!(
                "{} {}: not a callback path of this endpoint",
                request.method, request.path
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<Request, String> {
        read_request(&mut BufReader::new(raw))
    }

    #[test]
    fn reads_a_form_post() {
        let request = parse(
            b"POST /freedompay/result?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\na=1&b=2",
        )
        .unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/freedompay/result");
        assert_eq!(request.query, "x=1");
        assert_eq!(request.body, b"a=1&b=2");
    }

    #[test]
    fn refuses_malformed_requests_without_panicking() {
        for raw in [
            &b""[..],
            b"\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET / FTP/1.0\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"POST / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n",
            b"GET /\x01 HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                parse(raw).is_err(),
                "{:?} accepted",
                String::from_utf8_lossy(raw)
            );
        }
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD + 10));
        assert!(parse(huge.as_bytes()).is_err());
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(parse(many.as_bytes()).is_err());
    }

    #[test]
    fn refuses_unsigned_callbacks() {
        let config = Config::builder()
            .merchant_id("545000")
            .secret_key("secret")
            .build()
            .unwrap();
        for path in [CHECK_PATH, RESULT_PATH, PAYOUT_PATH, "/other"] {
            let request = Request {
                method: "POST".into(),
                path: path.into(),
                query: String::new(),
                content_type: None,
                body: b"pg_payment_id=1&pg_amount=10&pg_salt=x&pg_sig=bad".to_vec(),
            };
            let (_, outcome) = answer(&request, "http://127.0.0.1:1", &config);
            assert!(outcome.is_err(), "{path} accepted");
        }
        let garbage = Request {
            method: "POST".into(),
            path: RESULT_PATH.into(),
            query: String::new(),
            content_type: None,
            body: b"<pg_xml><<<%%%".to_vec(),
        };
        assert!(answer(&garbage, "http://127.0.0.1:1", &config).1.is_err());
    }
}
