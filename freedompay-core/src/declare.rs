//! Operations are declared, not written: one [`operation!`] per endpoint says everything
//! that is specific to it, [`reply!`] declares what it answers, [`wire_enum!`] declares a
//! gateway vocabulary.
//!
//! # Declaring an operation
//!
//! Adding an endpoint from the docs is a declaration, a documented sample as a fixture
//! (`tests/fixtures/*.xml` plus a line of `tests/fixtures/conformance.txt`), and a wire
//! snapshot. The declaration of `POST /g2g/p2p2nonreg`:
//!
//! ```ignore
//! operation! {
//!     /// Pays out to a card by its number (...).
//!     #[derive(Debug, Clone, PartialEq, Eq)]
//!     pub struct PayoutToCard => PayoutToCardResult {
//!         name: "payout_to_card",        // Operation::NAME: the client method's name
//!         path: "/g2g/p2p2nonreg",       // below the base URL; `{merchant_id}` is replaced
//!         secret: SecretKind::Payout,    // a constant, or chosen (see below)
//!         moves_money: true,             // never resent after it may have been sent
//!         order_id: order_id;            // the field errors and reconciliation name;
//!                                        // the header ends with `;`
//!         /// A payout of `amount` to `card`.
//!         pub fn new(order_id: OrderId, amount: Amount, card: CardNumber, post_link: Url);
//!         // The request fields, in wire order:
//!         "pg_order_id" => order_id,                              // a parameter of `new`
//!         "pg_amount" => amount [check amount_to_send],           // ... checked when prepared
//!         /// `pg_currency`: the currency of the amount.
//!         "pg_currency" => currency: Option<Currency>,            // optional: a setter
//!         "pg_payment_to" => card,
//!         "pg_post_link" => post_link,
//!     }
//! }
//!
//! reply! {
//!     /// The gateway's answer to a card payout.
//!     #[derive(Debug, Clone, PartialEq, Eq)]
//!     #[non_exhaustive]
//!     pub struct PayoutToCardResult {
//!         /// `pg_payment_id`: the payout's id at FreedomPay.
//!         payment_id: PaymentId = "pg_payment_id",        // required: missing is malformed
//!         /// `pg_balance`: the payout balance after it.
//!         balance: Option<Amount> = "pg_balance",         // optional
//!     }
//! }
//! ```
//!
//! From it come the request struct, `new` with the required fields (in the order written),
//! a setter per optional field (taking `impl Into<T>`, documented by the entry's comment),
//! `impl Operation` with `write_fields` writing the fields in the order listed (the wire
//! order matters: the snapshots pin it), and the output struct with its reader.
//!
//! With the feature `serde`, every declared type serializes without a line of its own: the
//! request struct derives `Serialize` (unset optional fields left out), the `reply!` struct
//! `Serialize` and `Deserialize`, a `wire_enum!` its wire text both ways, a `text_value!`
//! its text both ways (checked on the way in by its constructor, through `FromStr`), and a
//! `masked_value!` its masked text only, with no `Deserialize`. A field of a new type needs
//! that type to serialize too (`serde_text!(Type)` for a validated text with `FromStr`).
//!
//! The header's other choices:
//!
//! - `secret: |_: &AddPayoutCard, config: &Config| config.card_storage_payout_secret()`: a
//!   secret the config chooses, only where the documentation disagrees with itself (the
//!   closure's parameters are typed); `|op: &MobilePayout, _: &Config| op.secret` reads it
//!   from a `_ =>` state field set by a hand-written method.
//! - `error_status_is_output: true` after `order_id` (or `moves_money`): a signed
//!   `pg_status=error` reply is the output (`Operation::ERROR_STATUS_IS_OUTPUT`).
//! - `fn checked(...)` instead of `pub fn new(...)`: a private constructor, for a public
//!   `new` written by hand that validates its arguments first (`ApproveMobilePayment`).
//! - The output may be any type with [`FromReply`]: a `reply!` struct, one shared with
//!   another operation (`InitPaymentResult`), or a hand-written reader (`Vec<SavedCard>`;
//!   an `Option<..>` for a status query whose "not found" is not an error).
//!
//! The kinds of request entries:
//!
//! | Entry | Meaning |
//! |---|---|
//! | `"pg_x" => name` | a parameter of `new` (`name.sub` reaches into it) |
//! | `"pg_x" => name: Option<T>` | optional, with a setter `name(impl Into<T>)` |
//! | `"pg_x" => name: flag = "value"` | a setter `name()` without argument that sends `value` |
//! | `.. => name` | a parameter of `new` that writes several fields ([`WriteFields`]) |
//! | `.. => name: T = default` | a field group not in `new` ([`WriteFields`]); setters by hand |
//! | `.. => with Self::f` | hand-written `fn f(&self, &mut Fields)`: rules across fields |
//! | `_ => name: T = default` | state that is not sent (set by a hand-written method) |
//!
//! Any field entry may end in `[check f]`: `f(wire_name, &value)` is called when the request
//! is prepared and refuses it with an [`InvalidInput`]. Values are written with [`ToWire`].
//! Hand-written extra methods (a second constructor, getters, the page setters) go in an
//! ordinary `impl` block next to the declaration. A reply that is not a flat table (a list
//! of cards) implements [`FromReply`] by hand; `reply!` takes `[in f]` to read the fields
//! from a nested element.

