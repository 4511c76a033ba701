//! Synthetic datasets with real Norwegian geography, for tests and benchmarks.
//!
//! Hubs are placed in the most populous municipalities (kept at least 40 km apart), small
//! associations in other municipalities within 120 km of a hub, drawn by population, and each small association
//! joins the cluster of its nearest hub when one is within 100 km. The municipality table
//! (`fixtures/norway_municipalities.csv`, all 357 with coordinates) is compiled in, so the
//! generator works from any directory. The same seed always gives the same dataset.
//!
//! Long because `generate_spec` draws hubs, clusters, instructors and requests from one
//! seeded random sequence in a fixed order (the same seed must give the same data), and
//! its tests sit beside it.

use chrono::{Duration, NaiveDate};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{
    Association, AssociationKind, Blackout, Dataset, Hm, Instructor, LatLon, Request, Series, Slot,
};
use crate::travel::geodesic_km;

const MUNICIPALITIES: &str = include_str!("../fixtures/norway_municipalities.csv");

pub const TOPICS: [&str; 7] = [
    "smarttelefon",
    "nettbank",
    "bankid",
    "helsenorge",
    "epost",
    "pc-grunnkurs",
    "digital-sikkerhet",
];

/// A municipality from the reference table.
#[derive(Clone, Debug)]
pub struct Municipality {
    pub number: String,
    pub name: String,
    pub county: String,
    pub population: u64,
    pub location: LatLon,
}

/// All municipalities of the compiled-in table.
pub fn municipalities() -> Vec<Municipality> {
    let mut reader = csv::Reader::from_reader(MUNICIPALITIES.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            Some(Municipality {
                number: r.get(0)?.to_owned(),
                name: r.get(1)?.to_owned(),
                county: r.get(2)?.to_owned(),
                population: r.get(4)?.parse().ok()?,
                location: LatLon {
                    lat: r.get(6)?.parse().ok()?,
                    lon: r.get(7)?.parse().ok()?,
                },
            })
        })
        .collect()
}

/// An association id for a municipality: its name as ASCII, plus its number (two
/// municipalities share the name Herøy, two Våler).
fn association_id(m: &Municipality) -> String {
    format!("{}-{}", slug(&m.name), m.number)
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => 'e',
            'ø' => 'o',
            'å' => 'a',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect()
}

/// What to generate. `None` counts follow the instructors: one hub per 40 (1 to 40), one
/// small association per 3 (at least 3), 1.6 requests each.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub instructors: usize,
    pub requests: Option<usize>,
    pub hubs: Option<usize>,
    pub small: Option<usize>,
    /// Only the municipalities of this county (by name, any case); all of Norway if `None`.
    pub county: Option<String>,
    /// `true`: no small association names a cluster, so the dataset plans in `open` mode.
    pub open: bool,
}

/// Why a spec cannot be generated.
#[derive(Clone, Debug, PartialEq)]
pub enum SpecError {
    UnknownCounty {
        given: String,
        known: Vec<String>,
    },
    /// Fewer municipalities than hubs plus one small association.
    TooFewMunicipalities {
        county: String,
        municipalities: usize,
    },
    Zero(&'static str),
}

impl crate::i18n::Localized for SpecError {
    fn localized(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (SpecError::UnknownCounty { given, known }, Lang::Nb) => {
                format!(
                    "ukjent fylke «{given}»; kjente fylker: {}",
                    known.join(", ")
                )
            }
            (SpecError::UnknownCounty { given, known }, Lang::En) => {
                format!(
                    "unknown county '{given}'; known counties: {}",
                    known.join(", ")
                )
            }
            (
                SpecError::TooFewMunicipalities {
                    county,
                    municipalities,
                },
                Lang::Nb,
            ) => format!(
                "{county} har bare {municipalities} kommuner: for få til så mange huber og minst én liten forening"
            ),
            (
                SpecError::TooFewMunicipalities {
                    county,
                    municipalities,
                },
                Lang::En,
            ) => format!(
                "{county} has only {municipalities} municipalities: too few for that many hubs and at least one small association"
            ),
            (SpecError::Zero(what), Lang::Nb) => format!("--{what} må være minst 1"),
            (SpecError::Zero(what), Lang::En) => format!("--{what} must be at least 1"),
        }
    }
}

