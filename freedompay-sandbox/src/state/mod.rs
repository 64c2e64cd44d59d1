//! Everything the sandbox remembers: payments, payouts, saved cards, recurring profiles,
//! idempotent replies, callbacks, and the merchant balance. One lock guards it all; it is
//! never held across an `await`.

mod callback;
mod card;
mod payment;
mod payout;

use std::collections::{BTreeMap, HashMap};

use freedompay_sign::Fields;

pub(crate) use callback::{Attempt, CallbackKind, CallbackRecord, Delivery, Method};
pub(crate) use card::{CardData, CardSession, RecurringProfile, SavedCard};
pub(crate) use payment::{MobilePayer, Payment, PaymentKind, PaymentStatus, Refund, Urls};
pub(crate) use payout::{Payout, PayoutKind, PayoutStatus};

/// The sandbox's memory.
#[derive(Debug)]
pub(crate) struct State {
    next_id: i64,
    /// The merchant balance in minor units.
    pub(crate) balance: i64,
    pub(crate) payments: BTreeMap<i64, Payment>,
    pub(crate) payouts: BTreeMap<i64, Payout>,
    pub(crate) cards: Vec<SavedCard>,
    pub(crate) card_sessions: BTreeMap<i64, CardSession>,
    pub(crate) profiles: BTreeMap<i64, RecurringProfile>,
    /// First replies by `(request path, pg_idempotency_key)`.
    pub(crate) idempotent: HashMap<(String, String), Fields>,
    pub(crate) callbacks: Vec<CallbackRecord>,
}

impl State {
    pub(crate) fn new(balance: i64) -> Self {
        Self {
            next_id: 1_000_001,
            balance,
            payments: BTreeMap::new(),
            payouts: BTreeMap::new(),
            cards: Vec::new(),
            card_sessions: BTreeMap::new(),
            profiles: BTreeMap::new(),
            idempotent: HashMap::new(),
            callbacks: Vec::new(),
        }
    }

    /// A fresh id: payments, payouts, refunds, cards and profiles share one sequence, so an
    /// id never means two things.
    pub(crate) fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The most recent payment with this order id.
    pub(crate) fn last_payment_with_order(&self, order_id: &str) -> Option<i64> {
        self.payments
            .values()
            .filter(|p| p.order_id.as_deref() == Some(order_id))
            .max_by_key(|p| (p.created_at, p.id))
            .map(|p| p.id)
    }

    /// The most recent payout with this order id.
    pub(crate) fn last_payout_with_order(&self, order_id: &str) -> Option<i64> {
        self.payouts
            .values()
            .filter(|p| p.order_id.as_deref() == Some(order_id))
            .max_by_key(|p| (p.created_at, p.id))
            .map(|p| p.id)
    }

    /// A new callback record; its id.
    pub(crate) fn add_callback(&mut self, mut record: CallbackRecord) -> usize {
        record.id = self.callbacks.len() + 1;
        self.callbacks.push(record);
        self.callbacks.len()
    }

    /// The callback with this id.
    pub(crate) fn callback_mut(&mut self, id: usize) -> Option<&mut CallbackRecord> {
        id.checked_sub(1).and_then(|i| self.callbacks.get_mut(i))
    }
}
