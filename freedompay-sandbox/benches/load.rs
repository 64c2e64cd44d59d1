//! A load benchmark of the sandbox beside a bare hyper server, in one process on loopback.
//!
//! Run it with `cargo bench -p freedompay-sandbox --bench load` (or `tools/load/run.sh`). It
//! starts a bare hyper server that answers every request with a fixed signed XML, a "floor"
//! server that does only what the protocol asks of any server (reads the form, checks its
//! signature, signs and writes a reply of the sandbox's shape), a sandbox filled with many
//! payouts ("aged"), and, each round, a fresh sandbox; one load generator (a
//! raw keep-alive HTTP/1.1 client over tokio, 64 connections, a bounded number of requests and
//! a bounded time per run) drives them all in turn, interleaved, with correctly signed
//! requests built with `freedompay-sign`. It prints each run and then the ratios, which are
//! what count: absolute figures depend on the machine and on what else runs on it. On Linux
//! it also compares the servers' CPU time per request (their runtime's threads, from
//! `/proc/self/task`), which other work on a busy machine disturbs far less than the rates.
//!
//! Knobs (environment): `LOAD_ROUNDS` (5), `LOAD_SECS` per run (1.0), `LOAD_FILL` payouts in
//! the aged sandbox (150000), `LOAD_CONNECTIONS` (64), `LOAD_RETENTION` (the sandbox's default
//! when unset), `LOAD_LOG=1` (the sandboxes log each request, as the binary does unless
//! `--quiet`), `LOAD_SERVER_THREADS` (2, the servers' runtime; the load generator has its
//! own 2), `LOAD_PROFILE=balance|payout[-bare|-floor]` (only that load, on a fresh sandbox, the
//! bare server or the floor server, for a profiler). `--list` lists the benchmark without running it.
//!
//! Like the sandbox's binary, it allocates with mimalloc (feature `mimalloc`, on by default);
//! `--no-default-features` measures with the system allocator.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use freedompay_sandbox::{ClockMode, Sandbox, SandboxConfig};
use freedompay_sign::{Fields, Level, Node, ScriptName, SecretKey};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The sandbox binary's allocator (feature `mimalloc`, on by default), so that the figures are
/// those of `freedompay-sandbox`; `--no-default-features` measures the system
/// allocator. Both servers and the load generator share it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MERCHANT: &str = "545000";
const PAYMENT_SECRET: &str = "bench-payment-secret";
const PAYOUT_SECRET: &str = "bench-payout-secret";
/// A Luhn-valid card that is none of the test cards: a payout to it succeeds at once.
const PAYOUT_CARD: &str = "4111111111111111";
/// The most requests one measured run sends (the run also stops after `LOAD_SECS`).
const MAX_REQUESTS_PER_RUN: usize = 60_000;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        // libtest's format, so that `cargo bench -- --list` lists without running.
        println!("load: benchmark");
        return;
    }
    // Any other argument libtest passes (`--bench`, a filter) is accepted and ignored, except a
    // filter that does not match `load`.
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-'))
        && !"load".contains(filter.as_str())
    {
        return;
    }
    let settings = Settings {
        rounds: env_or("LOAD_ROUNDS", 5usize).max(1),
        run_time: Duration::from_secs_f64(env_or("LOAD_SECS", 1.0f64).clamp(0.1, 60.0)),
        fill: env_or("LOAD_FILL", 150_000usize),
        connections: env_or("LOAD_CONNECTIONS", 64usize).max(1),
        retention: std::env::var("LOAD_RETENTION")
            .ok()
            .and_then(|v| v.parse().ok()),
    };
    let servers = runtime(env_or("LOAD_SERVER_THREADS", 2usize).max(1), "server");
    let clients = runtime(2, "client");
    // `LOAD_PROFILE=balance|payout`: only that load on a fresh sandbox for `LOAD_SECS`, to
    // profile the sandbox alone.
    if let Ok(what) = std::env::var("LOAD_PROFILE") {
        let load = if what.starts_with("payout") {
            Load::Payout
        } else {
            Load::Balance
        };
        let sandbox = servers
            .block_on(Sandbox::start(
                config(&settings),
                "127.0.0.1:0".parse().expect("addr"),
            ))
            .expect("a sandbox starts");
        // `…-bare`: the bare server instead; `…-floor`: the floor server.
        let addr = if what.ends_with("-bare") {
            servers.block_on(bare_server())
        } else if what.ends_with("-floor") {
            servers.block_on(floor_server())
        } else {
            sandbox.addr()
        };
        let bodies = Requests::new().bodies(load, 400_000);
        let _guard = servers.enter();
        let outcome = clients.block_on(drive(
            addr,
            load.path(),
            Arc::new(bodies),
            settings.connections,
            settings.run_time,
        ));
        println!(
            "{load:?}: {:.0}/s, {} failed",
            outcome.rate(),
            outcome.failed
        );
        return;
    }
    run(&settings, &servers, &clients);
}

