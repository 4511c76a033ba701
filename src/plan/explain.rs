//! Why a request is left uncovered, in terms a coordinator can act on (docs/model.md,
//! §10). Built from the recorded rejection of every pair and from the rota.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localized};

use super::eligibility::Eligibility;
use super::instance::Instance;
use super::params::ClusterMode;
use super::rules::Rule;

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
    /// Qualified instructors exist, but the nearest is too far away.
    TooFar {
        nearest: String,
        km: f64,
        limit: f64,
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

/// One eligible instructor who cannot take the request on top of their rota, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Busy {
    pub instructor: String,
    /// Empty: none binds on its own (the request needs more instructors at once).
    pub limits: Vec<Limit>,
}

/// A limit the request would break for one instructor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum Limit {
    /// A session of another course the instructor has, which overlaps one of the request's
    /// (travel included).
    Clash {
        request: String,
        date: chrono::NaiveDate,
        start: crate::model::Hm,
        end: crate::model::Hm,
    },
    /// An ISO week (`year * 100 + week`) whose sessions, with the request's, exceed the
    /// instructor's `max_sessions_per_week`.
    Week { week: u32, sessions: u32, max: u32 },
    /// An ISO week whose hours (teaching and travel), with the request's, exceed
    /// `max_hours_per_week`.
    Hours { week: u32, hours: f64, max: f64 },
    /// The term's sessions with the request's exceed `max_sessions_total`.
    Total { sessions: u32, max: u32 },
    /// The instructor's hub would lend more sessions outside its cluster than its
    /// `lend_cap_sessions` (open mode).
    Lending {
        hub: String,
        sessions: u32,
        max: u32,
    },
}

/// ISO weeks (`year * 100 + week`) as people say them: `uke 3, 4 og 5 (2027)` /
/// `weeks 3, 4 and 5 of 2027`.
fn weeks_text(weeks: &[u32], lang: Lang) -> String {
    let years: std::collections::BTreeSet<u32> = weeks.iter().map(|w| w / 100).collect();
    let list: Vec<String> = weeks
        .iter()
        .map(|w| {
            if years.len() == 1 {
                (w % 100).to_string()
            } else {
                format!("{}/{}", w % 100, w / 100)
            }
        })
        .collect();
    let joined = match list.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("og", "and")),
        [] => String::new(),
    };
    let year = (years.len() == 1).then(|| years.first().copied()).flatten();
    match (lang, year, weeks.len()) {
        (Lang::Nb, Some(y), _) => format!("uke {joined} ({y})"),
        (Lang::Nb, None, _) => format!("uke {joined}"),
        (Lang::En, Some(y), 1) => format!("week {joined} of {y}"),
        (Lang::En, Some(y), _) => format!("weeks {joined} of {y}"),
        (Lang::En, None, _) => format!("weeks {joined}"),
    }
}

