//! Pay-ins (PROTOCOL.md §1.1–1.5, 1.7): taking money from payers, managing payments, and
//! the callbacks FreedomPay sends about them.
//!
//! Signed with the **payment secret**.

/// Calls the macro `$m` with every payment operation, as `method_name => Type` pairs: the one
/// list the client crates generate their methods from.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_payment_operation {
    ($m:ident) => {
        $m! {}
    };
}
