//! How much of raw reqwest's throughput `AsyncClient::balance` keeps: both post the same
//! signed form to a small keep-alive HTTP server on loopback (tokio, its own thread), and
//! the bench prints the ratio itself.
//!
//! `cargo bench -p freedompay-async --bench throughput` runs, one after the other:
//! - `async_balance/raw_reqwest`: a bare `reqwest::Client` posting the signed request,
//!   prepared once, and reading the body; no signing, no parsing.
//! - `async_balance/sdk_balance`: the SDK's call: salt, sign, encode, send, parse, verify,
//!   typed result.
//! - `async_balance/sdk_in_memory`: the same call over an in-memory transport: the SDK's
//!   own cost per call, steady even on a busy machine.
//! - `async_balance/interleaved`: raw and SDK calls alternated one by one (in ABBA order),
//!   so that both run under the same load; it prints `the SDK keeps N% of raw reqwest's
//!   throughput` from the median time per call (and the ratio of the means beside it).
//!
//! Criterion's own figures for the first two are measured seconds apart, and on a machine
//! shared with other work the load moves in between: the interleaved line is the one to
//! quote. The target is 95%. Filters and `--list` work as usual (`-- interleaved` runs the
//! ratio alone; `--list` runs nothing).
//!
//! `FREEDOMPAY_CALLGRIND=10000 valgrind --tool=callgrind <bench binary>` runs each side 10,000
//! times over loopback and nothing else (after a short warm-up): `callgrind_annotate
//! --inclusive=yes` then shows `raw_side`, `sdk_side` and `in_memory_side`, the client
//! thread's instructions per call independent of the machine's load (the server's thread
//! is not under them).

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use freedompay_async::payout::Balance;
use freedompay_async::reqwest;
use freedompay_async::sign::ScriptName;
use freedompay_async::{
    AsyncClient, Config, HttpRequest, HttpResponse, Method, RetryPolicy, Salt, SecretKey,
    TransportError, prepare, transport_fn,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

/// The signed XML body of the reply.
fn reply_body() -> Vec<u8> {
    let xml = include_str!("fixtures/balance_status.xml");
    let document = freedompay_xml::parse(xml.as_bytes()).expect("the fixture parses");
    let mut fields = document.into_fields();
    let script = ScriptName::new("balance_status").expect("script");
    let secret = SecretKey::new(PAYOUT_SECRET).expect("secret");
    let signature = freedompay_async::sign::sign(&script, &fields, &secret).expect("signs");
    fields.push("pg_sig", signature.as_str());
    freedompay_xml::write(&fields).expect("writes").into_bytes()
}

/// The whole HTTP response every request gets.
fn balance_reply() -> Vec<u8> {
    let body = reply_body();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    response
}

/// A keep-alive HTTP/1.1 server answering every request with the signed reply.
fn start_server() -> SocketAddr {
    let reply: &'static [u8] = Vec::leak(balance_reply());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            sender.send(listener.local_addr().expect("address")).ok();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve(stream, reply));
            }
        });
    });
    receiver.recv().expect("the server starts")
}

