//! Browser tests of `freedompay-sandbox`: the payer's pages (payment, payout, card add) and
//! the dashboard, driven in a real headless Chromium through chromedriver; the tests are in
//! `tests/browser.rs`. A crate of its own so that the sandbox's own tests build without a
//! WebDriver client.
//!
//! They run only when `FREEDOMPAY_BROWSER_TESTS=1` is set (`.ci/run` installs Debian's
//! `chromium` and `chromium-driver` and sets it); otherwise each test prints why it skipped.
//! Screenshots of every page go to `target/screenshots/`.
//!
//! ```sh
//! FREEDOMPAY_BROWSER_TESTS=1 cargo test -p freedompay-browser-tests
//! ```