/// A dataset with `instructors` instructors, about 1.6 requests per instructor, over a
/// 12-week term from Monday 11 January 2027.
pub fn generate(instructors: usize, seed: u64) -> Dataset {
    generate_spec(
        &Spec {
            instructors: instructors.max(1),
            ..Spec::default()
        },
        seed,
    )
    .expect("the default spec always generates")
}

/// A dataset as `spec` says; the same spec and seed always give the same dataset.
pub fn generate_spec(spec: &Spec, seed: u64) -> Result<Dataset, SpecError> {
    let instructors = spec.instructors;
    for (what, n) in [
        ("instructors", Some(instructors)),
        ("requests", spec.requests),
        ("hubs", spec.hubs),
        ("small", spec.small),
    ] {
        if n == Some(0) {
            return Err(SpecError::Zero(what));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut munis = municipalities();
    let mut region = String::from("Norge");
    if let Some(county) = &spec.county {
        let mut known: Vec<String> = munis.iter().map(|m| m.county.clone()).collect();
        known.sort();
        known.dedup();
        let Some(name) = known
            .iter()
            .find(|k| k.to_lowercase() == county.trim().to_lowercase())
        else {
            return Err(SpecError::UnknownCounty {
                given: county.clone(),
                known,
            });
        };
        region = name.clone();
        munis.retain(|m| &m.county == name);
    }
    munis.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then(a.number.cmp(&b.number))
    });

    let n_hubs = spec.hubs.unwrap_or((instructors / 40).clamp(1, 40));
    if munis.len() < n_hubs + 1 {
        return Err(SpecError::TooFewMunicipalities {
            county: region,
            municipalities: munis.len(),
        });
    }
    // Hubs at least 40 km apart while that is possible; closer when asked for more.
    let mut hubs: Vec<usize> = Vec::new();
    for (k, m) in munis.iter().enumerate() {
        if hubs.len() == n_hubs {
            break;
        }
        if hubs
            .iter()
            .all(|&h| geodesic_km(munis[h].location, m.location) >= 40.0)
        {
            hubs.push(k);
        }
    }
    // Asked for more hubs than fit 40 km apart: the most populous of the rest.
    for k in 0..munis.len() {
        if hubs.len() >= n_hubs {
            break;
        }
        if !hubs.contains(&k) {
            hubs.push(k);
        }
    }
    let mut ds = Dataset::default();
    for &h in &hubs {
        let m = &munis[h];
        ds.associations.push(Association {
            id: format!("hub-{}", association_id(m)),
            name: format!("Seniornett {}", m.name),
            kind: AssociationKind::Hub,
            lat: m.location.lat,
            lon: m.location.lon,
            municipality: m.name.clone(),
            opt_in: true,
            cluster: None,
            lends: true,
            lend_cap_sessions: None,
            email: None,
            lang: None,
            origin: Default::default(),
        });
    }

    // Small associations: other municipalities, drawn by population.
    let n_small = spec.small.unwrap_or((instructors / 3).max(3));
    // Only municipalities within 120 km of a hub: a cluster is a neighbourhood.
    let mut pool: Vec<usize> = (0..munis.len())
        .filter(|k| !hubs.contains(k))
        .filter(|&k| {
            hubs.iter()
                .any(|&h| geodesic_km(munis[h].location, munis[k].location) <= 120.0)
        })
        .collect();
    if pool.is_empty() {
        return Err(SpecError::TooFewMunicipalities {
            county: region,
            municipalities: munis.len(),
        });
    }
    let mut smalls: Vec<usize> = Vec::new();
    while smalls.len() < n_small && !pool.is_empty() {
        let pick = *pool
            .choose_weighted(&mut rng, |&k| munis[k].population as f64)
            .expect("populations are positive");
        pool.retain(|&k| k != pick);
        smalls.push(pick);
    }
    for &s in &smalls {
        let m = &munis[s];
        let nearest = hubs
            .iter()
            .map(|&h| (h, geodesic_km(munis[h].location, m.location)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|&(_, km)| km <= 100.0);
        ds.associations.push(Association {
            id: association_id(m),
            name: format!("Seniornett {}", m.name),
            kind: AssociationKind::Small,
            lat: m.location.lat,
            lon: m.location.lon,
            municipality: m.name.clone(),
            opt_in: rng.random_bool(0.92),
            cluster: nearest
                .filter(|_| !spec.open)
                .map(|(h, _)| format!("hub-{}", association_id(&munis[h]))),
            lends: true,
            lend_cap_sessions: None,
            email: None,
            lang: None,
            origin: Default::default(),
        });
    }

    let term = NaiveDate::from_ymd_opt(2027, 1, 11).expect("valid date");
    let slots = [
        (9, 0, 15, 0),
        (10, 0, 16, 0),
        (8, 0, 14, 0),
        (12, 0, 18, 0),
        (8, 0, 16, 0),
        (17, 0, 21, 30),
    ];
    let weekdays = [
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
    ];
    let hub_weights: Vec<f64> = hubs.iter().map(|&h| munis[h].population as f64).collect();
    let first_names = [
        "Kari", "Ola", "Ingrid", "Per", "Liv", "Bjørn", "Anne", "Knut", "Solveig", "Arne", "Randi",
        "Terje", "Amina", "Piotr", "Fatima", "Hassan",
    ];
    let last_names = [
        "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg",
        "Haugen", "Bakke", "Lie", "Dahl",
    ];
    for n in 0..instructors {
        let h = *(0..hubs.len())
            .collect::<Vec<_>>()
            .choose_weighted(&mut rng, |&k| hub_weights[k])
            .expect("there is a hub");
        let hub = &ds.associations[h];
        let (lat, lon) = if rng.random_bool(0.6) {
            (
                Some(hub.lat + rng.random_range(-0.12..0.12)),
                Some(hub.lon + rng.random_range(-0.25..0.25)),
            )
        } else {
            (None, None)
        };
        let mut topics: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
        topics.shuffle(&mut rng);
        topics.truncate(rng.random_range(2..=4));
        let mut languages = vec!["nb".to_string()];
        for (code, p) in [
            ("en", 0.3),
            ("ar", 0.05),
            ("pl", 0.05),
            ("so", 0.03),
            ("ti", 0.03),
        ] {
            if rng.random_bool(p) {
                languages.push(code.into());
            }
        }
        let mut days = weekdays.to_vec();
        days.shuffle(&mut rng);
        let availability = days[..rng.random_range(2..=4)]
            .iter()
            .map(|&weekday| {
                let &(h1, m1, h2, m2) = slots.choose(&mut rng).expect("slots");
                Slot {
                    weekday,
                    start: Hm(h1 * 60 + m1),
                    end: Hm(h2 * 60 + m2),
                    origin: Default::default(),
                }
            })
            .collect();
        let blackouts = if rng.random_bool(0.2) {
            let from = term + Duration::days(rng.random_range(0..80));
            vec![Blackout {
                from,
                to: from + Duration::days(rng.random_range(4..10)),
                origin: Default::default(),
            }]
        } else {
            Vec::new()
        };
        ds.instructors.push(Instructor {
            id: format!("i{:04}", n + 1),
            name: format!(
                "{} {}",
                first_names.choose(&mut rng).expect("names"),
                last_names.choose(&mut rng).expect("names")
            ),
            association: hub.id.clone(),
            lat,
            lon,
            topics,
            languages,
            willing_languages: Vec::new(),
            max_km: *[30.0, 40.0, 50.0, 60.0, 80.0, 100.0]
                .choose(&mut rng)
                .expect("limits"),
            max_minutes: None,
            max_sessions_per_week: rng.random_range(1..=3),
            max_sessions_total: rng.random_bool(0.5).then(|| rng.random_range(10..=24)),
            max_hours_per_week: rng
                .random_bool(0.3)
                .then(|| f64::from(rng.random_range(6..=12))),
            availability,
            blackouts,
            email: None,
            lang: None,
            origin: Default::default(),
        });
    }

    let n_requests = spec.requests.unwrap_or(instructors * 8 / 5);
    let small_ids: Vec<(String, f64)> = smalls
        .iter()
        .map(|&s| (association_id(&munis[s]), munis[s].population as f64))
        .collect();
    for n in 0..n_requests {
        let (association, _) = small_ids
            .choose_weighted(&mut rng, |s| s.1)
            .expect("small associations");
        let language = *[
            ("nb", 88),
            ("en", 6),
            ("ar", 2),
            ("pl", 2),
            ("so", 1),
            ("ti", 1),
        ]
        .choose_weighted(&mut rng, |l| l.1)
        .map(|l| &l.0)
        .expect("languages");
        let start_h = *[10u16, 11, 12, 13, 18].choose(&mut rng).expect("hours");
        let first_date = term + Duration::days(rng.random_range(0..4) * 7 + rng.random_range(0..5));
        ds.requests.push(Request {
            id: format!("r{:05}", n + 1),
            association: association.clone(),
            topic: TOPICS.choose(&mut rng).expect("topics").to_string(),
            language: language.into(),
            instructors_needed: if rng.random_bool(0.1) { 2 } else { 1 },
            format: Default::default(),
            slot_minutes: None,
            desks: None,
            priority: rng.random_range(1..=5),
            series: Some(Series {
                first_date,
                start: Hm(start_h * 60),
                end: Hm(start_h * 60 + 120),
                count: rng.random_range(4..=8),
                interval_days: 7,
            }),
            sessions: Vec::new(),
            venue_lat: None,
            venue_lon: None,
            origin: Default::default(),
        });
    }
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_all_municipalities() {
        let m = municipalities();
        assert_eq!(m.len(), 357);
        assert_eq!(m.iter().map(|m| m.population).sum::<u64>(), 5_550_203);
    }

    #[test]
    fn a_spec_sets_every_count_the_county_and_open_mode() {
        let spec = Spec {
            instructors: 50,
            requests: Some(70),
            hubs: Some(3),
            small: Some(9),
            county: Some("trøndelag".into()),
            open: true,
        };
        let ds = generate_spec(&spec, 4).expect("generates");
        assert_eq!(crate::model::validate(&ds), vec![]);
        let hubs = ds
            .associations
            .iter()
            .filter(|a| a.kind == AssociationKind::Hub)
            .count();
        assert_eq!((hubs, ds.associations.len() - hubs), (3, 9));
        assert_eq!((ds.instructors.len(), ds.requests.len()), (50, 70));
        let trondelag: Vec<String> = municipalities()
            .into_iter()
            .filter(|m| m.county == "Trøndelag")
            .map(|m| m.name)
            .collect();
        assert!(
            ds.associations
                .iter()
                .all(|a| trondelag.contains(&a.municipality))
        );
        assert!(ds.associations.iter().all(|a| a.cluster.is_none()));
        assert_eq!(
            generate_spec(&spec, 4).map(|d| d.to_canonical_json()),
            Ok(ds.to_canonical_json())
        );
    }

    #[test]
    fn a_spec_that_cannot_be_met_is_an_error_not_a_panic() {
        let bad = |spec: Spec| generate_spec(&spec, 1).expect_err("refused");
        let base = Spec {
            instructors: 10,
            ..Spec::default()
        };
        assert!(matches!(
            bad(Spec {
                county: Some("Atlantis".into()),
                ..base.clone()
            }),
            SpecError::UnknownCounty { .. }
        ));
        assert!(matches!(
            bad(Spec {
                county: Some("Oslo".into()),
                ..base.clone()
            }),
            SpecError::TooFewMunicipalities { .. }
        ));
        assert_eq!(
            bad(Spec {
                hubs: Some(0),
                ..base.clone()
            }),
            SpecError::Zero("hubs")
        );
        assert_eq!(
            bad(Spec {
                instructors: 0,
                ..base
            }),
            SpecError::Zero("instructors")
        );
    }

    #[test]
    fn same_seed_same_dataset_and_it_validates() {
        let a = generate(60, 7);
        let b = generate(60, 7);
        assert_eq!(a.to_canonical_json(), b.to_canonical_json());
        assert_ne!(a.to_canonical_json(), generate(60, 8).to_canonical_json());
        assert_eq!(crate::model::validate(&a), vec![]);
        assert_eq!(a.instructors.len(), 60);
        assert_eq!(a.requests.len(), 96);
    }
}
