//! Plain text for the terminal: what a command says about the result of its use case —
//! a plan's summary, the proposed clusters and a check's verdict.

use std::collections::BTreeMap;

use crate::i18n::{Lang, Plural};
use crate::plan::clusters::{ClusterProposal, Membership};
use crate::plan::{ClusterMode, Outcome, SolverKind, Stage, StageStatus, Violation};

/// The proposed clusters: per hub its members, demand against supply, and what no hub
/// reaches.
pub fn proposal_text(p: &ClusterProposal, lang: Lang) -> String {
    let mut s = String::from(lang.pick("Foreslåtte klynger:\n", "Proposed clusters:\n"));
    let mut by_hub: BTreeMap<&str, Vec<&Membership>> = Default::default();
    for m in &p.memberships {
        by_hub.entry(m.hub.as_str()).or_default().push(m);
    }
    for (hub, members) in by_hub {
        let demand: f64 = members.iter().map(|m| m.demand).sum();
        let supply = p.supply.get(hub).copied().unwrap_or(0.0);
        s.push_str(&format!(
            "  {hub} ({} {} / {} {}):\n",
            lang.pick("etterspørsel", "demand"),
            lang.number(demand, 0),
            lang.pick("kapasitet", "supply"),
            lang.number(supply, 0),
        ));
        for m in members {
            s.push_str(&format!(
                "    {:<18} {:>9}  {:>4} {}\n",
                m.small,
                lang.km(m.km, 1),
                lang.number(m.demand, 0),
                lang.noun(m.demand.round() as usize, Plural::SESSION)
            ));
        }
    }
    if !p.unreachable.is_empty() {
        s.push_str(&format!(
            "  {}: {}\n",
            lang.pick("Ingen hub innen rekkevidde", "No hub within reach"),
            p.unreachable.join(", ")
        ));
    }
    s
}

/// The summary of a stored plan: key figures, solver figures per stage, the greedy
/// baseline, and what stays uncovered (the first 20, with their reasons; `klynge explain`
/// lists them all).
#[allow(clippy::too_many_arguments)]
pub fn summary(
    id: i64,
    db: &str,
    scenario: &str,
    dataset: &str,
    o: &Outcome,
    ds: &crate::model::Dataset,
    lang: Lang,
) -> String {
    let instructors = ds.instructors.len();
    // People read the reasons: instructors and associations by name.
    let names = crate::compare::Names::of_dataset(ds);
    let f = &o.figures;
    let mut s = String::new();
    let of = lang.pick("av", "of");
    s.push_str(&match lang {
        Lang::Nb => {
            format!("Kjøring {id} lagret i {db} (scenario «{scenario}», datasett {dataset})\n")
        }
        Lang::En => format!("Run {id} stored in {db} (scenario '{scenario}', dataset {dataset})\n"),
    });
    let rows = [
        (
            lang.pick("Forespørsler dekket", "Requests covered"),
            format!(
                "{} {of} {} ({})",
                lang.int(f.requests_covered as i64),
                lang.int(f.requests_total as i64),
                lang.percent_of(f.requests_covered as f64, f.requests_total as f64)
            ),
        ),
        (
            lang.pick("Økter dekket", "Sessions covered"),
            format!(
                "{} {of} {} ({})",
                lang.int(f.sessions_covered as i64),
                lang.int(f.sessions_total as i64),
                lang.percent_of(f.sessions_covered as f64, f.sessions_total as f64)
            ),
        ),
        (
            lang.pick("Vektet dekning", "Weighted coverage"),
            format!(
                "{} {of} {} ({})",
                lang.number(f.weighted_covered, 0),
                lang.number(f.weighted_total, 0),
                lang.percent_of(f.weighted_covered, f.weighted_total)
            ),
        ),
        (
            lang.pick("Instruktører brukt", "Instructors used"),
            format!(
                "{} {of} {}",
                lang.int(f.instructors_used as i64),
                lang.int(instructors as i64)
            ),
        ),
        (
            lang.pick("Reise i alt", "Total travel"),
            format!(
                "{} {}",
                lang.km(f.total_km, 0),
                lang.pick("tur-retur", "round trip")
            ),
        ),
        (
            lang.pick("Største belastning", "Largest load"),
            lang.count(f.max_load, Plural::SESSION),
        ),
    ];
    for (label, value) in rows {
        s.push_str(&format!("  {label:<22} {value}\n"));
    }
    let solver = match o.solver {
        SolverKind::Milp => "MILP (HiGHS)",
        SolverKind::Greedy => lang.pick("grådig", "greedy"),
    };
    let mode = match o.cluster_mode {
        ClusterMode::Fixed => lang.pick("faste klynger", "fixed clusters"),
        ClusterMode::Open => lang.pick("åpne klynger", "open clusters"),
        ClusterMode::Proposed => lang.pick("foreslåtte klynger", "proposed clusters"),
    };
    s.push_str(&format!(
        "{}: {solver}, {mode}, {}, {}, {} s\n",
        lang.pick("Løser", "Solver"),
        lang.count(o.components.len(), Plural::COMPONENT),
        lang.count(o.eligible_pairs, Plural::PAIR),
        lang.number(o.seconds, 2)
    ));
    for st in &o.stages {
        let status = match st.status {
            StageStatus::Optimal => lang.pick("optimal", "optimal"),
            StageStatus::TimeLimit => lang.pick(
                "tidsgrensen nådd, beste funne løsning beholdt",
                "time limit reached, best solution found kept",
            ),
            StageStatus::Failed => lang.pick(
                "feilet, forrige trinns løsning beholdt",
                "failed, previous stage's solution kept",
            ),
        };
        // A share reads as a percentage; every other objective as a number.
        let value = |v: f64| match st.stage {
            Stage::Fairness | Stage::FairnessFirst => lang.percent(v),
            _ => lang.number(v, 1),
        };
        s.push_str(&format!(
            "  {} {} ({}): {status}; {} {}, {} {}, {} {} %, {} s\n",
            lang.pick("Trinn", "Stage"),
            st.stage.label(),
            st.stage.name(lang),
            lang.pick("verdi", "value"),
            value(st.objective),
            lang.pick("grense", "bound"),
            value(st.bound),
            lang.pick("avvik", "gap"),
            lang.number(100.0 * st.gap, 2),
            lang.number(st.seconds, 2)
        ));
    }
    if let Some(b) = &o.baseline {
        s.push_str(&format!(
            "{}: {} {of} {}, {} {} ({}), {} ({})\n",
            lang.pick("Grådig grunnlinje (for hånd)", "Greedy baseline (by hand)"),
            lang.int(b.requests_covered as i64),
            lang.count(b.requests_total, Plural::REQUEST),
            lang.pick("vektet dekning", "weighted coverage"),
            lang.number(b.weighted_covered, 0),
            lang.signed(b.weighted_covered - f.weighted_covered, 0),
            lang.km(b.total_km, 0),
            lang.signed(b.total_km - f.total_km, 0)
        ));
    }
    if !o.uncovered.is_empty() {
        s.push_str(&format!(
            "{} ({}):\n",
            lang.pick("Ikke dekket", "Not covered"),
            o.uncovered.len()
        ));
        const SHOWN: usize = 20;
        for u in o.uncovered.iter().take(SHOWN) {
            let reasons: Vec<String> = u.reasons.iter().map(|r| r.told(lang, &names)).collect();
            s.push_str(&format!("  {}: {}\n", u.label(lang), reasons.join("; ")));
            for r in &u.referrals {
                s.push_str(&format!("      → {}\n", referral_line(r, lang)));
            }
        }
        if o.uncovered.len() > SHOWN {
            s.push_str(&match lang {
                Lang::Nb => format!(
                    "  … og {} til: `klynge explain {id}`\n",
                    o.uncovered.len() - SHOWN
                ),
                Lang::En => format!(
                    "  … and {} more: `klynge explain {id}`\n",
                    o.uncovered.len() - SHOWN
                ),
            });
        }
    }
    s
}

