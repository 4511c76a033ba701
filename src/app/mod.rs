//! The use cases, each written once: plan, repair, check, suggest, explain, and the
//! service's requests, answers and run life cycle. The command line (`cli/`) and the web
//! layer (`server/`) parse their input, call one function here, and render the result;
//! neither plans, checks or stores anything by itself.

pub mod access;
pub mod advise;
pub mod answers;
pub mod calendar;
pub mod check;
pub mod data;
pub mod edit;
mod error;
pub mod explain;
pub mod jobs;
pub mod lifecycle;
pub mod notify;
pub mod offers;
pub mod outbox;
pub mod overview;
pub mod plan;
pub mod records;
pub mod repair;
pub mod requests;
pub mod runs;
pub mod service;
pub mod suggest;
mod views;

pub use error::{AppError, ErrorKind, Result};
pub use service::Service;