struct Settings {
    rounds: usize,
    run_time: Duration,
    fill: usize,
    connections: usize,
    retention: Option<usize>,
}

fn runtime(threads: usize, name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn config(settings: &Settings) -> SandboxConfig {
    let mut config = SandboxConfig::new(MERCHANT, SecretKey::new(PAYMENT_SECRET).expect("key"))
        .payout_secret_key(SecretKey::new(PAYOUT_SECRET).expect("key"))
        .starting_balance_minor(9_000_000_000_000)
        .clock(ClockMode::Real);
    if let Some(limit) = settings.retention {
        config = config.retention(limit);
    }
    // `LOAD_LOG=1`: the request log on, as the binary has it unless `--quiet` (the lines go
    // to this process's standard error).
    if std::env::var("LOAD_LOG").is_ok_and(|v| v == "1") {
        config = config.log_requests(true);
    }
    config
}

/// What a request is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Load {
    /// `api/balance_status`.
    Balance,
    /// `g2g/p2p2nonreg`, a new order each time.
    Payout,
}

impl Load {
    fn path(self) -> &'static str {
        match self {
            Load::Balance => "/api/balance_status",
            Load::Payout => "/g2g/p2p2nonreg",
        }
    }
}

/// Makes signed request bodies; order ids never repeat.
struct Requests {
    secret: SecretKey,
    salt_state: u64,
    next_order: u64,
}

impl Requests {
    fn new() -> Self {
        Self {
            secret: SecretKey::new(PAYOUT_SECRET).expect("key"),
            salt_state: 0x9E37_79B9_7F4A_7C15,
            next_order: 1,
        }
    }

    fn salt(&mut self) -> String {
        // xorshift64: a bench needs distinct salts, not secret ones.
        let mut x = self.salt_state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.salt_state = x;
        format!("{x:016x}")
    }

    fn body(&mut self, load: Load) -> Bytes {
        let mut fields = Fields::new();
        fields.push("pg_merchant_id", MERCHANT);
        let script = match load {
            Load::Balance => "balance_status",
            Load::Payout => {
                let order = self.next_order;
                self.next_order += 1;
                fields
                    .push("pg_amount", "1.00")
                    .push("pg_order_id", format!("load-{order}"))
                    .push("pg_payment_to", PAYOUT_CARD)
                    .push("pg_description", "load test payout");
                "p2p2nonreg"
            }
        };
        fields.push("pg_salt", self.salt());
        let script = ScriptName::new(script).expect("script name");
        let sig = freedompay_sign::sign(&script, &fields, &self.secret).expect("signable");
        fields.push("pg_sig", sig.as_str());
        let mut body = String::new();
        for field in &fields {
            if !body.is_empty() {
                body.push('&');
            }
            body.push_str(field.name());
            body.push('=');
            // The values are letters, digits, dots, dashes and spaces.
            body.push_str(&field.text().unwrap_or("").replace(' ', "+"));
        }
        Bytes::from(body)
    }

    fn bodies(&mut self, load: Load, n: usize) -> Vec<Bytes> {
        match load {
            // The same few signed bodies over and over: a balance request changes nothing.
            Load::Balance => {
                let few: Vec<Bytes> = (0..256).map(|_| self.body(load)).collect();
                (0..n).map(|i| few[i % few.len()].clone()).collect()
            }
            Load::Payout => (0..n).map(|_| self.body(load)).collect(),
        }
    }
}

/// The bare server's fixed reply: a signed `balance_status` answer of the sandbox's size.
const FIXED_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_balance>1000000.00</pg_balance><pg_status>ok</pg_status><pg_salt>Kq3PzT0mYb8xWc1N</pg_salt><pg_sig>0f3c5e4b8a7d6c2e1f0a9b8c7d6e5f4a</pg_sig></response>";

