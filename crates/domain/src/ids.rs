//! Typed identifiers, so a department id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    /// A complaint (its database key; people use the case number).
    ComplaintId,
    /// A customer record.
    CustomerId,
    /// A staff user.
    UserId,
    /// A node of the organisation tree (group, company, department, team).
    OrgUnitId,
    /// A role bundling permissions.
    RoleId,
    /// A node of the category tree.
    CategoryId,
);
