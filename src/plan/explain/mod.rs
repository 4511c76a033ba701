//! Why a request is left uncovered, in terms a coordinator can act on (docs/model.md,
//! §10). Built from the recorded rejection of every pair and from the rota.

use serde::{Deserialize, Serialize};

use crate::i18n::{Ids, Lang, Localized, Naming};

use super::eligibility::Eligibility;
use super::instance::Instance;
use super::params::ClusterMode;
use super::rules::Rule;

mod busy;

use busy::busy;
pub use busy::{Busy, Limit};

/// One reason a request is uncovered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The association has not opted in to cluster cooperation.
    NotOptedIn,
    /// `fixed` cluster mode and the association belongs to no cluster.
    NoCluster,
    /// `open` mode, and no hub whose instructors may come lends outside its own cluster.
    NoLender,
    /// No instructor (of the cluster) teaches the topic.
    NoTopic { topic: String },
    /// Instructors teach the topic, but none of them speaks the language.
    NoLanguage { language: String },
    /// A drop-in in several languages: of the instructors who could come, none speaks
    /// this one.
    NoSpeakerCanCome { language: String },
    /// Qualified instructors exist, but the nearest is too far away.
    TooFar {
        nearest: String,
        km: f64,
        limit: f64,
        /// The nearest one's one-way minutes, when a minute limit applies to them (runs
        /// stored before minute limits have neither).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minute_limit: Option<u32>,
    },
    /// Qualified instructors in range are not free at the session times or away on dates
    /// (each with the time rules they fail and the dates they fail them on).
    Unavailable { instructors: Vec<Unavailable> },
    /// Fewer eligible instructors than the request needs.
    TooFewEligible { needed: u32, eligible: u32 },
    /// Every eligible instructor is busy with other requests (named, with priority). The
    /// reason of runs stored before `Busy`; kept so that they still read.
    TakenByOthers { taken: Vec<(String, String, u8)> },
    /// What keeps each eligible instructor from taking the request: the limits their rota
    /// with it would break.
    Busy { instructors: Vec<Busy> },
    /// Qualified instructors who have answered no (their "no" is law).
    Declined { instructors: Vec<String> },
}

impl Localized for Reason {
    /// The reason with records named by their ids; a person reads `told`.
    fn localized(&self, lang: Lang) -> String {
        self.told(lang, &Ids)
    }
}

