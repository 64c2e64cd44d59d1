//! The shared behaviour table (`tests/table/mod.rs`, so that both flavours run the very same
//! cases) run with the async client over its default transport, reqwest, on a tokio runtime.

#[macro_use]
mod table;

use std::future::Future;

use freedompay_async::payout::{Balance, BalanceInfo, PayoutToCard, PayoutToCardResult};
use freedompay_async::{
    AsyncClient, Config, Error, HttpRequest, HttpResponse, ReqwestTransport, Transport,
    TransportError,
};

fn run<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

struct Async;

impl table::Flavour for Async {
    fn balance(config: Config) -> Result<BalanceInfo, Error> {
        run(async {
            let client = AsyncClient::new(config).expect("the reqwest transport");
            client.balance(Balance::new()).await
        })
    }

    fn payout_to_card(config: Config, op: PayoutToCard) -> Result<PayoutToCardResult, Error> {
        run(async {
            let client = AsyncClient::new(config).expect("the reqwest transport");
            client.payout_to_card(op).await
        })
    }

    fn send(request: HttpRequest) -> Result<HttpResponse, TransportError> {
        run(async {
            let transport = ReqwestTransport::new().expect("the reqwest transport");
            transport.send(request).await
        })
    }
}

flavour_tests!(Async);
