//! What every handler shares: the configuration, the clock, the state, the faults, the HTTP
//! client for callbacks.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::config::SandboxConfig;
use crate::faults::{Fault, Faults};
use crate::money::ascii_string;
use crate::state::{Balance, State};
use crate::store::{StateGuard, Store};
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
    /// The merchant balance, readable without the state lock.
    pub(crate) balance: Balance,
    faults: Mutex<Faults>,
    /// Whether any fault may be set: without one, a request does not touch the faults' lock.
    any_fault: AtomicBool,
    pub(crate) http: reqwest::Client,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) base_url: String,
    replies: AtomicU64,
    /// Wakes the scheduler (after an advance of the clock, or new due work earlier than
    /// any before), shared with the state.
    pub(crate) wake: Arc<Notify>,
    random: Random,
    /// The Gateway Async API's requests by `X-Request-Id` (docs/protocol.md §12.3).
    pub(crate) async_requests: crate::state::json::AsyncRequests,
    /// The Partner API's requests by `X-Request-Id` (docs/protocol.md §12.5).
    pub(crate) partner_requests: crate::state::json::AsyncRequests,
    /// What the Card and Partner APIs act on (docs/protocol.md §12.4, §12.5).
    pub(crate) issuing: crate::state::issuing::Issuing,
    /// `--data`: where the state is written through, if anywhere.
    pub(crate) store: Option<Mutex<Store>>,
    /// The request log's waiting lines (used when `log_requests` is on).
    pub(crate) log: crate::request_log::RequestLog,
}

