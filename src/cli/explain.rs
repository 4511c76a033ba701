//! `klynge explain` and `klynge suggest`: why requests are uncovered and what would cover
//! them; who could take a request.

use klynge::app::explain::{Explained, Explanation, explain as explain_run};
use klynge::app::suggest::{Suggestions, suggest as suggest_for};
use klynge::compare::Names;
use klynge::i18n::{Lang, Naming, Plural};

use super::{Failure, load_run};

pub async fn explain(db: &str, lang: Lang, id: i64, request: Option<&str>) -> Result<(), Failure> {
    let run = load_run(db, id).await?;
    // People read names, not ids.
    let names = Names::of(std::slice::from_ref(&run));
    // Each explanation takes several re-plans: print each as soon as it is known, and
    // count them on standard error while a whole run is explained.
    let total = run.uncovered.len();
    let bar = request
        .is_none()
        .then(|| super::progress::Bar::explaining(lang, total));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let explained = explain_run(&run, request, &|e| {
        let text = explanation(e, lang, &names);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match &bar {
            Some(bar) => {
                bar.suspend(|| print!("{text}"));
                bar.explained(n, total);
            }
            None => print!("{text}"),
        }
    })?;
    drop(bar);
    if let Explained::Covered { request, by } = explained {
        let by: Vec<&str> = by.iter().map(|i| names.instructor(i)).collect();
        println!(
            "{}: {} {}",
            names.request(&request),
            lang.pick("dekket av", "covered by"),
            by.join(", ")
        );
    }
    Ok(())
}

pub async fn suggest(db: &str, lang: Lang, id: i64, request: &str) -> Result<(), Failure> {
    let run = load_run(db, id).await?;
    let names = Names::of(std::slice::from_ref(&run));
    print!(
        "{}",
        suggestions(&suggest_for(&run, request)?, lang, &names)
    );
    Ok(())
}

/// One explained request: the reasons, then each single change that would cover it.
fn explanation(e: &Explanation, lang: Lang, names: &dyn Naming) -> String {
    let mut s = format!(
        "{}:\n",
        klynge::plan::outcome::part_label(names.request(&e.request), e.part, lang)
    );
    for reason in &e.reasons {
        s.push_str(&format!(
            "  {} {}\n",
            // The reasons are main clauses ("foreningen er ikke med …"): after "fordi" the
            // word order would be wrong, so bokmål says "Årsak:".
            lang.pick("Årsak:", "Because"),
            reason.told(lang, names)
        ));
    }
    if e.fixes.is_empty() {
        s.push_str(&format!(
            "  {}\n",
            lang.pick(
                "Ingen enkeltendring som er prøvd, ville dekket den.",
                "No single change tried would cover it."
            )
        ));
    }
    for f in &e.fixes {
        s.push_str(&format!("  → {}\n", f.told(lang, names)));
    }
    if !e.referrals.is_empty() {
        s.push_str(&format!(
            "  {}\n",
            lang.pick(
                "Til da kan foreningen henvise til:",
                "Meanwhile the association can refer to:"
            )
        ));
        for r in &e.referrals {
            s.push_str(&format!(
                "    {}\n",
                klynge::export::text::referral_line(r, lang)
            ));
        }
    }
    s
}

/// Who could take a request, ranked, with what each choice costs.
fn suggestions(s: &Suggestions, lang: Lang, names: &dyn Naming) -> String {
    let id = &s.request.id;
    if s.options.is_empty() {
        return format!(
            "{id}: {}\n",
            lang.pick(
                "ingen instruktør kan ta denne forespørselen",
                "no instructor can take this request"
            )
        );
    }
    let mut out = format!(
        "{id} ({}, {}, {}):\n",
        s.request.topic,
        s.request.language,
        lang.count(s.sessions, Plural::SESSION)
    );
    for (rank, o) in s.options.iter().enumerate() {
        let cost = match lang {
            Lang::Nb => format!(
                "{} hver vei, {} tur-retur i tillegg",
                lang.km(o.km_one_way, 1),
                lang.km(o.round_trip_km, 0)
            ),
            Lang::En => format!(
                "{} each way, {} round trip more",
                lang.km(o.km_one_way, 1),
                lang.km(o.round_trip_km, 0)
            ),
        };
        let status = if o.clashes.is_empty() {
            lang.pick("ledig", "free").to_string()
        } else {
            let clashes: Vec<String> = o.clashes.iter().map(|v| v.told(lang, names)).collect();
            format!("{}: {}", lang.pick("koster", "costs"), clashes.join("; "))
        };
        out.push_str(&format!(
            "  {}. {} ({}) — {cost} — {status}\n",
            rank + 1,
            o.name,
            o.instructor
        ));
    }
    out
}