async fn serve(mut stream: TcpStream, reply: &'static [u8]) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // One request: the head, then Content-Length bytes of body.
        let (head_end, length) = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break (end + 4, content_length(&buffer[..end]));
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        if stream.write_all(reply).await.is_err() {
            return;
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn config(base_url: &str) -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key(PAYOUT_SECRET)
        .base_url(base_url)
        .retry(RetryPolicy::NONE)
        .build()
        .expect("config")
}

/// The time of each raw and each SDK call of the interleaved benchmark.
#[derive(Default)]
struct Pairs {
    raw: Vec<Duration>,
    sdk: Vec<Duration>,
}

impl Pairs {
    /// Prints the share of raw throughput the SDK keeps, from the medians (and the means).
    fn report(mut self, flavour: &str, raw_name: &str) {
        const ENOUGH: usize = 100;
        let pairs = self.raw.len().min(self.sdk.len());
        if pairs < ENOUGH {
            // `--test`, or a run cut short: too few calls to say anything.
            println!("{flavour}/interleaved: {pairs} pairs, too few for a ratio");
            return;
        }
        let mean = |times: &[Duration]| times.iter().sum::<Duration>() / times.len() as u32;
        let (raw_mean, sdk_mean) = (mean(&self.raw), mean(&self.sdk));
        self.raw.sort_unstable();
        self.sdk.sort_unstable();
        let (raw, sdk) = (self.raw[pairs / 2], self.sdk[pairs / 2]);
        println!(
            "{flavour}/interleaved: the SDK keeps {:.1}% of {raw_name}'s throughput (median per \
             call: {raw_name} {raw:.1?}, SDK {sdk:.1?}; by the means {:.1}%; {pairs} pairs)",
            percent(raw, sdk),
            percent(raw_mean, sdk_mean),
        );
    }
}

fn percent(raw: Duration, sdk: Duration) -> f64 {
    100.0 * raw.as_secs_f64() / sdk.as_secs_f64()
}

fn throughput(c: &mut Criterion) {
    let address = start_server();
    let base_url = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    // Raw reqwest: the same signed request, prepared once, posted and read; no parsing.
    let config = config(&base_url);
    let request = prepare(
        &config,
        &Balance::new(),
        &Salt::new("benchSalt1").expect("salt"),
    )
    .expect("request");
    let raw = freedompay_async::ReqwestTransport::builder()
        .build()
        .expect("reqwest client");
    let raw_call = || async {
        let mut builder = raw.request(
            match request.method() {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
            },
            request.url(),
        );
        for (name, value) in request.headers().iter() {
            builder = builder.header(name, value);
        }
        let response = builder
            .timeout(config.timeout())
            .body(request.body().to_vec())
            .send()
            .await
            .expect("sent");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("body");
        assert!(!body.is_empty());
    };

    // The SDK: salt, sign, send, parse, verify, typed result.
    let client = AsyncClient::new(config.clone()).expect("client");
    let sdk_call = || async {
        let info = client.balance(Balance::new()).await.expect("balance");
        assert!(!info.balance.is_negative());
    };

    // The SDK's own work alone: the same call over an in-memory transport answering the same
    // reply, so the loopback and the server are out of the picture.
    let body = reply_body();
    let in_memory = AsyncClient::with_transport(
        config.clone(),
        transport_fn(move |_request: HttpRequest| {
            let body = body.clone();
            async move { Ok::<_, TransportError>(HttpResponse::new(200, body)) }
        }),
    );
    let in_memory_call = || async {
        let info = in_memory.balance(Balance::new()).await.expect("balance");
        assert!(!info.balance.is_negative());
    };

    if let Some(times) = std::env::var("FREEDOMPAY_CALLGRIND")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    {
        // Warm-up: the connection opened, the salt generator seeded, the caches filled.
        side(&runtime, 100, &raw_call);
        side(&runtime, 100, &sdk_call);
        side(&runtime, 100, &in_memory_call);
        raw_side(&runtime, times, &raw_call);
        sdk_side(&runtime, times, &sdk_call);
        in_memory_side(&runtime, times, &in_memory_call);
        return;
    }

    let mut group = c.benchmark_group("async_balance");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_reqwest", |b| {
        b.iter_custom(|iterations| timed(&runtime, iterations, &raw_call));
    });
    group.bench_function("sdk_balance", |b| {
        b.iter_custom(|iterations| timed(&runtime, iterations, &sdk_call));
    });
    group.bench_function("sdk_in_memory", |b| {
        b.iter_custom(|iterations| timed(&runtime, iterations, &in_memory_call));
    });

    // Raw and SDK alternated call by call, the order flipped every pair (raw, SDK, SDK, raw,
    // ...): whatever else the machine does falls on both alike. Criterion times the pairs;
    // each call's own time is kept for the ratio.
    let mut pairs = Pairs::default();
    group.bench_function("interleaved", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for i in 0..iterations {
                    let raw_first = i % 2 == 0;
                    let (mut raw_time, mut sdk_time) = (Duration::ZERO, Duration::ZERO);
                    for turn in [raw_first, !raw_first] {
                        let start = Instant::now();
                        if turn {
                            raw_call().await;
                            raw_time = start.elapsed();
                        } else {
                            sdk_call().await;
                            sdk_time = start.elapsed();
                        }
                    }
                    total += raw_time + sdk_time;
                    pairs.raw.push(raw_time);
                    pairs.sdk.push(sdk_time);
                }
                total
            })
        });
    });
    group.finish();
    if !pairs.raw.is_empty() {
        pairs.report("async_balance", "raw reqwest");
    }
}

/// The time `iterations` calls of `call` take, one after the other.
fn timed<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    iterations: u64,
    call: &impl Fn() -> F,
) -> Duration {
    let start = Instant::now();
    side(runtime, iterations, call);
    start.elapsed()
}

/// `times` calls of `call`, one after the other.
fn side<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    times: u64,
    call: &impl Fn() -> F,
) {
    runtime.block_on(async {
        for _ in 0..times {
            call().await;
        }
    });
}

#[inline(never)]
fn raw_side<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    times: u64,
    call: &impl Fn() -> F,
) {
    side(runtime, times, call);
}

#[inline(never)]
fn sdk_side<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    times: u64,
    call: &impl Fn() -> F,
) {
    side(runtime, times, call);
}

#[inline(never)]
fn in_memory_side<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    times: u64,
    call: &impl Fn() -> F,
) {
    side(runtime, times, call);
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(30)
        .configure_from_args();
    throughput(&mut criterion);
    criterion.final_summary();
}
