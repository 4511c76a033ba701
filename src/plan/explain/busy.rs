//! "Busy": what keeps an eligible instructor from taking an uncovered request — the limits
//! their rota with it would break (docs/model.md §10), and how they are said.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Naming};

use super::super::eligibility::Eligibility;
use super::super::instance::Instance;

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
    /// A session of another course the instructor has, which conflicts with one of the
    /// request's (travel included, except between sessions at one venue on one day).
    Clash {
        request: String,
        date: chrono::NaiveDate,
        start: crate::model::Hm,
        end: crate::model::Hm,
    },
    /// An ISO week (`year * 100 + week`) whose sessions, with the request's, exceed the
    /// instructor's `max_sessions_per_week`.
    Week { week: u32, sessions: u32, max: u32 },
    /// An ISO week whose hours (teaching, and one round trip per venue and day), with the
    /// request's, exceed `max_hours_per_week`.
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
    fn phrases(limits: &[Limit], lang: Lang, names: &dyn Naming) -> Vec<String> {
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
                        "kolliderer med {} {} {start}–{end}",
                        names.request(request),
                        lang.short_date(*date)
                    ),
                    Lang::En => format!(
                        "clashes with {} on {} {start}–{end}",
                        names.request(request),
                        lang.short_date(*date)
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
                Limit::Lending { hub, sessions, max } => {
                    let hub = names.association(hub);
                    out.push(match lang {
                        Lang::Nb => format!(
                            "{hub} ville lånt ut {sessions} kursdager utenfor klyngen, grense {max}"
                        ),
                        Lang::En => format!(
                            "{hub} would lend {sessions} sessions outside its cluster, limit {max}"
                        ),
                    })
                }
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
    /// What keeps the instructor, named as `names` names them.
    pub(super) fn told(&self, lang: Lang, names: &dyn Naming) -> String {
        let who = names.instructor(&self.instructor);
        if self.limits.is_empty() {
            return format!(
                "{who}: {}",
                lang.pick(
                    "ledig, men ikke nok andre er ledige samtidig",
                    "free, but not enough others are free at the same time"
                )
            );
        }
        let phrases = Limit::phrases(&self.limits, lang, names);
        let mut shown: Vec<String> = phrases.iter().take(LIMITS_SHOWN).cloned().collect();
        let more = phrases.len().saturating_sub(LIMITS_SHOWN);
        if more > 0 {
            shown.push(match lang {
                Lang::Nb => format!("og {more} til"),
                Lang::En => format!("and {more} more"),
            });
        }
        format!("{who}: {}", shown.join(", "))
    }
}

/// The limits pair `p` would break on top of the rota `chosen`: each clash with another
/// course of the instructor, each week over the session or hour limit, the term's total.
pub(super) fn busy(inst: &Instance, elig: &Eligibility, p: usize, chosen: &[usize]) -> Busy {
    use super::super::conflicts::sessions_clash;
    use super::super::load::Load;
    let pair = &elig.pairs[p];
    let ins = &inst.ds.instructors[pair.i];
    let mine: Vec<&super::super::eligibility::Pair> = chosen
        .iter()
        .map(|&q| &elig.pairs[q])
        .filter(|q| q.i == pair.i && q.r != pair.r)
        .collect();
    let mut limits = Vec::new();
    // Clashes: one per other course, its first clashing session.
    for q in &mine {
        let clash = inst.sessions[q.r].iter().find(|t| {
            inst.sessions[pair.r]
                .iter()
                .any(|s| sessions_clash(inst, q, t, pair, s))
        });
        if let Some(t) = clash {
            limits.push(Limit::Clash {
                request: inst.request(q.r).id.clone(),
                date: t.date,
                start: t.start,
                end: t.end,
            });
        }
    }
    // Weeks: the request's load on top of the rota's (a venue-day the rota already travels
    // to costs no second round trip).
    for (w, (n, h)) in Load::of(inst, mine.iter().copied()).with(inst, pair) {
        if n > ins.max_sessions_per_week {
            limits.push(Limit::Week {
                week: w,
                sessions: n,
                max: ins.max_sessions_per_week,
            });
        }
        if let Some(max) = ins.max_hours_per_week
            && h > max + 1e-9
        {
            limits.push(Limit::Hours {
                week: w,
                hours: (h * 10.0).round() / 10.0,
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
