//! Domain types shared by several endpoint groups, in four files by concept: the values every
//! group shares (people, companies, categories, the contract reference, page settings), the
//! contract model as answers describe it (contracts, signatories, actions, positions,
//! documents, watermarks), the contract model as requests send it (`ContractDraft`,
//! `SignatoryDraft`, ...: the result model's name with `Draft` appended, without the fields
//! the platform fills), and the serde helpers they are built with (open string enums; answers
//! are read with the loss-free readers of `crate::answer`).

mod contract;
mod draft;
mod serde_helpers;
mod shared;

pub use self::contract::*;
pub use self::draft::*;
pub(crate) use self::serde_helpers::{comma_joined, string_enum};
pub use self::shared::*;