use std::borrow::Cow;

use freedompay_sign::Fields;

use crate::{
    Amount, CardNumber, Config, DateTime, Description, IdempotencyKey, InvalidInput, OrderId,
    PaymentId, Phone, ReadError, Response, SecretKind, Url, UserId,
};

/// A value written as one request field.
pub(crate) trait ToWire {
    /// The wire text; `field` names the field in a refusal.
    fn to_wire(&self, field: &'static str) -> Result<Cow<'_, str>, InvalidInput>;
}

/// A value that writes several request fields (a card reference, a group of options).
pub(crate) trait WriteFields {
    /// Writes its fields, in wire order.
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput>;
}

/// An output read from a verified reply.
pub(crate) trait FromReply: Sized {
    /// Reads the reply.
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError>;
}

/// No output: a link the SDK only signs.
impl FromReply for () {
    fn from_reply(_reply: &Response<'_>) -> Result<Self, ReadError> {
        Ok(())
    }
}

/// The field that carries an operation's order id: required or optional.
pub(crate) trait AsOrderId {
    fn as_order_id(&self) -> Option<&str>;
}

impl AsOrderId for OrderId {
    fn as_order_id(&self) -> Option<&str> {
        Some(self.as_str())
    }
}

impl AsOrderId for Option<OrderId> {
    fn as_order_id(&self) -> Option<&str> {
        self.as_ref().map(OrderId::as_str)
    }
}

/// The secret of a declaration: a constant, or chosen per operation and config.
pub(crate) trait SecretChoice<O> {
    fn choose(&self, op: &O, config: &Config) -> SecretKind;
}

impl<O> SecretChoice<O> for SecretKind {
    fn choose(&self, _op: &O, _config: &Config) -> SecretKind {
        *self
    }
}

impl<O, F: Fn(&O, &Config) -> SecretKind> SecretChoice<O> for F {
    fn choose(&self, op: &O, config: &Config) -> SecretKind {
        self(op, config)
    }
}

/// [`ToWire`] by a method that returns the wire text (borrowed or owned):
/// `to_wire!(Iban => reveal, Amount => to_string)`.
macro_rules! to_wire {
    ($($ty:ty => $text:ident),* $(,)?) => {$(
        impl $crate::declare::ToWire for $ty {
            fn to_wire(
                &self,
                _field: &'static str,
            ) -> Result<std::borrow::Cow<'_, str>, $crate::InvalidInput> {
                Ok(std::borrow::Cow::from(self.$text()))
            }
        }
    )*};
}

to_wire!(
    OrderId => as_str,
    UserId => as_str,
    Description => as_str,
    Url => as_str,
    Phone => as_str,
    IdempotencyKey => as_str,
    String => as_str,
    CardNumber => reveal,
    Amount => to_string,
    DateTime => to_string,
    PaymentId => to_string,
    u16 => to_string,
    u32 => to_string,
    std::net::IpAddr => to_string,
);

