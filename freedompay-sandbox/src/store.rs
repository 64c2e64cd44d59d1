//! `--data FILE`: the sandbox's state kept in an embedded SQLite database, so that a sandbox
//! run as a shared development service keeps its payments, payouts, saved cards, callbacks,
//! balance and clock across a restart.
//!
//! The in-memory state stays what every request reads and changes; the store is written
//! through beside it. The state's record collections remember which records changed
//! ([`TrackedMap`], [`TrackedVec`]: the only ways to change them), and when the state lock is
//! released ([`StateGuard`]) every changed record is written as one JSON row of its kind's
//! table (or deleted, when retention forgot it), with the balance, the id sequences and the
//! clock, in one transaction, before any other request can see the change. At start every
//! row is read back, the due work (payment lifetimes, holds, payouts in `process`, callback
//! retries) is scheduled again from the records, and a callback that was on its way when the
//! sandbox stopped is sent again at once.
//!
//! Not kept: the first replies of idempotency keys, and the faults.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use freedompay_sign::{Fields, Value};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;

use crate::config::SecretChoice;
use crate::state::{Delivery, Due, PaymentStatus, PayoutStatus, State};
use crate::time::Clock;

/// The layout of the rows; a file written by another layout is refused, not misread.
const SCHEMA: i64 = 1;

/// The tables of records, each `(id INTEGER PRIMARY KEY, json TEXT)`.
const PAYMENTS: &str = "payments";
const PAYOUTS: &str = "payouts";
const CALLBACKS: &str = "callbacks";
const CARDS: &str = "cards";
const CARD_SESSIONS: &str = "card_sessions";
const PROFILES: &str = "recurring_profiles";
const TABLES: [&str; 6] = [PAYMENTS, PAYOUTS, CALLBACKS, CARDS, CARD_SESSIONS, PROFILES];

/// A map of records that remembers, once tracking is on, which keys were changed, added or
/// removed. It reads as the `BTreeMap` it holds; it is changed only through its own methods.
#[derive(Debug)]
pub(crate) struct TrackedMap<K, V> {
    map: BTreeMap<K, V>,
    /// `None` while nothing is stored (no `--data`): nothing is remembered.
    changed: Option<BTreeSet<K>>,
}

impl<K: Ord + Clone, V> Default for TrackedMap<K, V> {
    fn default() -> Self {
        Self {
            map: BTreeMap::new(),
            changed: None,
        }
    }
}

impl<K: Ord + Clone, V> Deref for TrackedMap<K, V> {
    type Target = BTreeMap<K, V>;

    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<K: Ord + Clone, V> TrackedMap<K, V> {
    fn mark(&mut self, key: &K) {
        if let Some(changed) = &mut self.changed {
            changed.insert(key.clone());
        }
    }

    /// The record, to change it.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let value = self.map.get_mut(key)?;
        if let Some(changed) = &mut self.changed {
            changed.insert(key.clone());
        }
        Some(value)
    }

    /// Adds or replaces a record.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.mark(&key);
        self.map.insert(key, value)
    }

    /// Removes a record.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let removed = self.map.remove(key);
        if removed.is_some() {
            self.mark(key);
        }
        removed
    }

    fn track(&mut self) {
        self.changed.get_or_insert_with(BTreeSet::new);
    }

    fn take_changed(&mut self) -> BTreeSet<K> {
        self.changed
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

/// A list of records that remembers, once tracking is on, which positions changed.
#[derive(Debug)]
pub(crate) struct TrackedVec<T> {
    items: Vec<T>,
    changed: Option<BTreeSet<usize>>,
}

impl<T> Default for TrackedVec<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            changed: None,
        }
    }
}

impl<T> Deref for TrackedVec<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> TrackedVec<T> {
    /// Appends a record.
    pub(crate) fn push(&mut self, item: T) {
        if let Some(changed) = &mut self.changed {
            changed.insert(self.items.len());
        }
        self.items.push(item);
    }

