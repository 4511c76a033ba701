//! `klynge offers MUNICIPALITY`: what is on offer there in the coming weeks — the published
//! courses and the other offers — as the public page shows it.

use chrono::NaiveDate;

use klynge::app::Service;
use klynge::i18n::Lang;
use klynge::store::Store;

use super::Failure;

#[derive(clap::Args, Debug)]
pub struct OffersArgs {
    /// The municipality, e.g. Stjørdal. / Kommunen.
    municipality: String,
    /// First day (YYYY-MM-DD or DD.MM.YYYY; default today). / Første dag.
    #[arg(long, value_parser = super::day_arg)]
    from: Option<NaiveDate>,
    /// How many weeks. / Hvor mange uker.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=52))]
    weeks: u32,
    /// text, json, or ics (the courses as iCalendar).
    #[arg(long, default_value = "text", value_parser = ["text", "json", "ics"])]
    format: String,
}

pub async fn offers(db: &str, lang: Lang, a: OffersArgs) -> Result<(), Failure> {
    let service = Service::open(Store::open(db).await?, 60.0).await?;
    let from = a.from.unwrap_or_else(|| chrono::Local::now().date_naive());
    let o = service.overview(&a.municipality, from, a.weeks).await?;
    match a.format.as_str() {
        "json" => {
            println!("{}", serde_json::to_string_pretty(&o).unwrap_or_default());
            return Ok(());
        }
        "ics" => {
            print!("{}", service.overview_calendar(&o, lang).await?);
            return Ok(());
        }
        _ => {}
    }
    let day = |d: &NaiveDate| klynge::app::records::show_day(*d);
    println!(
        "{} {} {} {} {} {}",
        lang.pick("Digital hjelp i", "Digital help in"),
        o.municipality,
        lang.pick("fra", "from"),
        day(&o.from),
        lang.pick("til", "to"),
        day(&o.to)
    );
    println!("{}", lang.pick("Kurs:", "Courses:"));
    if o.courses.is_empty() {
        println!("  {}", lang.pick("ingen i perioden", "none in the period"));
    }
    for c in &o.courses {
        let dates: Vec<String> = c
            .sessions
            .iter()
            .map(|s| format!("{} {}–{}", day(&s.date), s.start, s.end))
            .collect();
        println!(
            "  {} ({}) – {}: {}",
            c.topic,
            c.language,
            c.association,
            dates.join(", ")
        );
    }
    println!("{}", lang.pick("Andre tilbud:", "Other offers:"));
    if o.offers.is_empty() {
        println!("  {}", lang.pick("ingen registrert", "none registered"));
    }
    for x in &o.offers {
        println!(
            "  {} ({}{}): {}{}",
            x.provider,
            x.kind.name(lang),
            if x.when.is_empty() {
                String::new()
            } else {
                format!(", {}", x.when)
            },
            x.topics.join(", "),
            if x.contact.is_empty() {
                String::new()
            } else {
                format!(" – {}", x.contact)
            }
        );
    }
    Ok(())
}