impl App {
    pub(crate) fn new(config: SandboxConfig, base_url: String) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.callback_timeout)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let wake = Arc::new(Notify::new());
        let clock = Clock::new(config.clock, config.utc_offset_secs);
        let issuing = crate::state::issuing::Issuing::new(clock.now_ms());
        let state = State::new(config.starting_balance, Arc::clone(&wake));
        Self {
            balance: state.balance.clone(),
            clock,
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
            any_fault: AtomicBool::new(false),
            config,
            http,
            base_url,
            replies: AtomicU64::new(0),
            wake,
            random: Random::from_os(),
            async_requests: Default::default(),
            partner_requests: Default::default(),
            issuing,
            store: None,
            log: Default::default(),
        }
    }

    /// The state, locked. A panic elsewhere never makes the state unusable. With `--data`,
    /// what changed under the lock is written to the store as the lock is released.
    pub(crate) fn state(&self) -> StateGuard<'_> {
        StateGuard {
            state: self
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            store: self.store.as_ref(),
            clock: &self.clock,
        }
    }

    /// Opens the store of `--data`, reads the state kept there and writes through to it
    /// from now on.
    pub(crate) fn open_store(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        let mut store = Store::open(path)?;
        {
            let mut state = self
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            store.load(&mut state, &self.clock)?;
        }
        self.store = Some(Mutex::new(store));
        Ok(())
    }

    /// The faults, locked (to list them; [`App::set_fault`], [`App::clear_faults`] and
    /// [`App::take_fault`] change them).
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets a fault for a path, or for every endpoint.
    pub(crate) fn set_fault(&self, path: Option<String>, fault: Fault) {
        let mut faults = self.faults();
        faults.set(path, fault);
        self.any_fault.store(true, Ordering::SeqCst);
    }

    /// Removes every fault.
    pub(crate) fn clear_faults(&self) {
        let mut faults = self.faults();
        faults.clear();
        self.any_fault.store(false, Ordering::SeqCst);
    }

    /// The fault for one request to `path`, counted down; `None` at once when none is set.
    pub(crate) fn take_fault(&self, path: &str) -> Option<Fault> {
        if !self.any_fault.load(Ordering::SeqCst) {
            return None;
        }
        let mut faults = self.faults();
        let fault = faults.take(path);
        self.any_fault.store(!faults.is_empty(), Ordering::SeqCst);
        fault
    }

    /// A fresh `pg_salt`: 16 characters of `[0-9A-Za-z]` from the sandbox's generator.
    pub(crate) fn salt(&self) -> String {
        ascii_string(&self.salt_bytes())
    }

    /// The characters of a fresh `pg_salt` ([`App::salt`]), all ASCII: a reply written
    /// without a tree takes them from the stack.
    pub(crate) fn salt_bytes(&self) -> [u8; SALT_LEN] {
        let mut salt = [0u8; SALT_LEN];
        // Eight characters from each draw of 64 bits (62^8 < 2^48: every character comes from
        // fresh bits): the draw read as a fraction of 2^64, digit by digit in base 62, each
        // digit the high half of a 64 x 64-bit product (no division).
        for chunk in salt.chunks_exact_mut(8) {
            let mut x = self.random.next();
            for c in chunk {
                let product = u128::from(x) * 62;
                *c = SALT_ALPHABET[(product >> 64) as usize];
                x = product as u64;
            }
        }
        salt
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
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(len);
        let mut bits = 0u64;
        for i in 0..len {
            if i % 16 == 0 {
                bits = self.random.next();
            }
            out.push(char::from(HEX[(bits & 0xf) as usize]));
            bits >>= 4;
        }
        out
    }

    /// A card token in the gateway's UUID shape: 32 random hex digits (two draws of 64 bits,
    /// eight digits from each half, lowest nibble first, as [`App::random_hex`] writes them)
    /// in groups of 8, 4, 4, 4 and 12, the 13th digit replaced by the version `4` and the
    /// 17th by the variant `a`.
    pub(crate) fn uuid(&self) -> String {
        let (first, second) = (self.random.next(), self.random.next());
        let digits = [
            hex8(first as u32),
            hex8((first >> 32) as u32),
            hex8(second as u32),
            hex8((second >> 32) as u32),
        ];
        let mut out = [b'-'; 36];
        out[..8].copy_from_slice(&digits[0]);
        out[9..13].copy_from_slice(&digits[1][..4]);
        out[14..18].copy_from_slice(&digits[1][4..]);
        out[19..23].copy_from_slice(&digits[2][..4]);
        out[24..28].copy_from_slice(&digits[2][4..]);
        out[28..].copy_from_slice(&digits[3]);
        out[14] = b'4';
        out[19] = b'a';
        ascii_string(&out)
    }

    /// Random decimal digits (references, authorisation codes).
    pub(crate) fn digits(&self, len: usize) -> String {
        let mut buffer = itoa::Buffer::new();
        if len <= DIGITS_PER_DRAW {
            // The usual lengths (12, 6): one draw, copied once into a string of its size.
            return String::from(self.digit_group(len, &mut buffer));
        }
        let mut out = String::with_capacity(len);
        let mut left = len;
        while left > 0 {
            let n = left.min(DIGITS_PER_DRAW);
            out.push_str(self.digit_group(n, &mut buffer));
            left -= n;
        }
        out
    }

    /// `n` random decimal digits (at most [`DIGITS_PER_DRAW`]), written by `itoa` in `buffer`:
    /// a draw modulo 10^n, plus 10^n, so that its zeros are written after a leading `1`
    /// (which is left out) with no padding of our own.
    fn digit_group<'b>(&self, n: usize, buffer: &'b mut itoa::Buffer) -> &'b str {
        let power = POWERS_OF_TEN[n];
        let value = self.random.next() % power + power;
        buffer.format(value).get(1..).unwrap_or_default()
    }
}

/// The most random decimal digits taken from one draw of 64 bits: 2 * 10^18 < 2^64, so 10^n
/// plus a value below 10^n fits.
const DIGITS_PER_DRAW: usize = 18;

/// 10^n for n from 0 to [`DIGITS_PER_DRAW`].
const POWERS_OF_TEN: [u64; DIGITS_PER_DRAW + 1] = {
    let mut powers = [1u64; DIGITS_PER_DRAW + 1];
    let mut n = 1;
    while n <= DIGITS_PER_DRAW {
        powers[n] = powers[n - 1] * 10;
        n += 1;
    }
    powers
};

