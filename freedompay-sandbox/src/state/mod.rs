//! Everything the sandbox remembers: payments, payouts, saved cards, recurring profiles,
//! idempotent replies, callbacks, and the merchant balance. One lock guards it all; it is
//! never held across an `await`, and every operation under it costs what it touches (indexes
//! by due instant and by order id, never a walk over history). Finished records past the
//! retention limit are forgotten, oldest first ([`State::retain`]).

mod callback;
mod card;
mod gateway;
pub(crate) mod issuing;
pub(crate) mod json;
mod payment;
mod payout;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use freedompay_sign::Fields;
use tokio::sync::Notify;

use crate::store::{TrackedMap, TrackedVec};

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

/// The merchant balance: an atomic, so that reading it (`api/balance_status`, the control
/// API) never waits for the state lock. Only code holding the state lock changes it, so a
/// check and the change that follows it stay one step.
#[derive(Debug, Clone)]
pub(crate) struct Balance(Arc<AtomicI64>);

impl Balance {
    fn new(minor: i64) -> Self {
        Self(Arc::new(AtomicI64::new(minor)))
    }

    /// The balance, minor units.
    pub(crate) fn get(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Adds `minor` (negative: takes it). Call with the state locked.
    pub(crate) fn add(&self, minor: i64) {
        self.0.fetch_add(minor, Ordering::SeqCst);
    }
}

/// The sandbox's memory.
#[derive(Debug)]
pub(crate) struct State {
    next_id: i64,
    /// The merchant balance in minor units, changed only under the state lock and read
    /// without it ([`Balance`]).
    pub(crate) balance: Balance,
    pub(crate) payments: TrackedMap<i64, Payment>,
    /// Boxed: a retention step or an insert moves a pointer in the map, not a whole record.
    pub(crate) payouts: TrackedMap<i64, Box<Payout>>,
    pub(crate) cards: TrackedVec<SavedCard>,
    pub(crate) card_sessions: TrackedMap<i64, CardSession>,
    pub(crate) profiles: TrackedMap<i64, RecurringProfile>,
    /// First replies by `(request path, pg_idempotency_key)`.
    idempotent: HashMap<(String, String), Fields>,
    /// The keys of `idempotent`, oldest first (for retention).
    idempotent_order: VecDeque<(String, String)>,
    /// Callbacks by id (1, 2, …).
    pub(crate) callbacks: TrackedMap<usize, CallbackRecord>,
    next_callback: usize,
    /// Time-based transitions by due instant (sandbox ms), so that the scheduler finds what is
    /// due without looking at every payment and payout.
    due: BTreeMap<i64, Vec<Due>>,
    /// Wakes the scheduler when something becomes due earlier than anything before.
    wake: Arc<Notify>,
    /// Payment ids by order id, oldest first.
    payment_orders: OrderIndex,
    /// Payout ids by order id, oldest first.
    payout_orders: OrderIndex,
    /// Where the retention pass goes on looking for finished records, by kind.
    retain_from: [i64; 3],
    /// The Gateway API's sessions, stored cards in progress and transfers.
    pub(crate) gateway: GatewayState,
}

/// The most records one retention pass looks at, per kind: the pass costs a bounded amount
/// per request whatever the history.
const RETAIN_STEPS: usize = 16;

impl State {
    /// A fresh state; `wake` is notified when due work comes earlier than any before.
    pub(crate) fn new(balance: i64, wake: Arc<Notify>) -> Self {
        Self {
            next_id: 1_000_001,
            balance: Balance::new(balance),
            payments: TrackedMap::default(),
            payouts: TrackedMap::default(),
            cards: TrackedVec::default(),
            card_sessions: TrackedMap::default(),
            profiles: TrackedMap::default(),
            idempotent: HashMap::new(),
            idempotent_order: VecDeque::new(),
            callbacks: TrackedMap::default(),
            next_callback: 1,
            due: BTreeMap::new(),
            wake,
            payment_orders: OrderIndex::default(),
            payout_orders: OrderIndex::default(),
            retain_from: [0; 3],
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

    /// The id sequences (the next record id, the next callback id), for the store.
    pub(crate) fn sequences(&self) -> (i64, usize) {
        (self.next_id, self.next_callback)
    }

    /// Restores the id sequences read from the store.
    pub(crate) fn restore_sequences(&mut self, next_id: i64, next_callback: usize) {
        self.next_id = self.next_id.max(next_id);
        self.next_callback = self.next_callback.max(next_callback);
    }

    /// The most recent payment with this order id.
    pub(crate) fn last_payment_with_order(&self, order_id: &str) -> Option<i64> {
        self.payment_orders
            .get(order_id)
            .iter()
            .filter_map(|id| self.payments.get(id))
            .filter(|p| p.order_id.as_deref() == Some(order_id))
            .max_by_key(|p| (p.created_at, p.id))
            .map(|p| p.id)
    }

    /// The most recent payout with this order id.
    pub(crate) fn last_payout_with_order(&self, order_id: &str) -> Option<i64> {
        self.payout_orders
            .get(order_id)
            .iter()
            .filter_map(|id| self.payouts.get(id))
            .filter(|p| p.order_id.as_deref() == Some(order_id))
            .max_by_key(|p| (p.created_at, p.id))
            .map(|p| p.id)
    }

    /// Records a new payment.
    pub(crate) fn insert_payment(&mut self, payment: Payment) {
        if let Some(order) = &payment.order_id {
            self.payment_orders.add(order, payment.id);
        }
        self.payments.insert(payment.id, payment);
    }

    /// Records a new payout.
    /// A payout already boxed (made so at once, rather than moved into its box here) is
    /// kept in its box.
    pub(crate) fn insert_payout(&mut self, payout: impl Into<Box<Payout>>) {
        let payout = payout.into();
        if let Some(order) = &payout.order_id {
            self.payout_orders.add(order, payout.id);
        }
        self.payouts.insert(payout.id, payout);
    }

    /// Forgets a payout (one that could not start, or past retention).
    pub(crate) fn remove_payout(&mut self, id: i64) -> Option<Payout> {
        let payout = self.payouts.remove(&id)?;
        if let Some(order) = &payout.order_id {
            self.payout_orders.remove(order, id);
        }
        Some(*payout)
    }

    /// Forgets a payment (past retention).
    fn remove_payment(&mut self, id: i64) -> Option<Payment> {
        let payment = self.payments.remove(&id)?;
        if let Some(order) = &payment.order_id {
            self.payment_orders.remove(order, id);
        }
        Some(payment)
    }

    /// The first reply stored for an idempotency key.
    pub(crate) fn idempotent_reply(&self, key: &(String, String)) -> Option<&Fields> {
        self.idempotent.get(key)
    }

    /// Stores the first reply for an idempotency key.
    pub(crate) fn remember_reply(&mut self, key: (String, String), reply: Fields) {
        if self.idempotent.insert(key.clone(), reply).is_none() {
            self.idempotent_order.push_back(key);
        }
    }

    /// Forgets the oldest finished records past `limit` of each kind (payments, payouts,
    /// callbacks, idempotent replies). A record still in progress (a payment waiting for its
    /// payer or an uncaptured hold, a payout in `process`, a callback not yet delivered or
    /// given up) is never forgotten. Each call looks at a bounded number of records, so it
    /// runs after every request at a constant cost, and the state stays within `limit` of
    /// each kind plus what is in progress.
    pub(crate) fn retain(&mut self, limit: usize) {
        let limit = limit.max(1);
        while self.idempotent.len() > limit {
            let Some(key) = self.idempotent_order.pop_front() else {
                break;
            };
            self.idempotent.remove(&key);
        }
        let mut steps = RETAIN_STEPS;
        while self.payments.len() > limit && steps > 0 {
            steps -= 1;
            let Some((&id, payment)) = next_from(&self.payments, &mut self.retain_from[0]) else {
                break;
            };
            if payment_finished(payment) {
                self.remove_payment(id);
            }
        }
        let mut steps = RETAIN_STEPS;
        while self.payouts.len() > limit && steps > 0 {
            steps -= 1;
            let Some((&id, payout)) = next_from(&self.payouts, &mut self.retain_from[1]) else {
                break;
            };
            if payout.is_final() {
                self.remove_payout(id);
            }
        }
        let mut steps = RETAIN_STEPS;
        while self.callbacks.len() > limit && steps > 0 {
            steps -= 1;
            let from = usize::try_from(self.retain_from[2]).unwrap_or(0);
            let found = self
                .callbacks
                .range(from..)
                .next()
                .or_else(|| self.callbacks.iter().next())
                .map(|(&id, c)| {
                    (
                        id,
                        matches!(c.state, Delivery::Delivered | Delivery::Failed),
                    )
                });
            let Some((id, finished)) = found else {
                break;
            };
            self.retain_from[2] = i64::try_from(id).map_or(i64::MAX, |id| id.saturating_add(1));
            if finished {
                self.callbacks.remove(&id);
            }
        }
    }

    /// The earliest instant something is due, if anything is.
    pub(crate) fn next_due(&self) -> Option<i64> {
        self.due.keys().next().copied()
    }

    /// Schedules `what` for sandbox instant `at`.
    pub(crate) fn schedule(&mut self, at: i64, what: Due) {
        if self.next_due().is_none_or(|first| at < first) {
            // The scheduler sleeps until the earliest instant it knew of: this one is earlier.
            self.wake.notify_one();
        }
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
        let id = self.next_callback;
        self.next_callback += 1;
        record.id = id;
        self.callbacks.insert(id, record);
        id
    }

    /// The callback with this id.
    pub(crate) fn callback_mut(&mut self, id: usize) -> Option<&mut CallbackRecord> {
        self.callbacks.get_mut(&id)
    }
}

/// The first record at or after `*from` (wrapping to the first of all), moving `*from` past it.
fn next_from<'a, T>(map: &'a BTreeMap<i64, T>, from: &mut i64) -> Option<(&'a i64, &'a T)> {
    // Nearly always the oldest record itself (those before it are gone): found down the
    // leftmost edges, without comparing keys on the way.
    let found = match map.first_key_value() {
        Some(first) if *first.0 >= *from => first,
        _ => map.range(*from..).next().or_else(|| map.iter().next())?,
    };
    *from = found.0.saturating_add(1);
    Some(found)
}

/// Whether a payment is over: not waiting for its payer, not an uncaptured hold.
fn payment_finished(payment: &Payment) -> bool {
    !matches!(payment.status, PaymentStatus::New | PaymentStatus::Pending)
        && payment.auto_clear_at.is_none()
}

/// The ids recorded under one order id, oldest first: nearly always one, kept without a
/// heap allocation of its own.
#[derive(Debug)]
enum OrderIds {
    One(i64),
    Many(Vec<i64>),
}

impl OrderIds {
    fn as_slice(&self) -> &[i64] {
        match self {
            OrderIds::One(id) => std::slice::from_ref(id),
            OrderIds::Many(ids) => ids,
        }
    }
}

/// Record ids by order id, oldest first, kept by the order id's hash (foldhash, seeded per
/// index) rather than by a copy of it: the records hold their order ids. Two order ids of the
/// same hash share an entry, so a lookup keeps only the records whose own order id is the one
/// asked for.
#[derive(Debug, Default)]
struct OrderIndex {
    /// Hashes the order ids.
    hasher: foldhash::fast::RandomState,
    /// The ids by the hash of their order id.
    ids: HashMap<u64, OrderIds, foldhash::fast::RandomState>,
}

impl OrderIndex {
    /// The key of an order id.
    fn key(&self, order: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(order)
    }

