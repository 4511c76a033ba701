//! Refer, never reject: for a request nobody can take, the other offers that teach its
//! topic in its language, nearest first (straight-line km from where the course would be).

use serde::{Deserialize, Serialize};

use crate::model::{Dataset, OfferKind, Request};
use crate::travel::geodesic_km;

/// How many referrals a request gets at most.
pub const MAX_REFERRALS: usize = 3;

/// Another offer a senior can go to instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Referral {
    pub offer: String,
    pub provider: String,
    #[schema(value_type = String)]
    pub kind: OfferKind,
    pub municipality: String,
    pub when: String,
    /// When, to the minute, if the registry says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>, examples(json!(["tue 12:00-14:00"])))]
    pub times: Vec<crate::model::OfferTime>,
    pub contact: String,
    pub url: String,
    /// Straight-line km from the course's venue.
    pub km: f64,
}

/// The offers that teach `r`'s topic in its language (one of them, for a drop-in in
/// several), nearest first, at most `MAX_REFERRALS`. Ties go by id, so the same data
/// always refer the same way.
pub fn referrals(ds: &Dataset, r: &Request) -> Vec<Referral> {
    let Some(venue) = ds.venue_of(r) else {
        return Vec::new();
    };
    let mut out: Vec<Referral> = ds
        .offers
        .iter()
        .filter(|o| {
            o.topics.contains(&r.topic)
                && r.languages()
                    .iter()
                    .any(|l| o.languages.iter().any(|m| m == l))
        })
        .map(|o| Referral {
            offer: o.id.clone(),
            provider: o.provider.clone(),
            kind: o.kind,
            municipality: o.municipality.clone(),
            when: o.when.clone(),
            times: o.times.clone(),
            contact: o.contact.clone(),
            url: o.url.clone(),
            km: (geodesic_km(venue, o.location()) * 10.0).round() / 10.0,
        })
        .collect();
    out.sort_by(|a, b| a.km.total_cmp(&b.km).then_with(|| a.offer.cmp(&b.offer)));
    out.truncate(MAX_REFERRALS);
    out
}
