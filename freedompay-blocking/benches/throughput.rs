//! Requests per second of `BlockingClient::balance` beside raw ureq posting the same signed
//! form, both against a small keep-alive HTTP server on loopback (std threads, one per
//! connection).
//!
//! The SDK's call does everything raw ureq does not: draws a salt, signs, encodes the form,
//! drives the transport's future, parses the XML reply, verifies its signature and maps it
//! to a typed result. The target is at least 85% of the raw throughput. `sdk_in_memory` is
//! the same call over an in-memory transport: the SDK's own cost per call, which is what
//! separates the two and is steady even on a busy machine.
//!
//! `cargo bench -p freedompay-blocking --bench throughput`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use freedompay_blocking::payout::Balance;
use freedompay_blocking::sign::ScriptName;
use freedompay_blocking::{
    BlockingClient, Config, HttpRequest, HttpResponse, RetryPolicy, Salt, SecretKey,
    TransportError, UreqTransport, blocking_fn, prepare,
};

const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

/// The signed XML body of the reply.
fn reply_body() -> Vec<u8> {
    let xml = include_str!("fixtures/balance_status.xml");
    let document = freedompay_xml::parse(xml.as_bytes()).expect("the fixture parses");
    let mut fields = document.into_fields();
    let script = ScriptName::new("balance_status").expect("script");
    let secret = SecretKey::new(PAYOUT_SECRET).expect("secret");
    let signature = freedompay_blocking::sign::sign(&script, &fields, &secret).expect("signs");
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
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, reply));
        }
    });
    address
}

fn serve(mut stream: TcpStream, reply: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // One request: the head, then Content-Length bytes of body.
        let (head_end, length) = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break (end + 4, content_length(&buffer[..end]));
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        if stream.write_all(reply).is_err() {
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

fn throughput(c: &mut Criterion) {
    let address = start_server();
    let base_url = format!("http://{address}");
    let mut group = c.benchmark_group("blocking_balance");
    group.throughput(Throughput::Elements(1));

    // Raw ureq: the same signed request, prepared once, posted and read; no parsing.
    let config = config(&base_url);
    let request = prepare(
        &config,
        &Balance::new(),
        &Salt::new("benchSalt1").expect("salt"),
    )
    .expect("request");
    let agent: freedompay_blocking::ureq::Agent = UreqTransport::config_builder().build().into();
    let raw_call = || {
        let mut builder = agent.post(request.url());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name, value);
        }
        let response = builder
            .config()
            .timeout_global(Some(config.timeout()))
            .build()
            .send(request.body())
            .expect("sent");
        assert!(response.status().is_success());
        let body = response.into_body().read_to_vec().expect("body");
        assert!(!body.is_empty());
    };
    group.bench_function("raw_ureq", |b| b.iter(raw_call));

    // The SDK: salt, sign, send, parse, verify, typed result.
    let client = BlockingClient::new(config.clone());
    let sdk_call = || {
        let info = client.balance(Balance::new()).expect("balance");
        assert!(!info.balance.is_negative());
    };
    group.bench_function("sdk_balance", |b| b.iter(sdk_call));

    // The SDK's own work alone: the same call over an in-memory transport answering the same
    // reply, so the loopback and the server are out of the picture.
    let body = reply_body();
    let in_memory = BlockingClient::with_transport(
        config.clone(),
        blocking_fn(move |_request: HttpRequest| {
            Ok::<_, TransportError>(HttpResponse::new(200, body.clone()))
        }),
    );
    group.bench_function("sdk_in_memory", |b| {
        b.iter(|| {
            let info = in_memory.balance(Balance::new()).expect("balance");
            assert!(!info.balance.is_negative());
        });
    });
    group.finish();

    interleaved(raw_call, sdk_call);
}

/// Criterion measures the two one after the other, and on a busy machine the load moves in
/// between; alternating single calls puts both under the same load. Prints the median of
/// each and the share of raw throughput the SDK keeps.
fn interleaved(raw: impl Fn(), sdk: impl Fn()) {
    const PAIRS: usize = 2_000;
    let mut raw_times = Vec::with_capacity(PAIRS);
    let mut sdk_times = Vec::with_capacity(PAIRS);
    for _ in 0..PAIRS {
        let start = Instant::now();
        raw();
        raw_times.push(start.elapsed());
        let start = Instant::now();
        sdk();
        sdk_times.push(start.elapsed());
    }
    raw_times.sort();
    sdk_times.sort();
    let (raw, sdk) = (raw_times[PAIRS / 2], sdk_times[PAIRS / 2]);
    println!(
        "blocking_balance/interleaved ({PAIRS} pairs): median raw_ureq {raw:?}, sdk_balance \
         {sdk:?}: the SDK keeps {:.1}% of raw throughput",
        100.0 * raw.as_secs_f64() / sdk.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    targets = throughput
}
criterion_main!(benches);
