//! `klynge person export|erase`: one instructor's personal data (GDPR).

use std::path::PathBuf;

use clap::Subcommand;

use klynge::i18n::Lang;
use klynge::store::Store;

use super::{Failure, write_or_print};

#[derive(Subcommand, Debug)]
pub enum PersonAction {
    /// Everything stored about an instructor, as JSON.
    Export {
        instructor: String,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Erase an instructor's name, home, availability, blackouts, tokens and feed from every
    /// stored input. Past runs keep only the id.
    Erase {
        instructor: String,
        /// Confirms the erasure (it cannot be undone).
        #[arg(long)]
        yes: bool,
    },
}

pub async fn person(db: &str, lang: Lang, action: PersonAction) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    match action {
        PersonAction::Export { instructor, out } => {
            let data = store.export_person(&instructor).await?;
            let text = serde_json::to_string_pretty(&data).expect("plain data always serializes");
            match out {
                Some(path) => write_or_print(Some(&path), &text)?,
                None => println!("{text}"),
            }
        }
        PersonAction::Erase { instructor, yes } => {
            if !yes {
                return Err(Failure::new(
                    2,
                    lang.pick(
                        "Sletting kan ikke angres: gjenta med --yes for å bekrefte.",
                        "Erasure cannot be undone: repeat with --yes to confirm.",
                    ),
                ));
            }
            let n = store.erase_person(&instructor).await?;
            println!(
                "{}",
                match lang {
                    Lang::Nb => format!(
                        "Personopplysningene til {instructor} er slettet fra {n} lagrede datasett."
                    ),
                    Lang::En => format!(
                        "The personal data of {instructor} is erased from {n} stored dataset(s)."
                    ),
                }
            );
        }
    }
    store.close().await;
    Ok(())
}
