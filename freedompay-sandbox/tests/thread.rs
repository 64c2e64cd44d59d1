//! The sandbox from synchronous code: `SandboxThread` owns its runtime; a plain `std` TCP
//! client talks to it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use freedompay_sandbox::{SandboxConfig, SandboxThread};
use freedompay_sign::SecretKey;

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn a_sandbox_thread_serves_until_dropped() {
    let config =
        SandboxConfig::new("1", SecretKey::new("s").unwrap()).starting_balance_minor(12_345);
    let sandbox = SandboxThread::start(config).unwrap();
    let addr = sandbox.addr();
    assert_eq!(sandbox.base_url(), format!("http://{addr}"));
    let reply = get(addr, "/_sandbox/balance");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"balance\":\"123.45\""), "{reply}");
    assert_eq!(sandbox.balance_minor(), 12_345);
    assert_eq!(sandbox.advance(Duration::from_secs(10)), 0);
    drop(sandbox);
    assert!(TcpStream::connect(addr).is_err(), "stopped and closed");
}