    /// Every record, to change some (all count as changed: the lists are short).
    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        if let Some(changed) = &mut self.changed {
            changed.extend(0..self.items.len());
        }
        self.items.iter_mut()
    }

    fn track(&mut self) {
        self.changed.get_or_insert_with(BTreeSet::new);
    }

    fn take_changed(&mut self) -> BTreeSet<usize> {
        self.changed
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

/// The state, locked; when the lock is released, what changed under it is written to the
/// store (if there is one) before anyone else can lock the state.
pub(crate) struct StateGuard<'a> {
    pub(crate) state: MutexGuard<'a, State>,
    pub(crate) store: Option<&'a Mutex<Store>>,
    pub(crate) clock: &'a Clock,
}

impl Deref for StateGuard<'_> {
    type Target = State;

    fn deref(&self) -> &State {
        &self.state
    }
}

impl DerefMut for StateGuard<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

impl Drop for StateGuard<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store {
            let mut store = store
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            store.flush(&mut self.state, self.clock.offset_ms());
        }
    }
}

/// The values beside the records: the balance, the id sequences, the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Meta {
    balance: i64,
    next_id: i64,
    next_callback: usize,
    clock_offset_ms: i64,
}

/// The open database.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
    /// The values last written (`None`: none yet).
    written: Option<Meta>,
    /// Whether a failed write was reported already (reported once, not per request).
    reported: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn io_error(path: &Path, what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("the data file {}: {what}: {e}", path.display()))
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub(crate) fn open(path: &Path) -> std::io::Result<Store> {
        let conn = Connection::open(path).map_err(|e| io_error(path, "cannot open it", e))?;
        let setup = || -> rusqlite::Result<Option<String>> {
            // One sandbox per file: the lock is taken by the first write below and held
            // while the sandbox runs (another one waits for it a while, then is refused).
            conn.busy_timeout(std::time::Duration::from_secs(3))?;
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
            // WAL: a commit is a sequential append.
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?;
            for table in TABLES {
                conn.execute_batch(&format!(
                    "CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, json TEXT NOT NULL);"
                ))?;
            }
            let schema: Option<String> = conn
                .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            // Written even when it is there: this takes the file's lock now.
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = value",
                params![SCHEMA.to_string()],
            )?;
            Ok(schema)
        };
        let schema = setup().map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                io_error(path, "refused", "another sandbox is using it")
            }
            _ => io_error(path, "cannot set it up", e),
        })?;
        if let Some(schema) = schema.filter(|s| *s != SCHEMA.to_string()) {
            return Err(io_error(
                path,
                "refused",
                format!(
                    "it was written by another version of the sandbox (layout {schema:?}, this one reads {SCHEMA})"
                ),
            ));
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            written: None,
            reported: false,
        })
    }

    /// Reads every record into `state` (fresh from `State::new`), sets the clock, schedules
    /// the due work again, and turns on the tracking of changes.
    pub(crate) fn load(&mut self, state: &mut State, clock: &Clock) -> std::io::Result<()> {
        let path = self.path.clone();
        let bad = |what: &str, e: &dyn std::fmt::Display| io_error(&path, what, e);
        let meta: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'state'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| bad("cannot read it", &e))?;
        let meta: Option<Meta> = meta
            .map(|m| serde_json::from_str(&m))
            .transpose()
            .map_err(|e| bad("its state row cannot be read", &e))?;
        if let Some(meta) = meta {
            state.balance.add(meta.balance - state.balance.get());
            state.restore_sequences(meta.next_id, meta.next_callback);
            clock.set_offset_ms(meta.clock_offset_ms);
        }
        self.written = meta;
        for (id, payment) in self.rows::<crate::state::Payment>(PAYMENTS)? {
            if id == payment.id {
                state.insert_payment(payment);
            }
        }
        for (id, payout) in self.rows::<crate::state::Payout>(PAYOUTS)? {
            if id == payout.id {
                state.insert_payout(payout);
            }
        }
        for (id, record) in self.rows::<crate::state::CallbackRecord>(CALLBACKS)? {
            if let Ok(id) = usize::try_from(id) {
                state.callbacks.insert(id, record);
            }
        }
        for (_, card) in self.rows::<crate::state::SavedCard>(CARDS)? {
            state.cards.push(card);
        }
        for (id, session) in self.rows::<crate::state::CardSession>(CARD_SESSIONS)? {
            state.card_sessions.insert(id, session);
        }
        for (id, profile) in self.rows::<crate::state::RecurringProfile>(PROFILES)? {
            state.profiles.insert(id, profile);
        }
        reschedule(state, clock.now_ms());
        state.payments.track();
        state.payouts.track();
        state.callbacks.track();
        state.cards.track();
        state.card_sessions.track();
        state.profiles.track();
        // What rescheduling changed (callbacks on their way, now due again) is written now.
        self.flush(state, clock.offset_ms());
        Ok(())
    }

    fn rows<T: DeserializeOwned>(&self, table: &str) -> std::io::Result<Vec<(i64, T)>> {
        let read = || -> rusqlite::Result<Vec<(i64, String)>> {
            let mut statement = self
                .conn
                .prepare(&format!("SELECT id, json FROM {table} ORDER BY id"))?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        let rows = read().map_err(|e| io_error(&self.path, "cannot read it", e))?;
        rows.into_iter()
            .map(|(id, json)| {
                serde_json::from_str(&json)
                    .map(|value| (id, value))
                    .map_err(|e| {
                        io_error(
                            &self.path,
                            &format!("row {id} of {table} cannot be read"),
                            e,
                        )
                    })
            })
            .collect()
    }

    /// Writes what changed in `state` since the last flush, in one transaction. A failed
    /// write is reported on standard error (once) and does not stop the sandbox.
    pub(crate) fn flush(&mut self, state: &mut State, clock_offset_ms: i64) {
        let (next_id, next_callback) = state.sequences();
        let meta = Meta {
            balance: state.balance.get(),
            next_id,
            next_callback,
            clock_offset_ms,
        };
        let payments = state.payments.take_changed();
        let payouts = state.payouts.take_changed();
        let callbacks = state.callbacks.take_changed();
        let cards = state.cards.take_changed();
        let sessions = state.card_sessions.take_changed();
        let profiles = state.profiles.take_changed();
        let meta_changed = self.written != Some(meta);
        if !meta_changed
            && payments.is_empty()
            && payouts.is_empty()
            && callbacks.is_empty()
            && cards.is_empty()
            && sessions.is_empty()
            && profiles.is_empty()
        {
            return;
        }
        let result = (|| -> Result<(), String> {
            let tx = self.conn.transaction().map_err(|e| e.to_string())?;
            write_rows(
                &tx,
                PAYMENTS,
                payments,
                |id| state.payments.get(id),
                |id| *id,
            )?;
            write_rows(&tx, PAYOUTS, payouts, |id| state.payouts.get(id), |id| *id)?;
            write_rows(
                &tx,
                CALLBACKS,
                callbacks,
                |id| state.callbacks.get(id),
                |id| i64::try_from(*id).unwrap_or(i64::MAX),
            )?;
            write_rows(
                &tx,
                CARDS,
                cards,
                |i| state.cards.get(*i),
                |i| i64::try_from(*i).unwrap_or(i64::MAX),
            )?;
            write_rows(
                &tx,
                CARD_SESSIONS,
                sessions,
                |id| state.card_sessions.get(id),
                |id| *id,
            )?;
            write_rows(
                &tx,
                PROFILES,
                profiles,
                |id| state.profiles.get(id),
                |id| *id,
            )?;
            if meta_changed {
                let json = serde_json::to_string(&meta).map_err(|e| e.to_string())?;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('state', ?1) \
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![json],
                )
                .map_err(|e| e.to_string())?;
            }
            tx.commit().map_err(|e| e.to_string())
        })();
        match result {
            Ok(()) => {
                self.written = Some(meta);
                self.reported = false;
            }
            Err(e) if !self.reported => {
                self.reported = true;
                eprintln!(
                    "freedompay-sandbox: cannot write the data file {}: {e} (the state in memory goes on)",
                    self.path.display()
                );
            }
            Err(_) => {}
        }
    }
}