/// The eight lowercase hex digits of `x`, its lowest nibble first: each nibble spread to a
/// byte of a word, then turned into its digit in every byte at once.
fn hex8(x: u32) -> [u8; 8] {
    let mut w = u64::from(x);
    w = (w | w << 16) & 0x0000_FFFF_0000_FFFF;
    w = (w | w << 8) & 0x00FF_00FF_00FF_00FF;
    w = (w | w << 4) & 0x0F0F_0F0F_0F0F_0F0F;
    // 1 in each byte whose nibble is 10 or more (no byte carries into the next).
    let letters = ((w + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    // `0` + n for a digit, `a` + n - 10 for a letter.
    (w + 0x3030_3030_3030_3030 + letters * u64::from(b'a' - b'0' - 10)).to_le_bytes()
}

/// The length of a reply's `pg_salt`.
const SALT_LEN: usize = 16;

const SALT_ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The sandbox's random numbers (salts, tokens, references): SplitMix64, one stream per
/// thread, each seeded once from the operating system. Fast and good enough for a sandbox,
/// where nothing random is a secret; lock-free, and with no memory that the threads serving
/// requests write in turn (a single shared counter, bounced between the cores on every draw,
/// costs more than the draw itself).
#[derive(Debug, Default)]
pub(crate) struct Random;

/// SplitMix64's increment.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Random {
    /// The sandbox's generator (the streams are seeded from the operating system on first
    /// use in each thread).
    pub(crate) fn from_os() -> Self {
        Random
    }

    /// The next 64 random bits.
    pub(crate) fn next(&self) -> u64 {
        thread_local! {
            static STATE: Cell<u64> = Cell::new(os_seed());
        }
        let mut z = STATE.with(|state| {
            let z = state.get().wrapping_add(GAMMA);
            state.set(z);
            z
        });
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// 64 bits from the operating system; from the wall clock and the thread if it refuses.
fn os_seed() -> u64 {
    let mut seed = [0u8; 8];
    match getrandom::fill(&mut seed) {
        Ok(()) => u64::from_le_bytes(seed),
        // Another stack, another thread: the address tells the threads' streams apart.
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x5EED, |d| d.as_nanos() as u64);
            nanos ^ (seed.as_ptr() as usize as u64).rotate_left(32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salts_digits_and_hex_have_their_shapes_and_differ() {
        let app = App::new(
            SandboxConfig::new("1", freedompay_sign::SecretKey::new("k").unwrap()),
            "http://127.0.0.1:1".into(),
        );
        let (a, b) = (app.salt(), app.salt());
        assert_ne!(a, b);
        for salt in [&a, &b] {
            assert_eq!(salt.len(), 16);
            assert!(freedompay_sign::Salt::new(salt.as_str()).is_ok());
        }
        let digits = app.digits(40);
        assert_eq!(digits.len(), 40);
        assert!(digits.bytes().all(|c| c.is_ascii_digit()));
        let hex = app.random_hex(33);
        assert_eq!(hex.len(), 33);
        assert!(hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        let uuid = app.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_eq!(&uuid[19..20], "a");
        assert_ne!(uuid, app.uuid());
        for (i, c) in uuid.bytes().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                assert_eq!(c, b'-');
            } else {
                assert!(matches!(c, b'0'..=b'9' | b'a'..=b'f'), "{uuid}");
            }
        }
        assert_eq!(hex8(0x0123_abcd), *b"dcba3210");
        assert_eq!(hex8(0xffff_0000), *b"0000ffff");
        assert_eq!(hex8(0x9a9a_9a9a), *b"a9a9a9a9");
        assert_eq!(app.digits(0), "");
        for len in [1, 6, 12, 18, 19, 36, 37] {
            let digits = app.digits(len);
            assert_eq!(digits.len(), len);
            assert!(digits.bytes().all(|c| c.is_ascii_digit()), "{digits}");
        }
        // Leading zeros are kept: among many short draws, some start with `0`.
        assert!((0..200).any(|_| app.digits(2).starts_with('0')));
    }
}
