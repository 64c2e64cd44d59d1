//! Salts for tests: the same every time, or counted, so requests are reproducible.

use std::sync::atomic::{AtomicU64, Ordering};

use freedompay_sign::{Salt, SaltError, SaltSource};

/// A [`SaltSource`] for tests: the same salt every time ([`FixedSalt::new`]), or a fixed
/// prefix and a counter (`test1`, `test2`, ...; [`FixedSalt::counting`]) where every request
/// must differ but a run must repeat byte for byte. Never in production: a salt is there to
/// make every signed request unique.
///
/// ```
/// use freedompay_core::FixedSalt;
/// use freedompay_core::sign::SaltSource;
///
/// let same = FixedSalt::new("fixedSalt1")?;
/// assert_eq!(same.next_salt()?.as_str(), "fixedSalt1");
/// assert_eq!(same.next_salt()?.as_str(), "fixedSalt1");
///
/// let counted = FixedSalt::counting("test")?;
/// assert_eq!(counted.next_salt()?.as_str(), "test1");
/// assert_eq!(counted.next_salt()?.as_str(), "test2");
/// # Ok::<(), freedompay_core::sign::SaltError>(())
/// ```
#[derive(Debug)]
pub struct FixedSalt {
    salt: Salt,
    counter: Option<AtomicU64>,
}

impl FixedSalt {
    /// Always `salt` (letters and digits, 1 to 64).
    pub fn new(salt: &str) -> Result<Self, SaltError> {
        Ok(Self {
            salt: Salt::new(salt)?,
            counter: None,
        })
    }

    /// `prefix` followed by 1, 2, 3, ... (the prefix: letters and digits, at most 44, so that
    /// every counted salt fits).
    pub fn counting(prefix: &str) -> Result<Self, SaltError> {
        if prefix.len() > Salt::MAX_LEN - 20 {
            return Err(SaltError::Length);
        }
        Ok(Self {
            salt: Salt::new(prefix)?,
            counter: Some(AtomicU64::new(0)),
        })
    }
}

impl SaltSource for FixedSalt {
    fn next_salt(&self) -> Result<Salt, SaltError> {
        match &self.counter {
            None => Ok(self.salt.clone()),
            Some(counter) => {
                let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
                Salt::new(format!("{}{n}", self.salt.as_str()))
            }
        }
    }
}
