//! The transport types and closures as transports.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use freedompay_transport::{
    Headers, HttpRequest, HttpResponse, Method, SendState, Transport, TransportError,
    TransportErrorKind, async_trait, blocking_fn, transport_fn,
};

/// Polls once: the blocking-stack contract says the future is ready at once.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

fn request() -> HttpRequest {
    HttpRequest::new(Method::Post, "https://api.freedompay.kz/g2g/p2p2nonreg")
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body(b"pg_payment_to=4405640000001234".to_vec())
        .with_timeout(Duration::from_secs(5))
}

#[test]
fn blocking_closure_is_ready_on_first_poll() {
    let calls = AtomicUsize::new(0);
    let transport = blocking_fn(|req: HttpRequest| {
        calls.fetch_add(1, Ordering::SeqCst);
        assert_eq!(req.timeout(), Some(Duration::from_secs(5)));
        Ok(HttpResponse::new(200, req.body().to_vec()))
    });
    let response = poll_once(transport.send(request()))
        .expect("ready")
        .expect("ok");
    assert_eq!(response.body(), b"pg_payment_to=4405640000001234");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn async_closure_and_wrappers_are_transports() {
    let transport = Arc::new(transport_fn(|req: HttpRequest| async move {
        Ok::<_, TransportError>(HttpResponse::new(502, req.url().as_bytes().to_vec()))
    }));
    let boxed: Box<dyn Transport> = Box::new(transport.clone());
    let by_ref = &boxed;
    let response = poll_once(by_ref.send(request()))
        .expect("ready")
        .expect("ok");
    assert_eq!(response.status(), 502);
    assert!(!response.is_success());
    assert_eq!(response.body(), b"https://api.freedompay.kz/g2g/p2p2nonreg");
}

struct Failing(SendState);

#[async_trait]
impl Transport for Failing {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::new(TransportErrorKind::Io, self.0)
            .with_source(std::io::Error::other("secret=abc")))
    }
}

#[test]
fn errors_say_whether_the_request_left_and_hide_their_source_text() {
    let error = poll_once(Failing(SendState::MaybeSent).send(request()))
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io);
    assert!(error.may_have_been_sent());
    assert_eq!(
        error.to_string(),
        "I/O error (the request may have reached the server)"
    );
    assert!(!format!("{error:?}").contains("secret"));
    assert!(std::error::Error::source(&error).is_some());

    let connect = TransportError::connect(std::io::Error::other("refused"));
    assert_eq!(connect.send_state(), SendState::NotSent);
    assert_eq!(
        connect.to_string(),
        "could not connect (the request was not sent)"
    );
    assert_eq!(TransportError::timeout().send_state(), SendState::MaybeSent);
}

#[test]
fn debug_never_shows_bodies_or_header_values() {
    let req = request().with_header("Authorization", "Bearer s3cr3t");
    let shown = format!("{req:?}");
    assert!(!shown.contains("4405640000001234"), "{shown}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("body_len: 30"), "{shown}");
    let response = HttpResponse::new(200, b"<pg_card_pan>4405640000001234</pg_card_pan>".to_vec());
    assert!(!format!("{response:?}").contains("4405"));
}

#[test]
fn headers_are_case_insensitive_ordered_and_keep_repeats() {
    let mut headers = Headers::new();
    headers
        .append("Set-Cookie", "a=1")
        .append("set-cookie", "b=2")
        .append("X-Id", "7");
    assert_eq!(headers.get("SET-COOKIE"), Some("a=1"));
    assert_eq!(
        headers.get_all("set-cookie").collect::<Vec<_>>(),
        ["a=1", "b=2"]
    );
    headers.insert("SET-cookie", "c=3");
    assert_eq!(headers.get_all("set-cookie").collect::<Vec<_>>(), ["c=3"]);
    assert_eq!(
        headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        ["X-Id", "SET-cookie"]
    );
    assert_eq!(headers.len(), 2);
    assert_eq!(headers.get("missing"), None);
}

#[cfg(feature = "http")]
#[test]
fn converts_to_and_from_http_types() {
    let converted: http::Request<Vec<u8>> = request().try_into().expect("valid");
    assert_eq!(converted.method(), http::Method::POST);
    assert_eq!(converted.uri(), "https://api.freedompay.kz/g2g/p2p2nonreg");
    assert_eq!(
        converted.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );

    let bad = HttpRequest::new(Method::Get, "not a url with spaces");
    let error = http::Request::<Vec<u8>>::try_from(bad).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::InvalidRequest);
    assert_eq!(error.send_state(), SendState::NotSent);

    let response = http::Response::builder()
        .status(502)
        .header("Content-Type", "text/html")
        .body(b"x".to_vec())
        .unwrap();
    let ours = HttpResponse::from(response);
    assert_eq!(ours.status(), 502);
    assert_eq!(ours.headers().get("content-type"), Some("text/html"));
}