/// A bare hyper HTTP/1.1 server that reads each request body and answers [`FIXED_XML`].
async fn bare_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: hyper::Request<Incoming>| async move {
                    let body = axum::body::Body::new(request.into_body());
                    let _ = axum::body::to_bytes(body, 2 * 1024 * 1024).await;
                    Ok::<_, Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "text/xml; charset=UTF-8")
                            .body(http_body_full(FIXED_XML))
                            .expect("a response"),
                    )
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn http_body_full(text: &'static str) -> axum::body::Body {
    axum::body::Body::from(text)
}

/// The payout reply's fixed values in the floor server (dates and reference included: it
/// formats nothing).
const FLOOR_DATE: &str = "2026-12-02 12:00:00";
const FLOOR_DATETIME: &str = "2026-12-02T12:00:00+05:00";
const FLOOR_REFERENCE: &str = "123456789012";

/// The least any FreedomPay server does per request, for reference: it reads the form (split,
/// `+` decoded), checks its signature (`freedompay_sign::verify_tree`), and answers a
/// reply of the sandbox's shape for that endpoint (the same fields), freshly salted, signed
/// (`sign_tree`) and written (`freedompay_xml::write_tree`). No state, no check of any field,
/// nothing formatted: what the sandbox costs beyond it is the sandbox's own work, and its rate
/// against the bare server is the most any sandbox reaches on this machine.
async fn floor_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: hyper::Request<Incoming>| async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::Body::new(body);
                    let body = axum::body::to_bytes(body, 2 * 1024 * 1024)
                        .await
                        .unwrap_or_default();
                    let xml = floor_reply(parts.uri.path(), &body);
                    Ok::<_, Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "text/xml; charset=UTF-8")
                            .body(axum::body::Body::from(xml))
                            .expect("a response"),
                    )
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// A flat message as a slice of pairs, for `sign_tree`, `verify_tree` and `write_tree`.
#[derive(Clone, Copy)]
struct Pairs<'a>(&'a [(&'a str, &'a str)]);

impl<'a> Level<'a> for Pairs<'a> {
    fn len(self) -> usize {
        self.0.len()
    }

    fn name(self, index: usize) -> &'a str {
        self.0[index].0
    }

    fn value(self, index: usize) -> Node<'a, Self> {
        Node::Text(self.0[index].1)
    }
}

/// The floor server's reply to a request at `path` with this form: the sandbox's reply
/// fields for the endpoint, or an error without `pg_status` ok when the signature is wrong.
fn floor_reply(path: &str, body: &[u8]) -> String {
    const ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response><pg_status>error</pg_status></response>";
    thread_local! {
        static STATE: std::cell::Cell<u64> = const { std::cell::Cell::new(0x2545_F491_4F6C_DD1D) };
    }
    let script = path.rsplit('/').next().unwrap_or_default();
    let Ok(script) = ScriptName::new(script) else {
        return ERROR.to_owned();
    };
    let Ok(secret) = SecretKey::new(PAYOUT_SECRET) else {
        return ERROR.to_owned();
    };
    // The bench's bodies hold letters, digits, dots, dashes and `+` for a space, never a
    // percent escape (see `Requests::body`): the least a form reader does is to split them.
    let Ok(body) = std::str::from_utf8(body) else {
        return ERROR.to_owned();
    };
    if body.contains('%') {
        return ERROR.to_owned();
    }
    let form: Vec<(&str, std::borrow::Cow<'_, str>)> = body
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let value = if value.contains('+') {
                std::borrow::Cow::Owned(value.replace('+', " "))
            } else {
                std::borrow::Cow::Borrowed(value)
            };
            Some((name, value))
        })
        .collect();
    let request: Vec<(&str, &str)> = form.iter().map(|(n, v)| (*n, &**v)).collect();
    if freedompay_sign::verify_tree(&script, Pairs(&request), &secret).is_err() {
        return ERROR.to_owned();
    }
    let field = |name: &str| {
        request
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| *v)
    };
    // A fresh salt (xorshift, sixteen hex digits) and payment id per reply.
    let x = STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    });
    let salt = format!("{x:016x}");
    let mut id = itoa::Buffer::new();
    let mut reply: Vec<(&str, &str)> = Vec::with_capacity(13);
    if script.as_str() == "balance_status" {
        reply.extend([("pg_balance", "1000000.00"), ("pg_status", "ok")]);
    } else {
        reply.extend([
            ("pg_payment_id", id.format(x >> 40)),
            ("pg_merchant_id", field("pg_merchant_id")),
            ("pg_status", "ok"),
            ("pg_order_id", field("pg_order_id")),
            ("pg_balance", "1000000.00"),
            ("pg_payment_amount", field("pg_amount")),
            ("pg_reference", FLOOR_REFERENCE),
            ("pg_payment_date", FLOOR_DATE),
            ("pg_datetime", FLOOR_DATETIME),
        ]);
    }
    reply.push(("pg_salt", &salt));
    let Ok(sig) = freedompay_sign::sign_tree(&script, Pairs(&reply), &secret) else {
        return ERROR.to_owned();
    };
    reply.push(("pg_sig", sig.as_str()));
    freedompay_xml::write_tree(Pairs(&reply)).unwrap_or_else(|_| ERROR.to_owned())
}