impl Reason {
    /// The reason as a person reads it: instructors, associations and requests named as
    /// `names` names them.
    pub fn told(&self, lang: Lang, names: &dyn Naming) -> String {
        let nb = lang == Lang::Nb;
        match self {
            Reason::NotOptedIn => lang
                .pick(
                    "foreningen er ikke med i klyngesamarbeidet",
                    "the association has not opted in to cluster cooperation",
                )
                .into(),
            Reason::NoCluster => lang
                .pick(
                    "foreningen hører ikke til noen klynge",
                    "the association belongs to no cluster",
                )
                .into(),
            Reason::NoLender => lang
                .pick(
                    "ingen hub låner ut instruktører utenfor sin egen klynge hit",
                    "no hub lends instructors outside its own cluster to here",
                )
                .into(),
            Reason::NoTopic { topic } => {
                if nb {
                    format!("ingen instruktør underviser i «{topic}»")
                } else {
                    format!("no instructor teaches '{topic}'")
                }
            }
            Reason::NoLanguage { language } => {
                if nb {
                    format!("ingen som underviser i emnet snakker språket «{language}»")
                } else {
                    format!("nobody who teaches the topic speaks '{language}'")
                }
            }
            Reason::NoSpeakerCanCome { language } => {
                if nb {
                    format!("ingen av dem som kan komme, snakker språket «{language}»")
                } else {
                    format!("nobody who can come speaks '{language}'")
                }
            }
            Reason::TooFar {
                nearest,
                km,
                limit,
                minutes,
                minute_limit,
            } => {
                let nearest = names.instructor(nearest);
                let mut text = if nb {
                    format!(
                        "nærmeste kvalifiserte instruktør ({nearest}) er {km:.0} km unna (grense {limit:.0} km)"
                    )
                } else {
                    format!(
                        "the nearest qualified instructor ({nearest}) is {km:.0} km away (limit {limit:.0} km)"
                    )
                };
                if let (Some(m), Some(l)) = (minutes, minute_limit) {
                    text.push_str(&if nb {
                        format!(", {m} minutter én vei (grense {l} minutter)")
                    } else {
                        format!(", {m} minutes one way (limit {l} minutes)")
                    });
                }
                text
            }
            Reason::Unavailable { instructors } => {
                let list: Vec<String> = instructors
                    .iter()
                    .map(|u| {
                        let rules: Vec<String> = u
                            .rules
                            .iter()
                            .map(|r| r.name(lang).to_lowercase())
                            .collect();
                        format!(
                            "{}: {} ({})",
                            names.instructor(&u.instructor),
                            rules.join(", "),
                            dates_text(&u.dates, lang)
                        )
                    })
                    .collect();
                if nb {
                    format!(
                        "kvalifiserte instruktører innen rekkevidde er ikke ledige ({})",
                        list.join("; ")
                    )
                } else {
                    format!(
                        "qualified instructors in range are not available ({})",
                        list.join("; ")
                    )
                }
            }
            Reason::Declined { instructors } => {
                let instructors: Vec<&str> =
                    instructors.iter().map(|i| names.instructor(i)).collect();
                if nb {
                    format!("har takket nei: {}", instructors.join(", "))
                } else {
                    format!("declined by {}", instructors.join(", "))
                }
            }
            Reason::TooFewEligible { needed, eligible } => {
                if nb {
                    format!("trenger {needed} instruktører, men bare {eligible} kan ta kurset")
                } else {
                    format!("needs {needed} instructors, but only {eligible} can take it")
                }
            }
            Reason::Busy { instructors } => {
                let list: Vec<String> = instructors.iter().map(|b| b.told(lang, names)).collect();
                if nb {
                    format!("alle aktuelle instruktører er opptatt: {}", list.join("; "))
                } else {
                    format!("every eligible instructor is busy: {}", list.join("; "))
                }
            }
            Reason::TakenByOthers { taken } => {
                let list: Vec<String> = taken
                    .iter()
                    .map(|(i, r, p)| {
                        format!(
                            "{} → {} ({} {p})",
                            names.instructor(i),
                            names.request(r),
                            lang.pick("prioritet", "priority")
                        )
                    })
                    .collect();
                if nb {
                    format!(
                        "alle aktuelle instruktører er opptatt med andre forespørsler: {}",
                        list.join(", ")
                    )
                } else {
                    format!(
                        "every eligible instructor is busy with other requests: {}",
                        list.join(", ")
                    )
                }
            }
        }
    }
}

/// One qualified instructor in range who cannot take the request's sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    pub instructor: String,
    pub rules: Vec<Rule>,
    pub dates: Vec<chrono::NaiveDate>,
}