/// A map taken by `Headers::from_http` reads exactly as the same map copied, changes
/// included, and a value that is not UTF-8 is decoded lossily either way.
#[cfg(feature = "http")]
#[test]
fn headers_taken_from_a_header_map_read_as_the_map_copied() {
    use http::{HeaderMap, HeaderName, HeaderValue};

    let mut map = HeaderMap::new();
    map.append("content-type", HeaderValue::from_static("text/xml"));
    map.append("set-cookie", HeaderValue::from_static("a=1"));
    map.append(
        "x-city",
        HeaderValue::from_bytes("Алматы".as_bytes()).expect("opaque bytes"),
    );
    map.append("set-cookie", HeaderValue::from_static("b=2"));
    map.append(
        HeaderName::from_static("x-empty"),
        HeaderValue::from_static(""),
    );
    let copied = Headers::from(&map);
    let taken = Headers::from_http(map.clone());
    assert_eq!(taken, copied);
    assert_eq!(
        taken.iter().collect::<Vec<_>>(),
        copied.iter().collect::<Vec<_>>()
    );
    assert_eq!(taken.len(), 5);
    assert!(!taken.is_empty());
    assert!(Headers::from_http(HeaderMap::new()).is_empty());
    for name in [
        "Content-Type",
        "SET-COOKIE",
        "x-city",
        "X-Empty",
        "missing",
        "bad name",
    ] {
        assert_eq!(taken.get(name), copied.get(name), "{name}");
        assert_eq!(
            taken.get_all(name).collect::<Vec<_>>(),
            copied.get_all(name).collect::<Vec<_>>(),
            "{name}"
        );
    }
    assert_eq!(taken.get("x-city"), Some("Алматы"));
    assert_eq!(format!("{taken:?}"), format!("{copied:?}"));

    // Changing it moves the fields into the list first.
    let (mut taken, mut copied) = (taken, copied);
    taken
        .insert("Set-Cookie", "c=3")
        .append_static("Accept", "text/xml");
    copied
        .insert("Set-Cookie", "c=3")
        .append_static("Accept", "text/xml");
    assert_eq!(taken, copied);
    assert_eq!(taken.get_all("set-cookie").collect::<Vec<_>>(), ["c=3"]);

    // Not UTF-8: copied, decoded lossily, as `From<&HeaderMap>` does.
    let mut map = HeaderMap::new();
    map.append("x-bin", HeaderValue::from_bytes(b"a\xffb").expect("opaque"));
    let taken = Headers::from_http(map.clone());
    assert_eq!(taken, Headers::from(&map));
    assert_eq!(taken.get("x-bin"), Some("a\u{fffd}b"));

    // A response converted from `http` takes its headers.
    let response = http::Response::builder()
        .header("X-Id", "7")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        HttpResponse::from(response).headers().get("x-id"),
        Some("7")
    );
}

/// A `'static` list of fields reads as the same fields appended one by one, changes
/// included.
#[test]
fn a_static_list_of_headers_reads_as_the_fields_appended() {
    const FIXED: &[(&str, &str)] = &[("Accept", "text/xml"), ("X-Id", "1"), ("Accept", "*/*")];
    let mut fixed = Headers::from_static(FIXED);
    let mut appended = Headers::new();
    for &(name, value) in FIXED {
        appended.append_static(name, value);
    }
    assert_eq!(fixed, appended);
    assert_eq!(fixed.len(), 3);
    assert_eq!(fixed.get("accept"), Some("text/xml"));
    assert_eq!(
        fixed.get_all("ACCEPT").collect::<Vec<_>>(),
        ["text/xml", "*/*"]
    );
    fixed.append("X-Id", "2");
    appended.append("X-Id", "2");
    assert_eq!(fixed, appended);
    fixed.insert("x-id", "3");
    appended.insert("x-id", "3");
    assert_eq!(fixed, appended);
    assert_eq!(
        fixed.iter().collect::<Vec<_>>(),
        [("Accept", "text/xml"), ("Accept", "*/*"), ("x-id", "3")]
    );
    assert_eq!(format!("{fixed:?}"), format!("{appended:?}"));

    let request = HttpRequest::new(Method::Post, "https://api.freedompay.kz/x")
        .with_static_headers(FIXED)
        .with_static_headers(&[("User-Agent", "me/1")]);
    assert_eq!(
        request.headers().iter().map(|(n, _)| n).collect::<Vec<_>>(),
        ["Accept", "X-Id", "Accept", "User-Agent"]
    );
}
