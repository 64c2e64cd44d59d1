//! The one transport trait, and closures as transports.

use core::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::{HttpRequest, HttpResponse, TransportError};

/// Sends one HTTP request and returns the response. The only thing the SDK needs from an HTTP
/// stack.
///
/// One trait serves both client flavours. An async stack awaits inside `send`; a blocking
/// stack (ureq, curl, an embedded client) does its work synchronously inside `send`, so its
/// future is ready on the first poll, and the blocking client drives it without a runtime.
/// The one trap: a blocking transport used by the async client blocks that runtime worker
/// thread for the duration of the call.
///
/// # Contract
///
/// An implementation must:
/// - honour [`HttpRequest::timeout`] for the whole exchange;
/// - follow no redirects (a 3xx is returned as a response);
/// - never retry by itself (the SDK decides; a payout must never be sent twice);
/// - return every status, 4xx and 5xx included, as an [`HttpResponse`], with all its headers
///   and the whole body;
/// - classify failures honestly: [`SendState::NotSent`](crate::SendState::NotSent) only when
///   the request certainly did not leave.
///
/// The trait is declared with [`async_trait`](macro@crate::async_trait), re-exported here so
/// that an implementation needs no other dependency:
///
/// ```
/// use freedompay_transport::{HttpRequest, HttpResponse, Transport, TransportError, async_trait};
///
/// struct Canned(&'static [u8]);
///
/// #[async_trait]
/// impl Transport for Canned {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         Ok(HttpResponse::new(200, self.0.to_vec()))
///     }
/// }
/// ```
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends the request and returns the response, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// An async closure as a transport; see [`transport_fn`].
#[derive(Clone)]
pub struct FnTransport<F> {
    f: F,
}

/// Makes a transport of an async closure: `|request| async move { ... }`.
///
/// ```
/// use freedompay_transport::{HttpRequest, HttpResponse, TransportError, transport_fn};
///
/// let transport = transport_fn(|request: HttpRequest| async move {
///     eprintln!("sending {} {}", request.method(), request.url());
///     Ok::<_, TransportError>(HttpResponse::new(200, Vec::new()))
/// });
/// # let _ = transport;
/// ```
pub fn transport_fn<F, Fut>(f: F) -> FnTransport<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<HttpResponse, TransportError>> + Send + 'static,
{
    FnTransport { f }
}

#[async_trait]
impl<F, Fut> Transport for FnTransport<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<HttpResponse, TransportError>> + Send + 'static,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.f)(request).await
    }
}

impl<F> core::fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FnTransport")
    }
}

/// A synchronous closure as a transport; see [`blocking_fn`]. Its future is ready on the
/// first poll.
#[derive(Clone)]
pub struct BlockingFn<F> {
    f: F,
}

/// Makes a transport of a synchronous closure: `|request| -> Result<HttpResponse, _>`.
///
/// The closure runs inside `send`, so the returned future completes on its first poll: the
/// natural shape for a blocking HTTP stack.
///
/// ```
/// use freedompay_transport::{HttpRequest, HttpResponse, TransportError, blocking_fn};
///
/// let transport = blocking_fn(|_request: HttpRequest| Ok::<_, TransportError>(HttpResponse::new(200, Vec::new())));
/// # let _ = transport;
/// ```
pub fn blocking_fn<F>(f: F) -> BlockingFn<F>
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync,
{
    BlockingFn { f }
}

#[async_trait]
impl<F> Transport for BlockingFn<F>
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.f)(request)
    }
}

impl<F> core::fmt::Debug for BlockingFn<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BlockingFn")
    }
}
