//! `freedompay-async`: not built yet.
//!
//! This crate is a member of the workspace so that the layout of the design is visible from
//! the start; its contents arrive with their own issue (see the README's status table).
