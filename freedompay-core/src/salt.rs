//! Salts from a ChaCha stream seeded once from the operating system (feature `chacha`): what
//! the clients draw `pg_salt` from by default.

use core::fmt;
use std::sync::{Mutex, PoisonError};

use chacha20::ChaCha12Rng;
use freedompay_sign::{Salt, SaltError, SaltSource};
use rand_core::{Rng, SeedableRng};

/// Salts drawn from a ChaCha12 keystream that is seeded once from the operating system's
/// randomness, at the first salt, then never again: one system call per source instead of
/// one per request. The default salt source of the SDK's clients.
///
/// A `pg_salt` is a nonce, not a secret: it only makes each signed request unique (the
/// gateway and the signature rules never need it to be unpredictable, and it is sent in
/// the clear beside the signature). ChaCha12 is a cryptographic generator all the same, so
/// the salts are as unpredictable as `freedompay_sign::OsSaltSource`'s.
/// Characters are drawn uniformly from `0-9A-Za-z` (as [`Salt::generate_with`] draws them),
/// [`Salt::DEFAULT_LEN`] of them unless told otherwise.
///
/// One generator serves every call of the client that owns it, behind a lock held for the
/// few hundred nanoseconds a salt takes. A process that forks after the first salt gives
/// both processes the same stream: harmless for nonces, but use
/// `freedompay_sign::OsSaltSource` (`with_salt_source`) where two processes
/// might send the same salt with the same order and that would confuse your logs.
///
/// ```
/// use freedompay_core::ChaChaSaltSource;
/// use freedompay_sign::SaltSource;
///
/// let salts = ChaChaSaltSource::new();
/// let (first, second) = (salts.next_salt()?, salts.next_salt()?);
/// assert_eq!(first.as_str().len(), 16);
/// assert!(first.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
/// assert_ne!(first, second);
/// # Ok::<(), freedompay_sign::SaltError>(())
/// ```
pub struct ChaChaSaltSource {
    len: usize,
    /// Seeded at the first salt; a seeding that fails is tried again at the next one.
    rng: Mutex<Option<ChaCha12Rng>>,
}

impl ChaChaSaltSource {
    /// A source of [`Salt::DEFAULT_LEN`]-character salts. Nothing is drawn from the
    /// operating system until the first salt.
    pub fn new() -> Self {
        Self {
            len: Salt::DEFAULT_LEN,
            rng: Mutex::new(None),
        }
    }

    /// Salts of `len` characters (1 to [`Salt::MAX_LEN`]).
    pub fn with_len(len: usize) -> Result<Self, SaltError> {
        if len == 0 || len > Salt::MAX_LEN {
            return Err(SaltError::Length);
        }
        Ok(Self {
            len,
            rng: Mutex::new(None),
        })
    }
}

impl Default for ChaChaSaltSource {
    fn default() -> Self {
        Self::new()
    }
}

impl SaltSource for ChaChaSaltSource {
    fn next_salt(&self) -> Result<Salt, SaltError> {
        // A panic while the lock was held cannot leave the generator half-updated in a way
        // that matters for nonces: carry on with it.
        let mut slot = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let rng = match &mut *slot {
            Some(rng) => rng,
            empty => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|_| SaltError::Random)?;
                empty.insert(ChaCha12Rng::from_seed(seed))
            }
        };
        // `Salt::generate_with` itself, over this stream: uniform over the 62 characters
        // (rejection sampling), 32 bytes drawn at a time.
        let salt = Salt::generate_with(self.len, |buffer: &mut [u8]| {
            rng.fill_bytes(buffer);
            Ok::<(), core::convert::Infallible>(())
        });
        drop(slot);
        salt
    }
}

impl fmt::Debug for ChaChaSaltSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the generator's state.
        f.debug_struct("ChaChaSaltSource")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salts_have_the_length_and_alphabet_and_do_not_repeat() {
        let salts = ChaChaSaltSource::with_len(24).unwrap();
        let drawn: Vec<Salt> = (0..1000).map(|_| salts.next_salt().unwrap()).collect();
        for salt in &drawn {
            assert_eq!(salt.as_str().len(), 24);
            assert!(salt.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        let unique: std::collections::HashSet<&str> = drawn.iter().map(Salt::as_str).collect();
        assert_eq!(unique.len(), drawn.len());
    }

    /// 64,000 characters: about 1,032 of each of the 62 (bounds of about 4.8 standard
    /// deviations); a lost character or a strongly skewed draw falls outside them.
    #[test]
    fn every_character_is_about_equally_likely() {
        let salts = ChaChaSaltSource::new();
        let mut counts = std::collections::HashMap::new();
        for _ in 0..4000 {
            for c in salts.next_salt().unwrap().as_str().chars() {
                *counts.entry(c).or_insert(0u32) += 1;
            }
        }
        assert_eq!(counts.len(), 62);
        for (c, n) in counts {
            assert!((880..1190).contains(&n), "{c}: {n}");
        }
    }

    #[test]
    fn two_sources_draw_different_streams() {
        let (a, b) = (ChaChaSaltSource::new(), ChaChaSaltSource::new());
        assert_ne!(a.next_salt().unwrap(), b.next_salt().unwrap());
    }

    #[test]
    fn lengths_out_of_range_are_refused() {
        assert_eq!(
            ChaChaSaltSource::with_len(0).unwrap_err(),
            SaltError::Length
        );
        assert_eq!(
            ChaChaSaltSource::with_len(Salt::MAX_LEN + 1).unwrap_err(),
            SaltError::Length
        );
        assert!(ChaChaSaltSource::with_len(Salt::MAX_LEN).is_ok());
    }

    #[test]
    fn debug_shows_no_state() {
        let salts = ChaChaSaltSource::new();
        salts.next_salt().unwrap();
        assert_eq!(format!("{salts:?}"), "ChaChaSaltSource { len: 16, .. }");
    }

    #[test]
    fn the_source_is_shareable() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<ChaChaSaltSource>();
    }
}
