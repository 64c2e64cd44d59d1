//! The Pay family of the Gateway API: a card payment with card data, its 3-D Secure step,
//! cancel, clearing, refund, status (docs/protocol.md §11.1).

mod after;
mod complete;
mod payment;
mod status;

pub use after::{
    CancelCardPayment, CancelCardPaymentResult, ClearCardPayment, ClearCardPaymentResult,
    RefundCardPayment, RefundCardPaymentResult,
};
pub use complete::{CardPaymentCompleted, CompleteCardPayment};
pub use payment::{CardPayment, CardPaymentResult};
pub use status::{CardPaymentInfo, CardPaymentStatus};
