//! The registry of other offers (issue 13, part 1): the library drop-ins, data cafés and
//! other organisations' courses that klynge refers seniors to when it has no instructor.
//! A coordinator keeps the offers of the municipalities their cluster is in; a coordinator
//! of all clusters keeps all of them. Offers are public information (the public overview
//! lists them), so nothing here is personal data — but the changes are audited like any
//! other edit of the current data, and checked by the same rules as `offers.csv`.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localized};
use crate::model::{Offer, OfferKind, OfferTime, Origin, ProblemKind};
use crate::store::{Principal, Role};

use super::edit::{Edited, field, upsert};
use super::error::{AppError, Result};
use super::records::{EDITED, Fields, MAX_LIST, MAX_NAME};
use super::requests::FieldError;
use super::service::Service;

/// An offer as the API shows and takes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRecord {
    #[schema(examples("o4"))]
    pub id: String,
    /// Who runs it: the library, an organisation.
    #[schema(examples("Malvik bibliotek"))]
    pub provider: String,
    /// `course`, `drop_in`, `one_to_one` or `cafe`.
    #[schema(examples("drop_in"))]
    pub kind: String,
    pub topics: Vec<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    #[schema(examples("Malvik"))]
    pub municipality: String,
    pub lat: f64,
    pub lon: f64,
    /// When, as people say it: "tirsdager 10–12".
    #[serde(default)]
    pub when: String,
    /// When, to the minute: `tir 12:00–14:00` every week, or `03.02.2027 10:00–12:00`.
    #[serde(default)]
    pub times: Vec<String>,
    /// A phone number or an e-mail address to ask.
    #[serde(default)]
    pub contact: String,
    /// A public web page (http or https).
    #[serde(default)]
    pub url: String,
}

impl From<&Offer> for OfferRecord {
    fn from(o: &Offer) -> Self {
        OfferRecord {
            id: o.id.clone(),
            provider: o.provider.clone(),
            kind: OfferKind::NAMES[o.kind as usize].into(),
            topics: o.topics.clone(),
            languages: o.languages.clone(),
            municipality: o.municipality.clone(),
            lat: o.lat,
            lon: o.lon,
            when: o.when.clone(),
            times: o.times.iter().map(ToString::to_string).collect(),
            contact: o.contact.clone(),
            url: o.url.clone(),
        }
    }
}

/// Reads an offer record into the model; every field error at once. The dataset rules
/// (`validate`) then check what they check for `offers.csv`.
pub fn read_offer(r: &OfferRecord, lang: Lang) -> std::result::Result<Offer, Vec<FieldError>> {
    let mut f = Fields::new(lang);
    let id = f.id(&r.id);
    let provider = f.text("provider", &r.provider, MAX_NAME);
    let kind = OfferKind::parse(&r.kind).unwrap_or_else(|| {
        f.push(
            "kind",
            "må være course, drop_in, one_to_one eller cafe",
            "must be course, drop_in, one_to_one or cafe",
        );
        OfferKind::Course
    });
    let topics = f.list("topics", &r.topics);
    let languages = f.list("languages", &r.languages);
    let municipality = f.text("municipality", &r.municipality, MAX_NAME);
    if r.times.len() > MAX_LIST {
        f.push("times", "listen er for lang", "the list is too long");
    }
    let times = r
        .times
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .filter_map(|(k, t)| {
            let parsed = OfferTime::parse(t);
            if parsed.is_none() {
                f.push_msg(
                    &format!("times[{k}]"),
                    ProblemKind::NotAnOfferTime(crate::model::shorten(t.trim())).localized(lang),
                );
            }
            parsed
        })
        .collect();
    let mut free = |field: &str, v: &str| {
        let v = v.trim();
        if v.chars().count() > 2 * MAX_NAME {
            f.push(field, "for lang", "too long");
        }
        v.to_owned()
    };
    let offer = Offer {
        id,
        provider,
        kind,
        topics,
        languages,
        municipality,
        lat: r.lat,
        lon: r.lon,
        when: free("when", &r.when),
        times,
        contact: free("contact", &r.contact),
        url: free("url", &r.url),
        origin: Origin::new(EDITED, None),
    };
    if f.errors.is_empty() {
        Ok(offer)
    } else {
        Err(f.errors)
    }
}

impl Service {
    /// The offers `who` keeps, by provider.
    pub fn offers_for(&self, who: &Principal) -> Vec<OfferRecord> {
        let mut out: Vec<OfferRecord> = self
            .base()
            .offers
            .iter()
            .filter(|o| self.keeps_offers_in(who, &o.municipality))
            .map(OfferRecord::from)
            .collect();
        out.sort_by(|a, b| a.provider.cmp(&b.provider).then(a.id.cmp(&b.id)));
        out
    }

    /// One offer `who` keeps; any other is unknown (the same answer as one that is not).
    pub fn offer_for(&self, who: &Principal, id: &str) -> Result<OfferRecord> {
        self.offers_for(who)
            .into_iter()
            .find(|o| o.id == id)
            .ok_or_else(|| AppError::UnknownRecord(id.to_owned()))
    }

    /// Adds an offer (`existing = None`) or changes offer `existing`; the id may not change.
    pub async fn save_offer(
        &self,
        who: &Principal,
        existing: Option<&str>,
        record: &OfferRecord,
        lang: Lang,
    ) -> Result<Edited> {
        if let Some(id) = existing {
            self.offer_for(who, id)?;
            super::edit::same_id(id, &record.id, lang)?;
        }
        let offer = read_offer(record, lang).map_err(AppError::Fields)?;
        if !self.keeps_offers_in(who, &offer.municipality) {
            return Err(field(
                "municipality",
                lang.pick(
                    "du kan bare registrere tilbud i kommunene der klyngen din har foreninger",
                    "you can only register offers in the municipalities your cluster has associations in",
                ),
            ));
        }
        let action = if existing.is_some() {
            "edit offer"
        } else {
            "add offer"
        };
        self.change(who, action, &offer.id.clone(), lang, move |ds| {
            upsert(
                &mut ds.offers,
                |o| o.id == offer.id,
                offer.clone(),
                existing.is_none(),
                lang,
            )
        })
        .await
    }

    /// Removes an offer from the registry (past runs keep their referrals to it).
    pub async fn remove_offer(&self, who: &Principal, id: &str, lang: Lang) -> Result<Edited> {
        self.offer_for(who, id)?;
        self.change(who, "remove offer", id, lang, |ds| {
            ds.offers.retain(|o| o.id != id);
            Ok(())
        })
        .await
    }

    /// Whether `who` keeps the offers of `municipality`: a coordinator of all clusters
    /// every one; a hub's coordinator those where an association of their cluster is.
    fn keeps_offers_in(&self, who: &Principal, municipality: &str) -> bool {
        if who.role != Role::Coordinator {
            return false;
        }
        if who.subject == "*" {
            return true;
        }
        let wanted = municipality.trim().to_lowercase();
        self.base().associations.iter().any(|a| {
            a.municipality.trim().to_lowercase() == wanted && self.coordinator_sees(who, &a.id)
        })
    }
}