    /// The ids recorded under `order` (and any order id of the same hash), oldest first.
    fn get(&self, order: &str) -> &[i64] {
        self.ids
            .get(&self.key(order))
            .map_or(&[], OrderIds::as_slice)
    }

    /// Records `id` under `order`.
    fn add(&mut self, order: &str, id: i64) {
        // One lookup: an order id is nearly always new.
        match self.ids.entry(self.key(order)) {
            Entry::Occupied(mut entry) => {
                let ids = entry.get_mut();
                match ids {
                    OrderIds::One(first) => *ids = OrderIds::Many(vec![*first, id]),
                    OrderIds::Many(all) => all.push(id),
                }
            }
            Entry::Vacant(entry) => {
                entry.insert(OrderIds::One(id));
            }
        }
    }

    /// Forgets `id`, recorded under `order`; the entry goes when it holds no id.
    fn remove(&mut self, order: &str, id: i64) {
        let Entry::Occupied(mut entry) = self.ids.entry(self.key(order)) else {
            return;
        };
        let empty = match entry.get_mut() {
            OrderIds::One(only) => *only == id,
            OrderIds::Many(all) => {
                all.retain(|i| *i != id);
                all.is_empty()
            }
        };
        if empty {
            entry.remove();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_index_keeps_one_id_or_many_and_forgets_an_order_with_none() {
        let mut index = OrderIndex::default();
        index.add("o-1", 5);
        assert_eq!(index.get("o-1"), [5]);
        index.add("o-1", 9);
        index.add("o-1", 12);
        assert_eq!(index.get("o-1"), [5, 9, 12]);
        index.remove("o-1", 9);
        assert_eq!(index.get("o-1"), [5, 12]);
        // An id that is not there changes nothing.
        index.remove("o-1", 77);
        index.remove("o-2", 5);
        assert_eq!(index.get("o-1"), [5, 12]);
        index.remove("o-1", 5);
        index.remove("o-1", 12);
        assert!(index.get("o-1").is_empty());
        assert!(index.ids.is_empty());
        index.add("o-3", 1);
        index.remove("o-3", 2);
        assert_eq!(index.get("o-3"), [1]);
        index.remove("o-3", 1);
        assert!(index.ids.is_empty());
    }

    #[test]
    fn order_ids_of_the_same_hash_are_told_apart_by_the_records() {
        let payout = |id: i64, order: &str| Payout {
            id,
            kind: PayoutKind::P2p,
            order_id: Some(order.into()),
            amount: 100,
            currency: "KZT".into(),
            description: String::new(),
            post_link: None,
            back_link: None,
            order_time_limit: None,
            user_id: None,
            status: PayoutStatus::Created,
            created_at: id,
            paid_at: None,
            card: None,
            reference: String::new(),
            recipient: None,
            reserved: false,
        };
        let mut state = State::new(0, Arc::new(Notify::new()));
        state.insert_payout(payout(1, "a"));
        state.insert_payout(payout(2, "b"));
        // As if "b" had the hash of "a": its newer payout is then under the same key.
        state.payout_orders.remove("b", 2);
        let a = state.payout_orders.key("a");
        state
            .payout_orders
            .ids
            .insert(a, OrderIds::Many(vec![1, 2]));
        assert_eq!(state.payout_orders.get("a"), [1, 2]);
        assert_eq!(state.last_payout_with_order("a"), Some(1));
        assert_eq!(state.last_payout_with_order("b"), None);
        state.remove_payout(1);
        assert_eq!(state.payout_orders.get("a"), [2]);
        assert_eq!(state.last_payout_with_order("a"), None);
    }

    #[test]
    fn due_work_comes_out_by_instant_and_only_once() {
        let mut state = State::new(0, Arc::new(Notify::new()));
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