/// One measured run's result.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    done: usize,
    failed: usize,
    secs: f64,
    /// CPU time the servers' threads used during the run, when known (`/proc`).
    server_cpu: Option<Duration>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.done as f64 / self.secs
    }

    /// Server CPU per answered request, in microseconds.
    fn cpu_us(&self) -> Option<f64> {
        let cpu = self.server_cpu?;
        (self.done > 0).then(|| cpu.as_secs_f64() * 1e6 / self.done as f64)
    }
}

/// Sends `bodies` to `addr` over `connections` keep-alive connections until all are answered
/// or `limit` has passed; counts the answers that are HTTP 200 with `<pg_status>ok`.
async fn drive(
    addr: SocketAddr,
    path: &'static str,
    bodies: Arc<Vec<Bytes>>,
    connections: usize,
    limit: Duration,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + limit;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let bodies = Arc::clone(&bodies);
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            let mut done = 0usize;
            let mut failed = 0usize;
            let Ok(mut stream) = TcpStream::connect(addr).await else {
                return (0, 1);
            };
            let _ = stream.set_nodelay(true);
            let mut buf = Vec::with_capacity(4096);
            let mut request = Vec::with_capacity(1024);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= bodies.len() || Instant::now() >= deadline {
                    break;
                }
                let body = &bodies[i];
                request.clear();
                request.extend_from_slice(
                    format!(
                        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                );
                request.extend_from_slice(body);
                if stream.write_all(&request).await.is_err() {
                    failed += 1;
                    break;
                }
                match read_response(&mut stream, &mut buf).await {
                    Some(true) => done += 1,
                    Some(false) => failed += 1,
                    None => {
                        failed += 1;
                        break;
                    }
                }
            }
            (done, failed)
        });
    }
    let mut outcome = Outcome {
        done: 0,
        failed: 0,
        secs: 0.0,
        server_cpu: None,
    };
    while let Some(result) = tasks.join_next().await {
        let (done, failed) = result.unwrap_or((0, 1));
        outcome.done += done;
        outcome.failed += failed;
    }
    outcome.secs = started.elapsed().as_secs_f64();
    outcome
}

/// Reads one response (`Content-Length` framed); whether it is a 200 with `pg_status` ok.
/// `None` when the connection broke.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<bool> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let ok_status = head.starts_with("HTTP/1.1 200");
    let length: usize = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })?;
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[head_end..head_end + length];
    Some(ok_status && find(body, b"<pg_status>ok</pg_status>").is_some())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// CPU time of this process so far (user + system), from `/proc/self/stat`; `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time used so far by the threads of the servers' runtime (named `server`), from
/// `/proc/self/task/*/schedstat` (nanoseconds on a CPU); `None` elsewhere. The servers run one
/// at a time, so the difference over a run is what the measured server cost: a figure that,
/// unlike the rates, hardly depends on what else the machine is doing.
fn server_cpu() -> Option<Duration> {
    let mut total = 0u64;
    let mut seen = false;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let path = task.path();
        let Ok(comm) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if comm.trim() != "server" {
            continue;
        }
        let Ok(schedstat) = std::fs::read_to_string(path.join("schedstat")) else {
            continue;
        };
        if let Some(ns) = schedstat
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
        {
            total += ns;
            seen = true;
        }
    }
    seen.then(|| Duration::from_nanos(total))
}