impl Limit {
    /// Phrases for a list of limits; weeks over the same limit are said once.
    fn phrases(limits: &[Limit], lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        let mut week_groups: Vec<((u32, u32), Vec<u32>)> = Vec::new();
        let mut hour_groups: Vec<(u64, Vec<(u32, f64)>)> = Vec::new();
        for l in limits {
            match l {
                Limit::Clash {
                    request,
                    date,
                    start,
                    end,
                } => out.push(match lang {
                    Lang::Nb => format!(
                        "kolliderer med {request} {} {start}–{end}",
                        date.format("%d.%m.")
                    ),
                    Lang::En => format!(
                        "clashes with {request} on {} {start}–{end}",
                        date.format("%d.%m.")
                    ),
                }),
                Limit::Week {
                    week,
                    sessions,
                    max,
                } => match week_groups.iter_mut().find(|g| g.0 == (*sessions, *max)) {
                    Some(g) => g.1.push(*week),
                    None => week_groups.push(((*sessions, *max), vec![*week])),
                },
                Limit::Hours { week, hours, max } => {
                    match hour_groups.iter_mut().find(|g| g.0 == max.to_bits()) {
                        Some(g) => g.1.push((*week, *hours)),
                        None => hour_groups.push((max.to_bits(), vec![(*week, *hours)])),
                    }
                }
                Limit::Total { sessions, max } => out.push(match lang {
                    Lang::Nb => format!("{sessions} kursdager i alt, grense {max}"),
                    Lang::En => format!("{sessions} sessions in all, limit {max}"),
                }),
                Limit::Lending { hub, sessions, max } => out.push(match lang {
                    Lang::Nb => format!(
                        "{hub} ville lånt ut {sessions} kursdager utenfor klyngen, grense {max}"
                    ),
                    Lang::En => format!(
                        "{hub} would lend {sessions} sessions outside its cluster, limit {max}"
                    ),
                }),
            }
        }
        for ((sessions, max), weeks) in week_groups {
            let each = if weeks.len() > 1 {
                lang.pick(" hver", " each")
            } else {
                ""
            };
            out.push(match lang {
                Lang::Nb => format!(
                    "{}: {sessions} kursdager{each}, grense {max}",
                    weeks_text(&weeks, lang)
                ),
                Lang::En => format!(
                    "{}: {sessions} sessions{each}, limit {max}",
                    weeks_text(&weeks, lang)
                ),
            });
        }
        for (max, weeks) in hour_groups {
            let most = weeks.iter().map(|w| w.1).fold(0.0, f64::max);
            let list: Vec<u32> = weeks.iter().map(|w| w.0).collect();
            let upto = if weeks.len() > 1 {
                lang.pick("opptil ", "up to ")
            } else {
                ""
            };
            out.push(format!(
                "{}: {upto}{} {}, {} {}",
                weeks_text(&list, lang),
                lang.number(most, 1),
                lang.pick("timer", "hours"),
                lang.pick("grense", "limit"),
                lang.number(f64::from_bits(max), 1)
            ));
        }
        out
    }
}

/// At most this many limits are named per instructor; the rest are counted.
const LIMITS_SHOWN: usize = 3;

impl Busy {
    fn localized(&self, lang: Lang) -> String {
        if self.limits.is_empty() {
            return format!(
                "{}: {}",
                self.instructor,
                lang.pick(
                    "ledig, men ikke nok andre er ledige samtidig",
                    "free, but not enough others are free at the same time"
                )
            );
        }
        let phrases = Limit::phrases(&self.limits, lang);
        let mut shown: Vec<String> = phrases.iter().take(LIMITS_SHOWN).cloned().collect();
        let more = phrases.len().saturating_sub(LIMITS_SHOWN);
        if more > 0 {
            shown.push(match lang {
                Lang::Nb => format!("og {more} til"),
                Lang::En => format!("and {more} more"),
            });
        }
        format!("{}: {}", self.instructor, shown.join(", "))
    }
}

