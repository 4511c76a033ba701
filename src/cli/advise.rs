//! `klynge advise`: which trainings would cover the most of what a run leaves uncovered.

use klynge::app::advise::{Advice, advise_blocking, learns};
use klynge::i18n::Lang;

use super::{Failure, load_run};

#[derive(clap::Args, Debug)]
pub struct AdviseArgs {
    /// The run's id (see `klynge runs`). / Kjøringens id.
    run: i64,
    /// How many trainings (instructor × topic or language) there is room for. / Hvor mange kurs for instruktører.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=50))]
    trainings: u32,
    /// Time limit for the search, seconds. / Tidsgrense for søket, sekunder.
    #[arg(long, default_value_t = 60.0, value_parser = super::decimal_arg)]
    time_limit: f64,
}

pub async fn advise_cmd(db: &str, lang: Lang, a: AdviseArgs) -> Result<(), Failure> {
    if !(a.time_limit.is_finite() && a.time_limit > 0.0) {
        return Err(Failure::new(
            2,
            lang.pick(
                "--time-limit må være et positivt tall",
                "--time-limit must be a positive number",
            ),
        ));
    }
    let run = load_run(db, a.run).await?;
    let advice = advise_blocking(run, a.trainings as usize, a.time_limit).await?;
    print!("{}", render(&advice, lang));
    Ok(())
}

fn render(a: &Advice, lang: Lang) -> String {
    let mut out = match lang {
        Lang::Nb => format!(
            "Opplæring for kjøring {}: inntil {} kurs for instruktører, {} mulige (instruktør × emne eller språk)\n",
            a.run, a.budget, a.candidates
        ),
        Lang::En => format!(
            "Training advice for run {}: up to {} trainings, {} candidates (instructor × topic or language)\n",
            a.run, a.budget, a.candidates
        ),
    };
    if a.trainings.is_empty() {
        out.push_str(lang.pick(
            "  Ingen opplæring ville dekket mer: det som mangler, er avstand, tid eller et språk ingen vil undervise på.\n",
            "  No training would cover more: what is missing is distance, time, or a language nobody is willing to teach in.\n",
        ));
        return out;
    }
    for (k, t) in a.trainings.iter().enumerate() {
        out.push_str(&match lang {
            Lang::Nb => format!(
                "  {}. {} ({}) {}: tar {} ({} økter) for {}\n",
                k + 1,
                t.instructor_name,
                t.instructor,
                learns(&t.skill, lang),
                t.requests.join(", "),
                t.sessions,
                t.associations.join(", ")
            ),
            Lang::En => format!(
                "  {}. {} ({}) {}: takes {} ({} sessions) for {}\n",
                k + 1,
                t.instructor_name,
                t.instructor,
                learns(&t.skill, lang),
                t.requests.join(", "),
                t.sessions,
                t.associations.join(", ")
            ),
        });
    }
    if a.trainings.len() < a.budget {
        out.push_str(lang.pick(
            "  Flere kurs ville ikke dekket mer.\n",
            "  More trainings would cover nothing more.\n",
        ));
    }
    out.push_str(&format!(
        "{} {}\n",
        lang.pick("Nå dekket:", "Now covered:"),
        a.newly_covered.join(", ")
    ));
    out.push_str(&a.confirmed(lang));
    out.push('\n');
    out
}