/// The reasons request `r` is uncovered, given the rota's assignments as (pair index).
pub fn reasons(inst: &Instance, elig: &Eligibility, r: usize, chosen: &[usize]) -> Vec<Reason> {
    let ds = inst.ds;
    let req = inst.request(r);
    let n_i = inst.n_instructors();
    let eligible = &elig.by_request[r];
    // Who said no to this request: a reason of its own, never "not available".
    let declined: Vec<String> = (0..n_i)
        .filter(|&i| elig.mask(i, r) & Rule::Declined.bit() != 0)
        .map(|i| ds.instructors[i].id.clone())
        .collect();
    let with_declined = |mut reasons: Vec<Reason>| {
        if !declined.is_empty() {
            reasons.push(Reason::Declined {
                instructors: declined.clone(),
            });
        }
        reasons
    };
    if !eligible.is_empty() {
        let mut out = Vec::new();
        let needed = inst.units[r].staff;
        if eligible.len() < needed as usize {
            out.push(Reason::TooFewEligible {
                needed,
                eligible: eligible.len() as u32,
            });
            return with_declined(out);
        }
        let unspoken = inst.units[r].cover.iter().find(|l| {
            !eligible
                .iter()
                .any(|&p| ds.instructors[elig.pairs[p].i].languages.contains(l))
        });
        if let Some(language) = unspoken {
            return with_declined(vec![Reason::NoSpeakerCanCome {
                language: language.clone(),
            }]);
        }
        let instructors = eligible
            .iter()
            .map(|&p| busy(inst, elig, p, chosen))
            .collect();
        out.push(Reason::Busy { instructors });
        return out;
    }
    let masks: Vec<u8> = (0..n_i).map(|i| elig.mask(i, r)).collect();
    let assoc = &ds.associations[inst.association_index[req.association.as_str()]];
    if !assoc.opt_in {
        return vec![Reason::NotOptedIn];
    }
    if inst.cluster_mode != ClusterMode::Open && assoc.cluster.is_none() {
        return vec![Reason::NoCluster];
    }
    let passes = |m: u8, rules: &[Rule]| rules.iter().all(|rule| m & rule.bit() == 0);
    let in_cluster: Vec<usize> = (0..n_i)
        .filter(|&i| passes(masks[i], &[Rule::Cluster]))
        .collect();
    if in_cluster.is_empty() && inst.cluster_mode == ClusterMode::Open && n_i > 0 {
        return vec![Reason::NoLender];
    }
    let with_topic: Vec<usize> = in_cluster
        .iter()
        .copied()
        .filter(|&i| passes(masks[i], &[Rule::Topic]))
        .collect();
    if with_topic.is_empty() {
        return vec![Reason::NoTopic {
            topic: req.topic.clone(),
        }];
    }
    let qualified: Vec<usize> = with_topic
        .iter()
        .copied()
        .filter(|&i| passes(masks[i], &[Rule::Language]))
        .collect();
    if qualified.is_empty() {
        return vec![Reason::NoLanguage {
            language: req.language.clone(),
        }];
    }
    let in_range: Vec<usize> = qualified
        .iter()
        .copied()
        .filter(|&i| passes(masks[i], &[Rule::Distance, Rule::Declined]))
        .collect();
    if in_range.is_empty() {
        let nearest = qualified
            .iter()
            .copied()
            .filter_map(|i| elig.km(i, r).map(|km| (i, km)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, km)) = nearest {
            let ins = &ds.instructors[i];
            let limit = super::eligibility::km_limit(&inst.params, ins);
            let minute_limit = super::eligibility::minute_limit(&inst.params, ins);
            let minutes = minute_limit.map(|_| inst.travel_of(i, r).minutes);
            return with_declined(vec![Reason::TooFar {
                nearest: ins.id.clone(),
                km,
                limit,
                minutes,
                minute_limit,
            }]);
        }
        if !declined.is_empty() {
            return with_declined(Vec::new());
        }
    }
    let instructors = in_range
        .iter()
        .map(|&i| {
            let ins = &ds.instructors[i];
            let rules: Vec<Rule> = Rule::in_mask(masks[i])
                .filter(|rule| matches!(rule, Rule::Availability | Rule::Blackout))
                .collect();
            let m = i64::from(inst.travel_of(i, r).minutes);
            let dates = inst.sessions[r]
                .iter()
                .filter(|s| {
                    use chrono::Datelike;
                    let (from, to) = (s.start.minutes() - m, s.end.minutes() + m);
                    let fits = ins.availability.iter().any(|slot| {
                        slot.weekday == s.date.weekday()
                            && slot.start.minutes() <= from
                            && to <= slot.end.minutes()
                    });
                    let away = ins
                        .blackouts
                        .iter()
                        .any(|b| b.from <= s.date && s.date <= b.to);
                    !fits || away
                })
                .map(|s| s.date)
                .collect();
            Unavailable {
                instructor: ins.id.clone(),
                rules,
                dates,
            }
        })
        .collect();
    with_declined(vec![Reason::Unavailable { instructors }])
}

/// "all 6 dates", or the dates themselves when only some fail.
fn dates_text(dates: &[chrono::NaiveDate], lang: Lang) -> String {
    let list: Vec<String> = dates
        .iter()
        .map(|d| d.format("%d.%m.").to_string())
        .collect();
    match lang {
        Lang::Nb => format!(
            "{} {}",
            if dates.len() == 1 { "dato" } else { "datoer" },
            list.join(", ")
        ),
        Lang::En => format!(
            "{} {}",
            if dates.len() == 1 { "date" } else { "dates" },
            list.join(", ")
        ),
    }
}
