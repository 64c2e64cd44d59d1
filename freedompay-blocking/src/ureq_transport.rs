//! The default transport: ureq 3 over rustls.

use core::time::Duration;
use std::io;

use freedompay_transport::{
    Headers, HttpRequest, HttpResponse, Method, SendState, Transport, TransportError,
    TransportErrorKind, async_trait,
};
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
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
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
        Self { agent }
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
        let response = match method {
            Method::Post => prepare(self.agent.post(url), headers, timeout).send(body.as_bytes()),
            Method::Get if body.is_empty() => prepare(self.agent.get(url), headers, timeout).call(),
            Method::Get => prepare(self.agent.get(url), headers, timeout)
                .force_send_body()
                .send(body.as_bytes()),
        }
        .map_err(classify)?;
        let (parts, mut body) = response.into_parts();
        // The header map is handed over as it is, not copied.
        let headers = Headers::from_http(parts.headers);
        let body = body.read_to_vec().map_err(classify)?;
        Ok(HttpResponse::new(parts.status.as_u16(), body).with_headers(headers))
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

/// The request's headers, and the settings the contract needs on every request whatever
/// the agent's: statuses as data, no redirects, the request's timeout for the whole exchange
/// (and for connecting, so that a connect timeout is known to be before sending).
fn prepare<B>(
    mut builder: ureq::RequestBuilder<B>,
    headers: &Headers,
    timeout: Option<Duration>,
) -> ureq::RequestBuilder<B> {
    for (name, value) in headers.iter() {
        builder = builder.header(name, value);
    }
    builder
        .config()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(timeout)
        .timeout_connect(timeout)
        .build()
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
