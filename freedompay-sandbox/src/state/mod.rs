//! Everything the sandbox remembers: payments, payouts, saved cards, recurring profiles,
//! idempotent replies, callbacks, and the merchant balance. One lock guards it all; it is
//! never held across an `await`.

mod callback;
mod card;
mod gateway;
mod payment;
mod payout;

use std::collections::{BTreeMap, HashMap};

use freedompay_sign::Fields;

pub(crate) use callback::{Attempt, CallbackKind, CallbackRecord, Delivery, Method};
pub(crate) use card::{CardData, CardSession, RecurringProfile, SavedCard};
pub(crate) use gateway::{AcsSession, AcsSubject, CardAdd, GatewayState, Transfer, TransferStatus};
pub(crate) use payment::{MobilePayer, Payment, PaymentKind, PaymentStatus, Refund, Urls};
pub(crate) use payout::{Payout, PayoutKind, PayoutStatus};

/// A time-based transition, found through [`State::due`] when its instant comes. Whoever sets
/// one of these instants schedules it ([`State::schedule`]); the scheduler checks the item
/// again when it is due, so an entry made stale by a later change (a hold captured by hand, a
/// payout completed early) is simply skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// A payment's lifetime ends (`expires_at`): still waiting for the payer, it becomes
    /// `incomplete`.
    PaymentExpiry(i64),
    /// An uncaptured hold clears by itself (`auto_clear_at`).
    HoldClear(i64),
    /// A payout in `process` finishes (its `due`).
    PayoutFinish(i64),
    /// A callback's next attempt (`next_at`), by callback id.
    CallbackRetry(usize),
}

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
    /// Time-based transitions by due instant (sandbox ms), so that the scheduler finds what is
    /// due without looking at every payment and payout.
    due: BTreeMap<i64, Vec<Due>>,
    /// The Gateway API's sessions, stored cards in progress and transfers.
    pub(crate) gateway: GatewayState,
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
            due: BTreeMap::new(),
            gateway: GatewayState::default(),
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

    /// Schedules `what` for sandbox instant `at`.
    pub(crate) fn schedule(&mut self, at: i64, what: Due) {
        self.due.entry(at).or_default().push(what);
    }

    /// Removes and returns what is due at `now` or before, earliest first.
    pub(crate) fn take_due(&mut self, now: i64) -> Vec<Due> {
        let later = match now.checked_add(1) {
            Some(after) => self.due.split_off(&after),
            None => BTreeMap::new(),
        };
        std::mem::replace(&mut self.due, later)
            .into_values()
            .flatten()
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_work_comes_out_by_instant_and_only_once() {
        let mut state = State::new(0);
        state.schedule(300, Due::PayoutFinish(3));
        state.schedule(100, Due::PaymentExpiry(1));
        state.schedule(200, Due::HoldClear(2));
        state.schedule(100, Due::PayoutFinish(4));
        assert_eq!(state.take_due(99), []);
        assert_eq!(
            state.take_due(200),
            [
                Due::PaymentExpiry(1),
                Due::PayoutFinish(4),
                Due::HoldClear(2)
            ]
        );
        assert_eq!(state.take_due(250), []);
        assert_eq!(state.take_due(i64::MAX), [Due::PayoutFinish(3)]);
        assert_eq!(state.take_due(i64::MAX), []);
    }
}