/// `0`/`1` flags.
impl ToWire for bool {
    fn to_wire(&self, _field: &'static str) -> Result<Cow<'_, str>, InvalidInput> {
        Ok(Cow::Borrowed(if *self { "1" } else { "0" }))
    }
}

/// Declares an operation: the request type, its constructor and setters, `impl Operation`.
/// See the [module documentation](self).
macro_rules! operation {
    (
        $(#[$meta:meta])*
        $vis:vis struct $Op:ident => $Output:ty {
            name: $name:literal,
            path: $path:literal,
            secret: $secret:expr,
            moves_money: $moves:literal
            $(, order_id: $order_id:ident)?
            $(, error_status_is_output: $esio:literal)? $(,)?;
            $(#[$new_meta:meta])*
            $new_vis:vis fn $new:ident($($arg:ident: $arg_ty:ty),* $(,)?);
            $($entries:tt)*
        }
    ) => {
        operation!(@munch {
            [$(#[$meta])*] [$vis] $Op [$Output] $name $path [$secret] $moves
            [$($order_id)?] [$($esio)?]
            [$(#[$new_meta])*] [$new_vis] $new [$($arg: $arg_ty),*]
        } [] [] [] [] $($entries)*);
    };

    // `"pg_x" => name: Option<T>`: optional, with a setter.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        $(#[$m:meta])* $wire:literal => $name:ident: Option<$ty:ty> $([check $check:expr])?,
        $($rest:tt)*
    ) => {
        operation!(@munch $h
            [$($f)*
                #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
                $name: Option<$ty>,
            ]
            [$($i)* $name: None,]
            [$($s)*
                $(#[$m])*
                pub fn $name(mut self, $name: impl Into<$ty>) -> Self {
                    self.$name = Some($name.into());
                    self
                }
            ]
            [$($w)* (opt $wire $name [$($check)?])]
            $($rest)*);
    };

    // `"pg_x" => name: flag = "value"`: a setter without argument.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        $(#[$m:meta])* $wire:literal => $name:ident: flag = $value:literal,
        $($rest:tt)*
    ) => {
        operation!(@munch $h
            [$($f)* $name: bool,]
            [$($i)* $name: false,]
            [$($s)*
                $(#[$m])*
                pub fn $name(mut self) -> Self {
                    self.$name = true;
                    self
                }
            ]
            [$($w)* (flag $wire $name $value)]
            $($rest)*);
    };

    // `_ => name: T = default`: state that is not sent.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        _ => $name:ident: $ty:ty = $default:expr,
        $($rest:tt)*
    ) => {
        operation!(@munch $h [$($f)* $name: $ty,] [$($i)* $name: $default,] [$($s)*] [$($w)*]
            $($rest)*);
    };

    // `.. => with f`: a hand-written writer.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        .. => with $writer:expr,
        $($rest:tt)*
    ) => {
        operation!(@munch $h [$($f)*] [$($i)*] [$($s)*] [$($w)* (with $writer)] $($rest)*);
    };

    // `.. => name: T = default`: a group of fields not in `new`.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        .. => $name:ident: $ty:ty = $default:expr,
        $($rest:tt)*
    ) => {
        operation!(@munch $h [$($f)* $name: $ty,] [$($i)* $name: $default,] [$($s)*]
            [$($w)* (group $name)] $($rest)*);
    };

    // `.. => name`: a parameter of `new` that writes several fields.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        .. => $name:ident,
        $($rest:tt)*
    ) => {
        operation!(@munch $h [$($f)*] [$($i)*] [$($s)*] [$($w)* (group $name)] $($rest)*);
    };

    // `"pg_x" => name`: a parameter of `new`.
    (@munch $h:tt [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$($w:tt)*]
        $wire:literal => $($path:ident).+ $([check $check:expr])?,
        $($rest:tt)*
    ) => {
        operation!(@munch $h [$($f)*] [$($i)*] [$($s)*]
            [$($w)* (req $wire [$($path).+] [$($check)?])] $($rest)*);
    };

    (@munch {
        [$(#[$meta:meta])*] [$vis:vis] $Op:ident [$Output:ty] $name:literal $path:literal
        [$secret:expr]
        $moves:literal [$($order_id:ident)?] [$($esio:literal)?]
        [$(#[$new_meta:meta])*] [$new_vis:vis] $new:ident [$($arg:ident: $arg_ty:ty),*]
    } [$($f:tt)*] [$($i:tt)*] [$($s:tt)*] [$(($($w:tt)*))*]) => {
        $(#[$meta])*
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        $vis struct $Op {
            $($arg: $arg_ty,)*
            $($f)*
        }

        impl $Op {
            $(#[$new_meta])*
            #[allow(clippy::too_many_arguments)]
            $new_vis fn $new($($arg: $arg_ty),*) -> Self {
                Self { $($arg,)* $($i)* }
            }

            $($s)*
        }

        impl $crate::Operation for $Op {
            type Output = $Output;
            const NAME: &'static str = $name;
            const PATH: &'static str = $path;
            const MOVES_MONEY: bool = $moves;
            $(const ERROR_STATUS_IS_OUTPUT: bool = $esio;)?

            fn secret(&self, config: &$crate::Config) -> $crate::SecretKind {
                $crate::declare::SecretChoice::<Self>::choose(&$secret, self, config)
            }

            $(
                fn order_id(&self) -> Option<&str> {
                    $crate::declare::AsOrderId::as_order_id(&self.$order_id)
                }
            )?

            #[allow(unused_variables)]
            fn write_fields(
                &self,
                fields: &mut ::freedompay_sign::Fields,
            ) -> Result<(), $crate::InvalidInput> {
                $(operation!(@write self fields $($w)*);)*
                Ok(())
            }

            fn read(
                &self,
                reply: &$crate::Response<'_>,
            ) -> Result<$Output, $crate::ReadError> {
                <$Output as $crate::declare::FromReply>::from_reply(reply)
            }
        }
    };

    (@write $this:ident $fields:ident req $wire:literal [$($path:ident).+] [$($check:expr)?]) => {
        {
            let value = &$this.$($path).+;
            $(($check)($wire, value)?;)?
            $fields.push_static($wire, $crate::declare::ToWire::to_wire(value, $wire)?);
        }
    };
    (@write $this:ident $fields:ident opt $wire:literal $name:ident [$($check:expr)?]) => {
        if let Some(value) = &$this.$name {
            $(($check)($wire, value)?;)?
            $fields.push_static($wire, $crate::declare::ToWire::to_wire(value, $wire)?);
        }
    };
    (@write $this:ident $fields:ident flag $wire:literal $name:ident $value:literal) => {
        if $this.$name {
            $fields.push_static($wire, $value);
        }
    };
    (@write $this:ident $fields:ident group $name:ident) => {
        $crate::declare::WriteFields::write_fields(&$this.$name, $fields)?;
    };
    (@write $this:ident $fields:ident with $writer:expr) => {
        ($writer)($this, $fields)?;
    };
}

/// Declares an operation's output: a struct of reply fields, each with its wire name, and
/// its [`FromReply`]. A field of type `Option<T>` is optional; any other is required (a
/// reply without it is malformed). `[in f]` reads the fields from `f(reply)` (a nested
/// element).
macro_rules! reply {
    (
        $(#[$meta:meta])*
        pub struct $Out:ident $([in $scope:path])? {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $ty:ident $(<$inner:ty>)? = $wire:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $Out {
            $(
                $(#[$field_meta])*
                pub $field: $ty $(<$inner>)?,
            )*
        }

        impl $crate::declare::FromReply for $Out {
            fn from_reply(reply: &$crate::Response<'_>) -> Result<Self, $crate::ReadError> {
                $(let reply = &$scope(reply);)?
                Ok(Self {
                    $($field: reply!(@read reply $wire $ty $(<$inner>)?),)*
                })
            }
        }
    };

    (@read $reply:ident $wire:literal Option<$ty:ty>) => {
        $reply.get::<$ty>($wire)?
    };
    (@read $reply:ident $wire:literal $ty:ty) => {
        $reply.require::<$ty>($wire)?
    };
}

/// Declares a gateway vocabulary (`pg_*` values): an enum with an `Unknown(String)`
/// fallback, its wire text both ways (`from_wire_str`, `as_str`), `Display` and
/// [`FromWire`](crate::FromWire). `ignore_case` before the name matches the wire text
/// without regard to ASCII case (the text of `Unknown` is kept as received).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        ignore_case $name:ident { $($body:tt)* }
    ) => {
        wire_enum!(@enum [ignore_case] $(#[$meta])* $name { $($body)* });
    };
    (
        $(#[$meta:meta])*
        $name:ident { $($body:tt)* }
    ) => {
        wire_enum!(@enum [] $(#[$meta])* $name { $($body)* });
    };
    (
        @enum $mode:tt
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know, as received.
            Unknown(String),
        }

        impl $name {
            /// The value of a wire text; a text this SDK does not know is kept as `Unknown`.
            pub fn from_wire_str(text: &str) -> Self {
                $(
                    if wire_enum!(@eq $mode text $wire) {
                        return Self::$variant;
                    }
                )*
                Self::Unknown(text.to_owned())
            }

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(text) => text,
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        to_wire!($name => as_str);

        /// Its wire text.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// From its wire text; a text this SDK does not know is kept as `Unknown`.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire_str(&text))
            }
        }

        impl $crate::FromWire for $name {
            fn from_wire(text: &str) -> Option<Self> {
                let text = text.trim();
                (!text.is_empty()).then(|| Self::from_wire_str(text))
            }
        }
    };

    (@eq [] $text:ident $wire:literal) => {
        $text == $wire
    };
    (@eq [ignore_case] $text:ident $wire:literal) => {
        $text.eq_ignore_ascii_case($wire)
    };
}

/// A `[check ..]` of a documented range: `[check within(1..=156, "must be 1 to 156 months")]`.
pub(crate) fn within<T: PartialOrd>(
    range: std::ops::RangeInclusive<T>,
    rule: &'static str,
) -> impl Fn(&'static str, &T) -> Result<(), InvalidInput> {
    move |field, value| match range.contains(value) {
        true => Ok(()),
        false => Err(InvalidInput::new(field, rule)),
    }
}

/// An amount to send where the gateway's minimum is 0.01: [`Amount::ZERO`] (allowed only
/// where the documentation's minimum is 0) and amounts read from the gateway (which may be
/// zero or negative) are refused.
pub(crate) fn amount_to_send(field: &'static str, amount: &Amount) -> Result<(), InvalidInput> {
    if *amount < Amount::MIN {
        return Err(InvalidInput::new(field, "must be at least 0.01"));
    }
    Ok(())
}

/// A validated text: `Display` of its text, [`from_text!`] with `TryFrom<String>`.
macro_rules! text_value {
    ($($ty:ident => $check:ident),* $(,)?) => {$(
        display_as!($ty => as_str);
        from_text!($ty, $check, String);
        serde_text!($ty);
    )*};
}

/// With the `serde` feature: `Serialize` as the `Display` text, `Deserialize` from a string
/// through `FromStr`, so a value is checked on the way in as by its constructor (the error
/// names the rule, never the value).
macro_rules! serde_text {
    ($($ty:ty),* $(,)?) => {$(
        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

/// `FromStr` and `TryFrom<&str>` of a validated value from its checking constructor, and
/// `TryFrom<String>` for those that keep the text: `"order-42".try_into()?` wherever an
/// `OrderId` is expected.
macro_rules! from_text {
    ($ty:ident, $check:ident) => {
        impl core::str::FromStr for $ty {
            type Err = $crate::InvalidInput;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $ty::$check(text)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $crate::InvalidInput;
            fn try_from(text: &str) -> Result<Self, Self::Error> {
                $ty::$check(text)
            }
        }
    };
    ($ty:ident, $check:ident, String) => {
        from_text!($ty, $check);

        impl TryFrom<String> for $ty {
            type Error = $crate::InvalidInput;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                $ty::$check(text)
            }
        }
    };
}

/// Declares a group of optional request fields shared by several operations (the payment
/// page's): the struct (write `#[derive(Default)]`), its [`WriteFields`] (in the order
/// listed, with the entries and checks of [`operation!`]), and a macro with one setter per
/// field, by name, for the operations that embed the group as their `page` field to pick
/// from. `extra { (name) => { fn ... } }` adds hand-written setters to that macro.
macro_rules! field_group {
    (
        $(#[$meta:meta])*
        pub(crate) struct $Group:ident, setters $setter:ident in $($module:ident)::+ {
            $($entries:tt)*
        }
        extra { $($extra:tt)* }
    ) => {
        field_group!(@munch [[$($module)::+] $(#[$meta])* $Group $setter [$($extra)*]] [] [] []
            $($entries)*);
    };

    (@munch [[$($module:tt)*] $($h:tt)*] [$($f:tt)*] [$($s:tt)*] [$($w:tt)*]
        $(#[$m:meta])* $wire:literal => $name:ident: Option<$ty:ident> $([check $check:expr])?,
        $($rest:tt)*
    ) => {
        field_group!(@munch [[$($module)*] $($h)*]
            [$($f)* pub(crate) $name: Option<$ty>,]
            [$($s)* ($name) => {
                $(#[$m])*
                #[allow(clippy::useless_conversion)]
                pub fn $name(mut self, $name: field_group!(@arg [$($module)*] $ty)) -> Self {
                    self.page.$name = Some($name.into());
                    self
                }
            };]
            [$($w)* (opt $wire $name [$($check)?])]
            $($rest)*);
    };

    (@munch $h:tt [$($f:tt)*] [$($s:tt)*] [$($w:tt)*]
        $(#[$m:meta])* $wire:literal => $name:ident: flag = $value:literal,
        $($rest:tt)*
    ) => {
        field_group!(@munch $h
            [$($f)* pub(crate) $name: bool,]
            [$($s)* ($name) => {
                $(#[$m])*
                pub fn $name(mut self) -> Self {
                    self.page.$name = true;
                    self
                }
            };]
            [$($w)* (flag $wire $name $value)]
            $($rest)*);
    };

    (@munch $h:tt [$($f:tt)*] [$($s:tt)*] [$($w:tt)*]
        _ => $name:ident: $ty:ty,
        $($rest:tt)*
    ) => {
        field_group!(@munch $h [$($f)* pub(crate) $name: $ty,] [$($s)*] [$($w)*] $($rest)*);
    };

    (@munch $h:tt [$($f:tt)*] [$($s:tt)*] [$($w:tt)*]
        .. => with $writer:expr,
        $($rest:tt)*
    ) => {
        field_group!(@munch $h [$($f)*] [$($s)*] [$($w)* (with $writer)] $($rest)*);
    };

    (@munch [$module:tt $(#[$meta:meta])* $Group:ident $setter:ident [$($extra:tt)*]]
        [$($f:tt)*] [$($s:tt)*] [$(($($w:tt)*))*]
    ) => {
        $(#[$meta])*
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub(crate) struct $Group {
            $($f)*
        }

        impl $crate::declare::WriteFields for $Group {
            fn write_fields(
                &self,
                fields: &mut ::freedompay_sign::Fields,
            ) -> Result<(), $crate::InvalidInput> {
                $(operation!(@write self fields $($w)*);)*
                Ok(())
            }
        }

        /// One setter of the group, by the field's name.
        macro_rules! $setter {
            $($s)*
            $($extra)*
        }
    };

    // Text setters take `impl Into<String>`; the others their own type, named from the
    // group's module (the setters expand in the modules of the operations).
    (@arg $module:tt String) => { impl Into<String> };
    (@arg $module:tt bool) => { bool };
    (@arg $module:tt u16) => { u16 };
    (@arg $module:tt u32) => { u32 };
    (@arg [$($module:ident)::+] $ty:ident) => { $($module)::+::$ty };
}

/// `Display` and `Debug` (`Iban(KZ86 **** **** **** 0100)`) of personal data by its
/// `masked()` text, and (feature `serde`) `Serialize` as that text: `masked_value!(Iban, Iin)`.
macro_rules! masked_value {
    ($($ty:ident),* $(,)?) => {$(
        display_as!($ty => masked);

        /// Masked: the full value never serializes, and there is no `Deserialize` (a masked
        /// text is not the value).
        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.masked())
            }
        }

        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($ty), "({})"), self.masked())
            }
        }
    )*};
}

/// `Display` by a method that returns the text to show: `display_as!(Url => as_str)`.
macro_rules! display_as {
    ($($ty:ty => $text:ident),* $(,)?) => {$(
        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&self.$text())
            }
        }
    )*};
}
