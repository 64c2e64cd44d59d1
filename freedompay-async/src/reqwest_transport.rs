//! The default transport: reqwest over rustls.

use core::time::Duration;
use std::sync::Arc;

use freedompay_transport::{
    Body, HeaderMaps, Headers, HttpRequest, HttpResponse, Method, SendState, Transport,
    TransportError, TransportErrorKind, async_trait,
};

/// A [`Transport`] over a `reqwest::Client`: rustls, HTTP/1.1, no redirects, a connection
/// pool whose idle connections close after [`ReqwestTransport::POOL_IDLE_TIMEOUT`].
///
/// It keeps the transport contract: every request gets its own timeout
/// ([`HttpRequest::timeout`]), a 3xx is returned as a response, every status is a response
/// with all its headers, and failures say honestly whether the request may have left:
///
/// | failure | kind | send state |
/// |---|---|---|
/// | the request cannot be built (bad URL, bad header) | `InvalidRequest` | `NotSent` |
/// | the connection cannot be established (refused, DNS, TLS handshake) | `Connect` (`Timeout` if connecting timed out) | `NotSent` |
/// | the timeout passed once the request was under way | `Timeout` | `MaybeSent` |
/// | reading or writing failed after connecting | `Io` | `MaybeSent` |
///
/// ```no_run
/// use freedompay_async::{AsyncClient, Config, ReqwestTransport};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // Your own settings (a proxy, say) on top of the SDK's: start from `builder()`.
/// let client = ReqwestTransport::builder().proxy(freedompay_async::reqwest::Proxy::all("http://proxy.corp:3128")?).build()?;
/// let transport = ReqwestTransport::from_client(client);
/// let config = Config::builder().merchant_id("123456").secret_key("secret").build()?;
/// let client = AsyncClient::with_transport(config, transport);
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// What reqwest would otherwise redo on every request is prepared once per transport (and
/// shared by its clones): each URL is parsed once into a `reqwest::Url`, and the SDK's
/// fixed request headers ([`Headers::static_fields`]) are converted once into a header map;
/// the request body is handed to reqwest as it is, not copied.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    prepared: Arc<Prepared>,
}

impl ReqwestTransport {
    /// How long an idle pooled connection is kept: 15 s (ureq's default too), well below the keep-alive timeouts of
    /// common servers and load balancers (nginx 75 s, cloud balancers 60 s), so the client
    /// closes an idle connection before the server does. Reusing a connection the server is
    /// just closing fails after the request may have left, which would make a payout's
    /// outcome unknown; a short idle time keeps that race rare at the cost of a new
    /// handshake after a quiet spell.
    pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(15);

    /// The transport with the SDK's settings.
    ///
    /// Fails only when the TLS backend cannot be set up.
    pub fn new() -> Result<Self, TransportError> {
        let client = Self::builder().build().map_err(|e| {
            TransportError::new(TransportErrorKind::Tls, SendState::NotSent).with_source(e)
        })?;
        Ok(Self::from_client(client))
    }

    /// A `reqwest::ClientBuilder` with the SDK's settings (no redirects, the idle timeout of
    /// the pool), to add your own (a proxy, root certificates) before
    /// [`ReqwestTransport::from_client`].
    pub fn builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Self::POOL_IDLE_TIMEOUT)
    }

    /// A transport over a client of your own. It must not follow redirects
    /// (`redirect(Policy::none())`, as [`ReqwestTransport::builder`] sets): the transport
    /// contract returns a 3xx as a response. A timeout set on the client applies on top of
    /// each request's own.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            prepared: Arc::default(),
        }
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        // A URL seen before is not parsed again; one that does not parse goes to reqwest as
        // text, which reports it as it always does (a builder error: not sent).
        let builder = match self
            .prepared
            .urls
            .get_or_parse(request.url(), |text| reqwest::Url::parse(text).ok())
        {
            Some(url) => self.client.request(method, url),
            None => self.client.request(method, request.url()),
        };
        let mut built = match self.prepared.headers.get(request.headers()) {
            Some(map) => {
                let mut built = builder.build().map_err(classify)?;
                HeaderMaps::put(map, built.headers_mut());
                built
            }
            None => with_headers(builder, request.headers())
                .build()
                .map_err(classify)?,
        };
        if let Some(timeout) = request.timeout() {
            *built.timeout_mut() = Some(timeout);
        }
        // The shared body itself, not a copy of it.
        *built.body_mut() = Some(reqwest::Body::from(bytes::Bytes::from_owner(
            request.shared_body(),
        )));
        drop(request);
        let mut response = self.client.execute(built).await.map_err(classify)?;
        let status = response.status().as_u16();
        // The header map is handed over as it is, not copied.
        let headers = Headers::from_http(core::mem::take(response.headers_mut()));
        // The buffer reqwest received the body in, kept as it is (not copied into a `Vec`).
        let body = response.bytes().await.map_err(classify)?;
        Ok(HttpResponse::from_parts(
            status,
            headers,
            Body::from_owner(body),
        ))
    }
}

/// The request's header fields added one by one, as given.
fn with_headers(
    mut builder: reqwest::RequestBuilder,
    headers: &Headers,
) -> reqwest::RequestBuilder {
    for (name, value) in headers.iter() {
        builder = builder.header(name, value);
    }
    builder
}

/// What the transport prepares once and reuses: parsed URLs and the SDK's header lists
/// converted.
#[derive(Debug)]
struct Prepared {
    urls: freedompay_transport::Prepared<Box<str>, reqwest::Url>,
    headers: HeaderMaps,
}

impl Default for Prepared {
    fn default() -> Self {
        Self {
            urls: freedompay_transport::Prepared::for_urls(),
            headers: HeaderMaps::new(),
        }
    }
}

/// Sorts a reqwest error into the transport's kinds, and says whether the request may have
/// left: only a request that could not be built or a connection that could not be
/// established is certainly unsent.
fn classify(error: reqwest::Error) -> TransportError {
    use SendState::{MaybeSent, NotSent};
    use TransportErrorKind as Kind;
    let (kind, state) = if error.is_builder() {
        (Kind::InvalidRequest, NotSent)
    } else if error.is_connect() {
        let kind = if error.is_timeout() {
            Kind::Timeout
        } else {
            Kind::Connect
        };
        (kind, NotSent)
    } else if error.is_timeout() {
        (Kind::Timeout, MaybeSent)
    } else if error.is_redirect() {
        (Kind::Protocol, MaybeSent)
    } else if error.is_request() || error.is_body() || error.is_decode() {
        (Kind::Io, MaybeSent)
    } else {
        (Kind::Other, MaybeSent)
    };
    TransportError::new(kind, state).with_source(error)
}