impl Localized for Reason {
    fn localized(&self, lang: Lang) -> String {
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
            Reason::TooFar { nearest, km, limit } => {
                if nb {
                    format!(
                        "nærmeste kvalifiserte instruktør ({nearest}) er {km:.0} km unna (grense {limit:.0} km)"
                    )
                } else {
                    format!(
                        "the nearest qualified instructor ({nearest}) is {km:.0} km away (limit {limit:.0} km)"
                    )
                }
            }
            Reason::Unavailable { instructors } => {
                let list: Vec<String> = instructors
                    .iter()
                    .map(|u| {
                        let names: Vec<String> = u
                            .rules
                            .iter()
                            .map(|r| r.name(lang).to_lowercase())
                            .collect();
                        format!(
                            "{}: {} ({})",
                            u.instructor,
                            names.join(", "),
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
                let list: Vec<String> = instructors.iter().map(|b| b.localized(lang)).collect();
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
                        format!("{i} → {r} ({} {p})", lang.pick("prioritet", "priority"))
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
    let req = &ds.requests[r];
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
        if eligible.len() < req.instructors_needed as usize {
            out.push(Reason::TooFewEligible {
                needed: req.instructors_needed,
                eligible: eligible.len() as u32,
            });
            return with_declined(out);
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
            let limit = inst.params.max_km.map_or(ins.max_km, |m| m.min(ins.max_km));
            return with_declined(vec![Reason::TooFar {
                nearest: ins.id.clone(),
                km,
                limit,
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
            let m = i64::from(
                inst.travel
                    .travel(
                        &ins.id,
                        &ins.association,
                        inst.homes[i],
                        &req.association,
                        inst.venues[r],
                    )
                    .minutes,
            );
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

/// The limits pair `p` would break on top of the rota `chosen`: each clash with another
/// course of the instructor, each week over the session or hour limit, the term's total.
fn busy(inst: &Instance, elig: &Eligibility, p: usize, chosen: &[usize]) -> Busy {
    use super::instance::absolute_minute;
    use super::load::weekly_load;
    let pair = &elig.pairs[p];
    let ins = &inst.ds.instructors[pair.i];
    let mine: Vec<&super::eligibility::Pair> = chosen
        .iter()
        .map(|&q| &elig.pairs[q])
        .filter(|q| q.i == pair.i && q.r != pair.r)
        .collect();
    let widened = |q: &super::eligibility::Pair, s: &crate::model::Session| {
        let m = i64::from(q.travel.minutes);
        (
            absolute_minute(s.date, s.start.minutes() - m),
            absolute_minute(s.date, s.end.minutes() + m),
        )
    };
    let mut limits = Vec::new();
    // Clashes: one per other course, its first clashing session.
    for q in &mine {
        let clash = inst.sessions[q.r].iter().find(|t| {
            let (a0, a1) = widened(q, t);
            inst.sessions[pair.r].iter().any(|s| {
                let (b0, b1) = widened(pair, s);
                a0 < b1 && b0 < a1
            })
        });
        if let Some(t) = clash {
            limits.push(Limit::Clash {
                request: inst.ds.requests[q.r].id.clone(),
                date: t.date,
                start: t.start,
                end: t.end,
            });
        }
    }
    // Weeks: the request's load on top of the rota's.
    let mut rota: std::collections::BTreeMap<u32, (u32, f64)> = Default::default();
    for q in &mine {
        for (w, (n, h)) in weekly_load(inst, q) {
            let e = rota.entry(w).or_insert((0, 0.0));
            e.0 += n;
            e.1 += h;
        }
    }
    for (w, (n, h)) in weekly_load(inst, pair) {
        let (on, oh) = rota.get(&w).copied().unwrap_or((0, 0.0));
        if on + n > ins.max_sessions_per_week {
            limits.push(Limit::Week {
                week: w,
                sessions: on + n,
                max: ins.max_sessions_per_week,
            });
        }
        if let Some(max) = ins.max_hours_per_week
            && oh + h > max + 1e-9
        {
            limits.push(Limit::Hours {
                week: w,
                hours: ((oh + h) * 10.0).round() / 10.0,
                max,
            });
        }
    }
    if let Some(max) = ins.max_sessions_total {
        let total: usize = mine.iter().map(|q| inst.sessions[q.r].len()).sum::<usize>()
            + inst.sessions[pair.r].len();
        if total > max as usize {
            limits.push(Limit::Total {
                sessions: total as u32,
                max,
            });
        }
    }
    if let Some((h, cap)) = inst.capped_lending(pair.i, pair.r) {
        let lent: usize = chosen
            .iter()
            .map(|&q| &elig.pairs[q])
            .filter(|q| inst.capped_lending(q.i, q.r).is_some_and(|(g, _)| g == h))
            .map(|q| inst.sessions[q.r].len())
            .sum::<usize>()
            + inst.sessions[pair.r].len();
        if lent > cap as usize {
            limits.push(Limit::Lending {
                hub: inst.ds.associations[h].id.clone(),
                sessions: lent as u32,
                max: cap,
            });
        }
    }
    Busy {
        instructor: ins.id.clone(),
        limits,
    }
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
