//! Plain text for the terminal: what a command says about the result of its use case —
//! a plan's summary, the proposed clusters and a check's verdict.

use std::collections::BTreeMap;

use super::pct;
use crate::i18n::{Lang, Localized};
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
            "  {hub} ({} {demand:.0} / {} {supply:.0}):\n",
            lang.pick("etterspørsel", "demand"),
            lang.pick("kapasitet", "supply")
        ));
        for m in members {
            s.push_str(&format!(
                "    {:<18} {:>6.1} km  {:>4.0} {}\n",
                m.small,
                m.km,
                m.demand,
                lang.pick("økter", "sessions")
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
    instructors: usize,
    lang: Lang,
) -> String {
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
                f.requests_covered,
                f.requests_total,
                pct(f.requests_covered as f64, f.requests_total as f64)
            ),
        ),
        (
            lang.pick("Økter dekket", "Sessions covered"),
            format!(
                "{} {of} {} ({})",
                f.sessions_covered,
                f.sessions_total,
                pct(f.sessions_covered as f64, f.sessions_total as f64)
            ),
        ),
        (
            lang.pick("Vektet dekning", "Weighted coverage"),
            format!(
                "{} {of} {} ({})",
                f.weighted_covered,
                f.weighted_total,
                pct(f.weighted_covered, f.weighted_total)
            ),
        ),
        (
            lang.pick("Instruktører brukt", "Instructors used"),
            format!("{} {of} {instructors}", f.instructors_used),
        ),
        (
            lang.pick("Reise i alt", "Total travel"),
            format!(
                "{:.0} km {}",
                f.total_km,
                lang.pick("tur-retur", "round trip")
            ),
        ),
        (
            lang.pick("Største belastning", "Largest load"),
            format!("{} {}", f.max_load, lang.pick("økter", "sessions")),
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
        ClusterMode::Fixed => lang.pick("fast", "fixed"),
        ClusterMode::Open => lang.pick("åpen", "open"),
        ClusterMode::Proposed => lang.pick("foreslått", "proposed"),
    };
    let n = o.components.len();
    s.push_str(&match lang {
        Lang::Nb => format!(
            "Løser: {solver}, klyngemodus {mode}, {n} {}, {} aktuelle par, {:.2} s\n",
            if n == 1 { "komponent" } else { "komponenter" },
            o.eligible_pairs,
            o.seconds
        ),
        Lang::En => format!(
            "Solver: {solver}, cluster mode {mode}, {n} {}, {} eligible pairs, {:.2} s\n",
            if n == 1 { "component" } else { "components" },
            o.eligible_pairs,
            o.seconds
        ),
    });
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
            Stage::Fairness | Stage::FairnessFirst => format!("{:.1} %", 100.0 * v),
            _ => format!("{v:.1}"),
        };
        s.push_str(&format!(
            "  {} {} ({}): {status}; {} {}, {} {}, gap {:.2} %, {:.2} s\n",
            lang.pick("Trinn", "Stage"),
            st.stage.label(),
            st.stage.name(lang),
            lang.pick("verdi", "value"),
            value(st.objective),
            lang.pick("grense", "bound"),
            value(st.bound),
            100.0 * st.gap,
            st.seconds
        ));
    }
    if let Some(b) = &o.baseline {
        s.push_str(&match lang {
            Lang::Nb => format!(
                "Grådig grunnlinje (for hånd): {} {of} {} forespørsler, vektet dekning {} ({:+}), {:.0} km ({:+.0})\n",
                b.requests_covered,
                b.requests_total,
                b.weighted_covered,
                b.weighted_covered - f.weighted_covered,
                b.total_km,
                b.total_km - f.total_km
            ),
            Lang::En => format!(
                "Greedy baseline (by hand): {} {of} {} requests, weighted coverage {} ({:+}), {:.0} km ({:+.0})\n",
                b.requests_covered,
                b.requests_total,
                b.weighted_covered,
                b.weighted_covered - f.weighted_covered,
                b.total_km,
                b.total_km - f.total_km
            ),
        });
    }
    if !o.uncovered.is_empty() {
        s.push_str(&format!(
            "{} ({}):\n",
            lang.pick("Ikke dekket", "Not covered"),
            o.uncovered.len()
        ));
        const SHOWN: usize = 20;
        for u in o.uncovered.iter().take(SHOWN) {
            let reasons: Vec<String> = u.reasons.iter().map(|r| r.localized(lang)).collect();
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
            Lang::Nb => {
                format!("Kjøring {id}: rotaen er gyldig ({checked} tildelinger kontrollert).")
            }
            Lang::En => format!("Run {id}: the rota is valid ({checked} assignments checked)."),
        });
    }
    let mut msg = match lang {
        Lang::Nb => format!("Kjøring {id}: {} feil funnet:", violations.len()),
        Lang::En => format!("Run {id}: {} problem(s) found:", violations.len()),
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