/// Resident memory of this process, in MiB, from `/proc/self/status`.
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn run(settings: &Settings, servers: &Runtime, clients: &Runtime) {
    let mut requests = Requests::new();
    let bare = servers.block_on(bare_server());
    let floor = servers.block_on(floor_server());
    let aged = servers
        .block_on(Sandbox::start(
            config(settings),
            "127.0.0.1:0".parse().expect("addr"),
        ))
        .expect("the aged sandbox starts");
    let measure = |addr: SocketAddr, load: Load, bodies: Vec<Bytes>| -> Outcome {
        let _guard = servers.enter();
        let cpu_before = server_cpu();
        let mut outcome = clients.block_on(drive(
            addr,
            load.path(),
            Arc::new(bodies),
            settings.connections,
            settings.run_time,
        ));
        outcome.server_cpu = cpu_before.and_then(|before| server_cpu()?.checked_sub(before));
        outcome
    };

    println!(
        "load: {} rounds of {:.1}s runs, {} connections, {} payouts in the aged sandbox",
        settings.rounds,
        settings.run_time.as_secs_f64(),
        settings.connections,
        settings.fill
    );
    let rss_before = rss_mib();
    let mut filled = 0usize;
    let fill_started = Instant::now();
    while filled < settings.fill {
        let n = (settings.fill - filled).min(20_000);
        let bodies = requests.bodies(Load::Payout, n);
        let outcome = clients.block_on(drive(
            aged.addr(),
            Load::Payout.path(),
            Arc::new(bodies),
            settings.connections,
            Duration::from_secs(600),
        ));
        if outcome.failed > 0 {
            println!("fill: {} payouts failed", outcome.failed);
        }
        filled += outcome.done;
        if outcome.done == 0 {
            break;
        }
    }
    println!(
        "fill: {filled} payouts in {:.1}s ({:.0}/s); RSS {:.0} MiB -> {:.0} MiB",
        fill_started.elapsed().as_secs_f64(),
        filled as f64 / fill_started.elapsed().as_secs_f64(),
        rss_before.unwrap_or(f64::NAN),
        rss_mib().unwrap_or(f64::NAN),
    );

    // Idle: nothing is sent for two seconds; the process should barely run.
    std::thread::sleep(Duration::from_millis(300));
    let idle_cpu = cpu_time().and_then(|before| {
        let wall = Instant::now();
        std::thread::sleep(Duration::from_secs(2));
        let used = cpu_time()?.checked_sub(before)?;
        Some(used.as_secs_f64() / wall.elapsed().as_secs_f64() * 100.0)
    });

    let mut balance_ratios = Vec::new();
    let mut payout_ratios = Vec::new();
    let mut aged_ratios = Vec::new();
    let mut floor_balance_ratios = Vec::new();
    let mut floor_payout_ratios = Vec::new();
    let mut cpu_us: Vec<[f64; 7]> = Vec::new();
    let mut failures = 0usize;
    println!(
        "{:>5} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
        "round",
        "bare bal/s",
        "floor bal/s",
        "sbx bal/s",
        "bare pay/s",
        "floor pay/s",
        "sbx pay/s",
        "aged pay/s"
    );
    for round in 0..settings.rounds {
        let fresh = servers
            .block_on(Sandbox::start(
                config(settings),
                "127.0.0.1:0".parse().expect("addr"),
            ))
            .expect("a fresh sandbox starts");
        let mut balance = |addr| {
            measure(
                addr,
                Load::Balance,
                requests.bodies(Load::Balance, MAX_REQUESTS_PER_RUN),
            )
        };
        // Alternate who goes first, so that a drift in the machine's load favours no one.
        let order: [usize; 3] = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
        let mut results = [None; 3];
        for who in order {
            results[who] = Some(balance([bare, fresh.addr(), floor][who]));
        }
        let [bare_balance, fresh_balance, floor_balance] = results.map(|r| r.expect("measured"));
        let mut payouts: Vec<Vec<Bytes>> = (0..4)
            .map(|_| requests.bodies(Load::Payout, MAX_REQUESTS_PER_RUN / 4))
            .collect();
        let order: [usize; 4] = if round % 2 == 0 {
            [0, 1, 2, 3]
        } else {
            [3, 2, 1, 0]
        };
        let mut results = [None; 4];
        for who in order {
            let addr = [bare, fresh.addr(), aged.addr(), floor][who];
            results[who] = Some(measure(
                addr,
                Load::Payout,
                std::mem::take(&mut payouts[who]),
            ));
        }
        let [bare_payout, fresh_payout, aged_payout, floor_payout] =
            results.map(|r| r.expect("measured"));
        let all = [
            bare_balance,
            fresh_balance,
            bare_payout,
            fresh_payout,
            aged_payout,
            floor_balance,
            floor_payout,
        ];
        failures += all.iter().map(|o| o.failed).sum::<usize>();
        balance_ratios.push(fresh_balance.rate() / bare_balance.rate());
        payout_ratios.push(fresh_payout.rate() / bare_payout.rate());
        aged_ratios.push(aged_payout.rate() / fresh_payout.rate());
        floor_balance_ratios.push(floor_balance.rate() / bare_balance.rate());
        floor_payout_ratios.push(floor_payout.rate() / bare_payout.rate());
        // The same comparisons by server CPU per request (cheaper is higher, as for rates).
        if let [
            Some(bb),
            Some(sb),
            Some(bp),
            Some(sp),
            Some(ap),
            Some(fb),
            Some(fp),
        ] = all.map(|o| o.cpu_us())
        {
            cpu_us.push([bb, sb, bp, sp, ap, fb, fp]);
        }
        println!(
            "{:>5} {:>11.0} {:>11.0} {:>11.0} {:>11.0} {:>11.0} {:>11.0} {:>11.0}",
            round + 1,
            bare_balance.rate(),
            floor_balance.rate(),
            fresh_balance.rate(),
            bare_payout.rate(),
            floor_payout.rate(),
            fresh_payout.rate(),
            aged_payout.rate(),
        );
        servers.block_on(fresh.shutdown());
    }
    println!("--- ratios (median of the rounds; the bare server is 1.00) ---");
    println!(
        "sandbox balance_status, {} connections: {:.2}x the bare server (target >= 0.85)",
        settings.connections,
        median(balance_ratios)
    );
    println!(
        "sandbox p2p2nonreg payouts, {} connections: {:.2}x the bare server (target >= 0.80)",
        settings.connections,
        median(payout_ratios)
    );
    println!(
        "sandbox after {filled} payouts: {:.2}x itself fresh (target >= 0.90)",
        median(aged_ratios)
    );
    println!(
        "floor server (reads the form, checks its signature, signs and writes a reply of the \
         sandbox's shape, nothing else): balance_status {:.2}x, payouts {:.2}x the bare server",
        median(floor_balance_ratios),
        median(floor_payout_ratios)
    );
    if !cpu_us.is_empty() {
        let column = |i: usize| median(cpu_us.iter().map(|r| r[i]).collect());
        let ratio =
            |cheap: usize, dear: usize| median(cpu_us.iter().map(|r| r[cheap] / r[dear]).collect());
        println!(
            "--- by the servers' CPU per request (median µs; less sensitive to other load) ---"
        );
        println!(
            "balance_status: bare {:.1} µs, sandbox {:.1} µs: {:.2}x",
            column(0),
            column(1),
            ratio(0, 1)
        );
        println!(
            "p2p2nonreg payouts: bare {:.1} µs, sandbox {:.1} µs: {:.2}x; aged {:.1} µs: {:.2}x itself fresh",
            column(2),
            column(3),
            ratio(2, 3),
            column(4),
            ratio(3, 4)
        );
        println!(
            "floor server: balance_status {:.1} µs: {:.2}x the bare server; payouts {:.1} µs: {:.2}x",
            column(5),
            ratio(0, 5),
            column(6),
            ratio(2, 6)
        );
    }
    match idle_cpu {
        Some(pct) => println!(
            "idle (whole process, both sandboxes and the bare server): {pct:.2}% of a core (target < 1%)"
        ),
        None => println!("idle: not measured (no /proc/self/stat)"),
    }
    println!(
        "memory: RSS {:.0} MiB at the end",
        rss_mib().unwrap_or(f64::NAN)
    );
    if failures > 0 {
        println!("FAILED requests: {failures} (not 200 with pg_status ok)");
    }
    servers.block_on(aged.shutdown());
}
