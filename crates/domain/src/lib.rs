//! The pure rules of Complaint Loop: what a complaint is, which commands move it around the
//! closed loop (DESIGN §2), who may give them (permissions and the remedy authority matrix,
//! DESIGN §6, §11), how input is validated, and how the tamper-evident hash chain is computed
//! (DESIGN §12).
//!
//! Nothing here performs IO or reads the clock: time is a parameter, storage and HTTP live in
//! other crates. That keeps every rule testable as a plain function, and property-testable.

pub mod actor;
pub mod authority;
pub mod batch;
pub mod calendar;
pub mod case_no;
pub mod chain;
pub mod complaint;
pub mod error;
pub mod ids;
pub mod lifecycle;
pub mod model;
pub mod retrain;
pub mod risk;
pub mod routing;
pub mod routing_outcomes;
pub mod sla;
pub mod sla_watch;
pub mod text;
pub mod validate;

pub use actor::{Actor, ActorRef, Permission};
pub use authority::{AuthorityMatrix, RoleLimits};
pub use complaint::Complaint;
pub use error::{FieldError, Refusal};
pub use ids::*;
pub use lifecycle::{Command, Context, Policy, decide};
pub use model::*;
pub use text::Text;
