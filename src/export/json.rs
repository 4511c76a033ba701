//! JSON: a rota and a comparison, as their plain data.

use super::Rota;
use crate::compare::Comparison;

impl Rota {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data always serializes")
    }
}

impl Comparison {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data always serializes")
    }
}
