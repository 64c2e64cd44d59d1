//! The shared behaviour table (`tests/table/mod.rs`) run with the blocking client over its
//! default transport, ureq.

#[macro_use]
mod table;

use freedompay_blocking::payout::{Balance, BalanceInfo, PayoutToCard, PayoutToCardResult};
use freedompay_blocking::{
    BlockingClient, Config, Error, HttpRequest, HttpResponse, TransportError, UreqTransport,
};

struct Blocking;

impl table::Flavour for Blocking {
    fn balance(config: Config) -> Result<BalanceInfo, Error> {
        BlockingClient::new(config).balance(Balance::new())
    }

    fn payout_to_card(config: Config, op: PayoutToCard) -> Result<PayoutToCardResult, Error> {
        BlockingClient::new(config).payout_to_card(op)
    }

    fn send(request: HttpRequest) -> Result<HttpResponse, TransportError> {
        UreqTransport::new().send_blocking(request)
    }
}

flavour_tests!(Blocking);
