//! The default transport: ureq 3 over rustls.

use core::time::Duration;
use std::io;
use std::sync::Arc;

use freedompay_transport::{
    HeaderMaps, Headers, HttpRequest, HttpResponse, Method, SendState, Transport, TransportError,
    TransportErrorKind, async_trait,
};
use ureq::http::{HeaderMap, Uri};
use ureq::typestate::AgentScope;

/// A [`Transport`] over a `ureq::Agent`: rustls (ring, webpki roots), HTTP/1.1, no
/// redirects, a connection pool whose idle connections close after
/// [`UreqTransport::MAX_IDLE_AGE`]. Its future is ready on the first poll: the work is done
/// inside `send` (or call [`UreqTransport::send_blocking`] directly).
///
/// It keeps the transport contract: every request gets its own timeout
/// ([`HttpRequest::timeout`]) for the whole exchange, a 3xx is returned as a response, every
/// status is a response with all its headers, and failures say honestly whether the request
/// may have left:
///
/// | failure | kind | send state |
/// |---|---|---|
/// | the request cannot be built (bad URL, bad header) | `InvalidRequest` | `NotSent` |
/// | the host is not found, the connection is refused | `Connect` | `NotSent` |
/// | the timeout passed while resolving or connecting | `Timeout` | `NotSent` |
/// | the timeout passed once the request was under way | `Timeout` | `MaybeSent` |
/// | reading or writing failed after connecting | `Io` | `MaybeSent` |
/// | the answer is not HTTP | `Protocol` | `MaybeSent` |
///
/// A TLS handshake failure surfaces from ureq as an I/O error and is reported `MaybeSent`:
/// pessimistic (nothing leaves before the handshake), never wrong.
///
/// What would otherwise be redone on every request is prepared once per transport (and
/// shared by its clones): each URL is parsed once into an `http::Uri`, and the SDK's fixed
/// request headers ([`Headers::static_fields`]) are converted once into a header map.
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    prepared: Arc<Prepared>,
}

impl UreqTransport {
    /// How long an idle pooled connection is kept: 15 s, well below the keep-alive timeouts
    /// of common servers and load balancers (nginx 75 s, cloud balancers 60 s), so the client
    /// closes an idle connection before the server does. Reusing a connection the server is
    /// just closing fails after the request may have left, which would make a payout's
    /// outcome unknown; a short idle time keeps that race rare.
    pub const MAX_IDLE_AGE: Duration = Duration::from_secs(15);

    /// The transport with the SDK's settings.
    pub fn new() -> Self {
        Self::from_agent(Self::config_builder().build().into())
    }

    /// A `ureq` configuration builder with the SDK's settings (statuses as data, no
    /// redirects, the pool's idle age), to add your own (a proxy, TLS settings) before
    /// [`UreqTransport::from_agent`].
    pub fn config_builder() -> ureq::config::ConfigBuilder<AgentScope> {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_age(Self::MAX_IDLE_AGE)
    }

    /// A transport over an agent of your own. Whatever its configuration, every request is
    /// sent with statuses as data, no redirects and the request's own timeout (these are set
    /// per request).
    pub fn from_agent(agent: ureq::Agent) -> Self {
        Self {
            agent,
            prepared: Arc::default(),
        }
    }