/// Upserts (or deletes, when gone) the rows of `keys`.
fn write_rows<'s, K, V: Serialize + 's>(
    tx: &Transaction<'_>,
    table: &str,
    keys: BTreeSet<K>,
    get: impl Fn(&K) -> Option<&'s V>,
    row: impl Fn(&K) -> i64,
) -> Result<(), String> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut upsert = tx
        .prepare_cached(&format!(
            "INSERT INTO {table} (id, json) VALUES (?1, ?2) \
             ON CONFLICT(id) DO UPDATE SET json = excluded.json"
        ))
        .map_err(|e| e.to_string())?;
    let mut delete = tx
        .prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))
        .map_err(|e| e.to_string())?;
    for key in &keys {
        match get(key) {
            Some(value) => {
                let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
                upsert
                    .execute(params![row(key), json])
                    .map_err(|e| e.to_string())?;
            }
            None => {
                delete
                    .execute(params![row(key)])
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// Schedules again what the records say is due: the lifetimes of payments waiting for their
/// payer, uncaptured holds, payouts in `process`, and callbacks waiting for an attempt. A
/// callback that was on its way when the sandbox stopped is due now.
fn reschedule(state: &mut State, now: i64) {
    let mut due = Vec::new();
    for payment in state.payments.values() {
        if matches!(payment.status, PaymentStatus::New | PaymentStatus::Pending) {
            due.push((payment.expires_at, Due::PaymentExpiry(payment.id)));
        }
        if let Some(at) = payment.auto_clear_at {
            due.push((at, Due::HoldClear(payment.id)));
        }
    }
    for payout in state.payouts.values() {
        if let PayoutStatus::Process { due: at, .. } = payout.status {
            due.push((at, Due::PayoutFinish(payout.id)));
        }
    }
    let interrupted: Vec<usize> = state
        .callbacks
        .values()
        .filter(|c| c.state == Delivery::InFlight)
        .map(|c| c.id)
        .collect();
    for id in interrupted {
        if let Some(record) = state.callbacks.get_mut(&id) {
            record.state = Delivery::Pending;
            record.next_at = Some(now);
        }
    }
    for record in state.callbacks.values() {
        if record.state == Delivery::Pending
            && let Some(at) = record.next_at
        {
            due.push((at, Due::CallbackRetry(record.id)));
        }
    }
    for (at, what) in due {
        state.schedule(at, what);
    }
}

/// [`SecretChoice`] as a row writes it.
#[derive(Serialize, Deserialize)]
#[serde(remote = "SecretChoice")]
pub(crate) enum SecretChoiceRow {
    Payment,
    Payout,
}

/// A message tree ([`Fields`]) as a row writes it: `[[name, value], …]`, a value being a
/// text, `{"map": […]}` or `{"list": [value, …]}`.
pub(crate) mod fields_row {
    use super::*;

    fn value_json(value: &Value) -> Json {
        match value {
            Value::Text(text) => Json::String(text.clone()),
            Value::Map(map) => serde_json::json!({ "map": fields_json(map) }),
            Value::List(items) => {
                serde_json::json!({ "list": items.iter().map(value_json).collect::<Vec<_>>() })
            }
        }
    }

    fn fields_json(fields: &Fields) -> Json {
        Json::Array(
            fields
                .iter()
                .map(|f| {
                    Json::Array(vec![
                        Json::String(f.name().to_owned()),
                        value_json(f.value()),
                    ])
                })
                .collect(),
        )
    }

    fn json_value(json: &Json) -> Option<Value> {
        match json {
            Json::String(text) => Some(Value::Text(text.clone())),
            Json::Object(object) => {
                if let Some(map) = object.get("map") {
                    json_fields(map).map(Value::Map)
                } else {
                    let items = object.get("list")?.as_array()?;
                    items
                        .iter()
                        .map(json_value)
                        .collect::<Option<Vec<_>>>()
                        .map(Value::List)
                }
            }
            _ => None,
        }
    }

    fn json_fields(json: &Json) -> Option<Fields> {
        let mut fields = Fields::new();
        for pair in json.as_array()? {
            match pair.as_array()?.as_slice() {
                [Json::String(name), value] => {
                    fields.push_value(name.as_str(), json_value(value)?);
                }
                _ => return None,
            }
        }
        Some(fields)
    }

    pub(crate) fn serialize<S: Serializer>(fields: &Fields, s: S) -> Result<S::Ok, S::Error> {
        fields_json(fields).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        let json = Json::deserialize(d)?;
        json_fields(&json).ok_or_else(|| D::Error::custom("not a message tree"))
    }
}

/// A card brand code (`VI`, `MC`…), one of the sandbox's own. A type name rather than
/// `&'static str` in the record, so that serde's derive does not take the field for text
/// borrowed from the input.
pub(crate) type BrandCode = &'static str;

/// [`BrandCode`] as a row writes it.
pub(crate) mod brand_row {
    use super::*;

    const BRANDS: [&str; 5] = ["VI", "MC", "AX", "UP", "CARD"];

    pub(crate) fn serialize<S: Serializer>(brand: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(brand)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let text = String::deserialize(d)?;
        Ok(BRANDS.into_iter().find(|b| *b == text).unwrap_or("CARD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_tree_round_trips() {
        let mut inner = Fields::new();
        inner
            .push_static("count", "2")
            .push_static("name", "Mouse pad");
        let mut fields = Fields::new();
        fields
            .push_static("pg_amount", "1500")
            .push_list("pg_receipt_positions", [inner.clone()])
            .push_map("extra", inner);
        #[derive(Serialize, Deserialize)]
        struct Row {
            #[serde(with = "fields_row")]
            fields: Fields,
        }
        let json = serde_json::to_string(&Row {
            fields: fields.clone(),
        })
        .unwrap();
        let back: Row = serde_json::from_str(&json).unwrap();
        assert_eq!(back.fields, fields);
        assert!(serde_json::from_str::<Row>(r#"{"fields": [["a", 1]]}"#).is_err());
    }

    #[test]
    fn a_callback_on_its_way_when_the_sandbox_stopped_is_due_at_once_after_it() {
        use crate::state::{CallbackKind, CallbackRecord, Method};
        let mut state = State::new(0, std::sync::Arc::new(tokio::sync::Notify::new()));
        let record = |delivery: Delivery, next_at: Option<i64>| CallbackRecord {
            id: 0,
            kind: CallbackKind::Result,
            subject_id: 1,
            url: "http://127.0.0.1:9/result".into(),
            method: Method::Post,
            secret: SecretChoice::Payment,
            fields: Fields::new(),
            salt: "s".into(),
            retries: 3,
            can_reject: false,
            state: delivery,
            next_at,
            attempts: Vec::new(),
        };
        let in_flight = state.add_callback(record(Delivery::InFlight, None));
        let waiting = state.add_callback(record(Delivery::Pending, Some(5_000)));
        let done = state.add_callback(record(Delivery::Delivered, None));
        reschedule(&mut state, 1_000);
        let restarted = &state.callbacks[&in_flight];
        assert_eq!(restarted.state, Delivery::Pending);
        assert_eq!(restarted.next_at, Some(1_000));
        assert_eq!(state.take_due(1_000), [Due::CallbackRetry(in_flight)]);
        assert_eq!(state.take_due(5_000), [Due::CallbackRetry(waiting)]);
        assert_eq!(state.callbacks[&done].state, Delivery::Delivered);
        assert!(state.take_due(i64::MAX).is_empty());
    }

    #[test]
    fn tracking_remembers_changes_only_once_on() {
        let mut map: TrackedMap<i64, &str> = TrackedMap::default();
        map.insert(1, "a");
        assert!(map.take_changed().is_empty(), "not tracking yet");
        map.track();
        map.insert(2, "b");
        if let Some(v) = map.get_mut(&1) {
            *v = "c";
        }
        let _ = map.get_mut(&9);
        map.remove(&2);
        assert_eq!(map.take_changed().into_iter().collect::<Vec<_>>(), [1, 2]);
        assert!(map.take_changed().is_empty());
        assert_eq!(map.get(&1), Some(&"c"));

        let mut list: TrackedVec<i32> = TrackedVec::default();
        list.track();
        list.push(1);
        list.push(2);
        assert_eq!(list.take_changed().len(), 2);
        for x in list.iter_mut() {
            *x += 1;
        }
        assert_eq!(list.take_changed().len(), 2);
        assert_eq!(list.as_slice(), [2, 3]);
    }
}