/// The checker's verdict on a stored run: `Ok` with the line to print when the rota is
/// valid, `Err` with the problems otherwise.
pub fn check_verdict(
    id: i64,
    checked: usize,
    violations: &[Violation],
    lang: Lang,
) -> Result<String, String> {
    if violations.is_empty() {
        return Ok(match lang {
            Lang::Nb => format!(
                "Kjøring {id}: rotaen er gyldig ({} kontrollert).",
                lang.count(checked, Plural::ASSIGNMENT)
            ),
            Lang::En => format!(
                "Run {id}: the rota is valid ({} checked).",
                lang.count(checked, Plural::ASSIGNMENT)
            ),
        });
    }
    let mut msg = match lang {
        Lang::Nb => format!(
            "Kjøring {id}: {} funnet:",
            lang.count(violations.len(), Plural::PROBLEM)
        ),
        Lang::En => format!(
            "Run {id}: {} found:",
            lang.count(violations.len(), Plural::PROBLEM)
        ),
    };
    for v in violations {
        msg.push_str("\n  ");
        msg.push_str(&v.render(lang));
    }
    Err(msg)
}

/// One referral as a line people read: "henvis til Trondheim folkebibliotek (drop-in,
/// tirsdager 10–12, 4,2 km; 72 54 00 00)".
pub fn referral_line(r: &crate::plan::refer::Referral, lang: Lang) -> String {
    let mut details = vec![r.kind.name(lang).to_owned()];
    if !r.when.is_empty() {
        details.push(r.when.clone());
    } else if !r.times.is_empty() {
        let times: Vec<String> = r.times.iter().map(|t| t.show(lang)).collect();
        details.push(times.join(", "));
    }
    details.push(format!("{} km", lang.number(r.km, 1)));
    let mut line = format!(
        "{} {} ({})",
        lang.pick("henvis til", "refer to"),
        r.provider,
        details.join(", ")
    );
    if !r.contact.is_empty() {
        line.push_str(&format!("; {}", r.contact));
    }
    if !r.url.is_empty() {
        line.push_str(&format!("; {}", r.url));
    }
    line
}