    /// The underlying agent.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// Sends the request on this thread and returns the response: what
    /// [`Transport::send`] does, without a future (for wrapping in a
    /// [`blocking_fn`](crate::blocking_fn)).
    pub fn send_blocking(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // The body is borrowed from its shared buffer: a retry copies nothing.
        let body = request.shared_body();
        let (method, url, headers, timeout) = (
            request.method(),
            request.url(),
            request.headers(),
            request.timeout(),
        );
        let headers = match self.prepared.headers.get(headers) {
            Some(map) => Fields::Map(map),
            None => Fields::Each(headers),
        };
        // A URL seen before is not parsed again; one that does not parse goes to ureq as
        // text, which reports it as it always does (not sent).
        let uri = self
            .prepared
            .uris
            .get_or_parse(url, |text| Uri::try_from(text).ok());
        let response = match method {
            Method::Post => {
                let builder = match uri {
                    Some(uri) => self.agent.post(uri),
                    None => self.agent.post(url),
                };
                prepare(builder, headers, timeout).send(body.as_bytes())
            }
            Method::Get => {
                let builder = match uri {
                    Some(uri) => self.agent.get(uri),
                    None => self.agent.get(url),
                };
                let builder = prepare(builder, headers, timeout);
                if body.is_empty() {
                    builder.call()
                } else {
                    builder.force_send_body().send(body.as_bytes())
                }
            }
        }
        .map_err(classify)?;
        let (parts, mut body) = response.into_parts();
        // The header map is handed over as it is, not copied.
        let headers = Headers::from_http(parts.headers);
        let body = read_body(&mut body).map_err(classify)?;
        Ok(HttpResponse::from_parts(
            parts.status.as_u16(),
            headers,
            body,
        ))
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

/// What `Body::read_to_vec` allows: 10 MiB, its own limit, kept.
const MAX_BODY: u64 = 10 * 1024 * 1024;

/// How much of a declared `Content-Length` is reserved before reading: a gateway reply is a
/// few kilobytes, and a bigger declared length is not trusted with the memory up front.
const RESERVED: u64 = 64 * 1024;

/// The whole body, as `Body::read_to_vec` reads it (the same limit, the same errors), into a
/// buffer sized by the `Content-Length` when there is one: the body is read in one go instead
/// of through a buffer grown from nothing.
fn read_body(body: &mut ureq::Body) -> Result<Vec<u8>, ureq::Error> {
    use std::io::Read;
    let reserve = body.content_length().unwrap_or(0).min(RESERVED);
    // At most `RESERVED`: it fits in a `usize` on every target.
    let mut buffer = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    body.with_config()
        .limit(MAX_BODY)
        .reader()
        .read_to_end(&mut buffer)?;
    Ok(buffer)
}

/// A request's header fields: a map prepared once, or the fields to add one by one.
enum Fields<'a> {
    Map(HeaderMap),
    Each(&'a Headers),
}

/// The request's headers, and the settings the contract needs on every request whatever
/// the agent's: statuses as data, no redirects, the request's timeout for the whole exchange
/// (and for connecting, so that a connect timeout is known to be before sending).
fn prepare<B>(
    mut builder: ureq::RequestBuilder<B>,
    headers: Fields<'_>,
    timeout: Option<Duration>,
) -> ureq::RequestBuilder<B> {
    match headers {
        Fields::Map(map) => {
            // `None`: the request is already refused (a URL that does not parse).
            if let Some(headers) = builder.headers_mut() {
                HeaderMaps::put(map, headers);
            }
        }
        Fields::Each(headers) => {
            for (name, value) in headers.iter() {
                builder = builder.header(name, value);
            }
        }
    }
    builder
        .config()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(timeout)
        .timeout_connect(timeout)
        .build()
}

/// What the transport prepares once and reuses: parsed URLs and the SDK's header lists
/// converted.
#[derive(Debug)]
struct Prepared {
    uris: freedompay_transport::Prepared<Box<str>, Uri>,
    headers: HeaderMaps,
}

impl Default for Prepared {
    fn default() -> Self {
        Self {
            uris: freedompay_transport::Prepared::for_urls(),
            headers: HeaderMaps::new(),
        }
    }
}

#[async_trait]
impl Transport for UreqTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.send_blocking(request)
    }
}

/// Sorts a ureq error into the transport's kinds, and says whether the request may have
/// left: only what fails before a connection exists (building the request, resolving,
/// connecting) is certainly unsent.
fn classify(error: ureq::Error) -> TransportError {
    use SendState::{MaybeSent, NotSent};
    use TransportErrorKind as Kind;
    use ureq::{Error as E, Timeout as T};
    let (kind, state) = match &error {
        E::BadUri(_) | E::Http(_) | E::RequireHttpsOnly(_) | E::InvalidProxyUrl => {
            (Kind::InvalidRequest, NotSent)
        }
        E::HostNotFound | E::ConnectionFailed | E::ConnectProxyFailed(_) => {
            (Kind::Connect, NotSent)
        }
        E::Timeout(T::Resolve | T::Connect) => (Kind::Timeout, NotSent),
        E::Timeout(_) => (Kind::Timeout, MaybeSent),
        E::Io(e) if is_connect_error(e) => (Kind::Connect, NotSent),
        E::Io(e) if e.kind() == io::ErrorKind::TimedOut => (Kind::Timeout, MaybeSent),
        E::Io(_) => (Kind::Io, MaybeSent),
        // Raised while setting up TLS on a new connection, before any request byte.
        E::Tls(_) | E::TlsRequired | E::Pem(_) | E::Rustls(_) => (Kind::Tls, NotSent),
        E::Protocol(_)
        | E::LargeResponseHeader(..)
        | E::BodyExceedsLimit(_)
        | E::TooManyRedirects
        | E::RedirectFailed
        | E::StatusCode(_) => (Kind::Protocol, MaybeSent),
        _ => (Kind::Other, MaybeSent),
    };
    TransportError::new(kind, state).with_source(error)
}

/// I/O errors that only connecting produces. (An unreachable host or network can also end
/// an established connection mid-request, so those stay `MaybeSent`.)
fn is_connect_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::AddrNotAvailable
    )
}
