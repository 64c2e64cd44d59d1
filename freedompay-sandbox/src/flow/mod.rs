//! The flows: what happens to a payment, a payout or a card-add page over its life, whoever
//! drives it (an API endpoint, a page the payer or recipient submits, the control API, the
//! scheduler). They change the state and register callbacks; they know nothing of HTTP routes
//! or HTML, so endpoints, pages and the control API all depend on them and never on each
//! other.

pub(crate) mod card;
pub(crate) mod gateway;
pub(crate) mod payment;
pub(crate) mod payout;
