//! Domain types shared by several endpoint groups, in three files by concept: the values every
//! group shares (people, companies, categories, the contract reference, page settings), the
//! contract model (contracts, signatories, actions, positions, documents, watermarks), and
//! the serde helpers they are built with (open string enums; answers are read with
//! the loss-free readers of `crate::answer`).

mod contract;
mod serde_helpers;
mod shared;

pub use self::contract::*;
pub(crate) use self::serde_helpers::{comma_joined, string_enum};
pub use self::shared::*;
