//! What every handler shares: the configuration, the clock, the state, the faults, the HTTP
//! client for callbacks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use freedompay_sign::{OsSaltSource, SaltSource};
use tokio::sync::Notify;

use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::state::State;
use crate::time::Clock;

/// The sequence number of a signed reply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplyNumber {
    /// 1 for the first signed reply.
    pub(crate) n: u64,
    /// Whether this reply carries the unknown element.
    pub(crate) with_unknown_element: bool,
}

/// The shared core of a running sandbox.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: SandboxConfig,
    pub(crate) clock: Clock,
    state: Mutex<State>,
    faults: Mutex<Faults>,
    pub(crate) http: reqwest::Client,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) base_url: String,
    replies: AtomicU64,
    /// Wakes the scheduler (after an advance of the clock, or new due work).
    pub(crate) wake: Notify,
}

impl App {
    pub(crate) fn new(config: SandboxConfig, base_url: String) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.callback_timeout)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            clock: Clock::new(config.clock, config.utc_offset_secs),
            state: Mutex::new(State::new(config.starting_balance)),
            faults: Mutex::new(Faults::default()),
            config,
            http,
            base_url,
            replies: AtomicU64::new(0),
            wake: Notify::new(),
        }
    }

    /// The state, locked. A panic elsewhere never makes the state unusable.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The faults, locked.
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh `pg_salt`.
    pub(crate) fn salt(&self) -> String {
        match OsSaltSource::default().next_salt() {
            Ok(salt) => salt.into_string(),
            // The OS refused randomness: a counter-based salt still signs correctly.
            Err(_) => format!("s{}", self.replies.load(Ordering::Relaxed)),
        }
    }

    /// The number of this signed reply, and whether it carries the unknown element.
    pub(crate) fn next_reply(&self) -> ReplyNumber {
        let n = self.replies.fetch_add(1, Ordering::SeqCst) + 1;
        let every = self.config.unknown_element_every;
        ReplyNumber {
            n,
            with_unknown_element: every != 0 && n.is_multiple_of(every),
        }
    }

    /// An absolute URL on this sandbox.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A random lowercase hex string of `len` characters (tokens, references).
    pub(crate) fn random_hex(&self, len: usize) -> String {
        let mut bytes = vec![0u8; len.div_ceil(2)];
        if getrandom::fill(&mut bytes).is_err() {
            let seed = self.replies.fetch_add(1, Ordering::SeqCst);
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (seed.wrapping_mul(31).wrapping_add(i as u64) & 0xff) as u8;
            }
        }
        let mut out: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        out.truncate(len);
        out
    }

    /// A card token in the gateway's UUID shape.
    pub(crate) fn uuid(&self) -> String {
        let h = self.random_hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// Random decimal digits (references, authorisation codes).
    pub(crate) fn digits(&self, len: usize) -> String {
        self.random_hex(len * 2)
            .as_bytes()
            .chunks(2)
            .map(|pair| {
                let v =
                    u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("0"), 16).unwrap_or(0);
                char::from(b'0' + v % 10)
            })
            .collect()
    }
}
