//! klynge: a scheduling engine for volunteer digital-skills associations for seniors.
//!
//! Large associations (hubs) lend volunteer instructors to small associations nearby. klynge
//! reads the associations, instructors and course requests (`ingest` → `model`), works out
//! who may teach what and how far they travel (`travel`, `plan::eligibility`), proposes a
//! rota with a lexicographic MILP (`plan`), verifies it with an independent checker, stores
//! it (`store`) and renders it (`export`). See ARCHITECTURE.md for the map.

pub mod app;
pub mod compare;
pub mod export;
pub mod generate;
pub mod hours;
pub mod i18n;
pub mod ingest;
pub mod model;
pub mod plan;
pub mod run;
pub mod scenario;
pub mod server;
pub mod store;
pub mod travel;
pub mod whatif;
pub mod whitespots;
