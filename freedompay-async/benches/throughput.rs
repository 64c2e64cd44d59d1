//! Requests per second of `AsyncClient::balance` beside raw reqwest posting the same signed
//! form, both against a small keep-alive HTTP server on loopback (tokio, its own thread).
//!
//! The SDK's call does everything raw reqwest does not: draws a salt, signs, encodes the
//! form, parses the XML reply, verifies its signature and maps it to a typed result. The
//! target is at least 85% of the raw throughput. `sdk_in_memory` is the same call over an
//! in-memory transport: the SDK's own cost per call, which is what separates the two and is
//! steady even on a busy machine.
//!
//! `cargo bench -p freedompay-async --bench throughput`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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

/// A keep-alive HTTP/1.1 server answering every request with `reply`.
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

fn throughput(c: &mut Criterion) {
    let address = start_server();
    let base_url = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    let mut group = c.benchmark_group("async_balance");
    group.throughput(Throughput::Elements(1));

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
    group.bench_function("raw_reqwest", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iterations {
                    raw_call().await;
                }
                start.elapsed()
            })
        });
    });

    // The SDK: salt, sign, send, parse, verify, typed result.
    let client = AsyncClient::new(config.clone()).expect("client");
    let sdk_call = || async {
        let info = client.balance(Balance::new()).await.expect("balance");
        assert!(!info.balance.is_negative());
    };
    group.bench_function("sdk_balance", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iterations {
                    sdk_call().await;
                }
                start.elapsed()
            })
        });
    });

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
    group.bench_function("sdk_in_memory", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iterations {
                    let info = in_memory.balance(Balance::new()).await.expect("balance");
                    assert!(!info.balance.is_negative());
                }
                start.elapsed()
            })
        });
    });
    group.finish();

    // Criterion measures the two one after the other, and on a busy machine the load moves
    // in between; alternating single calls puts both under the same load.
    const PAIRS: usize = 2_000;
    let (raw, sdk) = runtime.block_on(async {
        let mut raw_times = Vec::with_capacity(PAIRS);
        let mut sdk_times = Vec::with_capacity(PAIRS);
        for _ in 0..PAIRS {
            let start = Instant::now();
            raw_call().await;
            raw_times.push(start.elapsed());
            let start = Instant::now();
            sdk_call().await;
            sdk_times.push(start.elapsed());
        }
        raw_times.sort();
        sdk_times.sort();
        (raw_times[PAIRS / 2], sdk_times[PAIRS / 2])
    });
    println!(
        "async_balance/interleaved ({PAIRS} pairs): median raw_reqwest {raw:?}, sdk_balance \
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
