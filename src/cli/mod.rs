//! The `klynge` command line, one module per command (or family of commands): each parses
//! its arguments, calls one use case in `klynge::app` (or a reader, or the store for plain
//! listings), and renders the result with `klynge::export`. Nothing here plans, checks or
//! stores by itself.

mod advise;
mod compare;
mod data;
mod explain;
mod generate;
pub mod help;
mod hours;
mod outbox;
mod overview;
mod person;
mod plan;
mod progress;
mod repair;
mod runs;
mod serve;
mod whitespots;
mod worker;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use klynge::app::{AppError, ErrorKind};
use klynge::i18n::Lang;
use klynge::store::Store;

#[derive(Parser, Debug)]
#[command(
    name = "klynge",
    version,
    about = "Plans instructor rotas for clusters of seniors' digital-skills associations / Planlegger instruktørturnuser for klynger av seniornett-foreninger"
)]
pub struct Cli {
    /// Database: a SQLite file path, or a URL (sqlite://… or postgres://…). /
    /// Database: en SQLite-fil, eller en URL.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = "klynge.db")]
    db: String,
    /// Language of the output: nb (bokmål) or en (English). / Språk: nb eller en.
    #[arg(long, global = true, env = "KLYNGE_LANG", default_value = "nb")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load a dataset (a folder of CSV files or a .json file) into the database as the
    /// cluster's current data, in one go; say what it added, changed and retired. /
    /// Last inn et datasett som klyngens gjeldende data; si hva som er nytt, endret og fjernet.
    Import {
        /// A dataset folder of CSV files, or a .json file.
        dataset: PathBuf,
    },
    /// Write the cluster's current data out of the database, as a folder or a .json file. /
    /// Skriv klyngens gjeldende data ut av databasen, som en mappe eller en .json-fil.
    Export {
        /// A folder (CSV files) or a file ending in .json.
        out: PathBuf,
    },
    /// Who changed what, and when: imports, answers, approvals, publications, newest first. /
    /// Hvem endret hva, og når: importer, svar, godkjenninger, publiseringer, nyeste først.
    Audit {
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Read a dataset, optimise, check the rota and store it as a new run. /
    /// Les et datasett, optimer, kontroller rotaen og lagre den som en ny kjøring.
    Plan(plan::PlanArgs),
    /// List the stored runs, newest first. / Vis lagrede kjøringer, nyeste først.
    Runs(runs::RunsArgs),
    /// Show a stored rota as a table, or write it as CSV, Excel, JSON, iCalendar or GeoJSON. /
    /// Vis en lagret rota som tabell, eller skriv den som CSV, Excel, JSON, iCalendar eller GeoJSON.
    Rota(runs::RotaArgs),
    /// Re-verify a stored rota with the independent checker. /
    /// Kontroller en lagret rota på nytt med den uavhengige kontrollen.
    Check {
        /// The run's id (see `klynge runs`).
        run: i64,
    },
    /// Approve a proposed run: a coordinator has looked at it and it may be published. /
    /// Godkjenn en foreslått kjøring: en koordinator har sett på den, og den kan publiseres.
    Approve {
        /// The run's id (see `klynge runs`).
        run: i64,
    },
    /// Publish an approved run: it becomes the rota people see, replacing the published run
    /// of the same requests. / Publiser en godkjent kjøring: den blir rotaen folk ser.
    Publish {
        /// The run's id (see `klynge runs`).
        run: i64,
    },
    /// Plan scenarios (TOML files: a dataset and what to change), each stored under its name. /
    /// Planlegg scenarioer (TOML-filer: et datasett og hva som endres), lagret under sitt navn.
    Scenario {
        #[command(subcommand)]
        action: plan::ScenarioAction,
    },
    /// Compare runs side by side: key figures, coverage per association, rota changes. /
    /// Sammenlign kjøringer: nøkkeltall, dekning per forening, endringer i rotaen.
    Compare(compare::CompareArgs),
    /// Write one self-contained HTML page comparing runs: figures, charts and a map. /
    /// Skriv én selvstendig HTML-side som sammenligner kjøringer: tall, diagrammer og kart.
    Report(compare::ReportArgs),
    /// Why requests are uncovered, and single changes that would cover them (re-planned). /
    /// Hvorfor forespørsler ikke er dekket, og enkeltendringer som ville dekket dem.
    Explain {
        run: i64,
        /// One request (default: every uncovered request).
        request: Option<String>,
    },
    /// The instructors who could take a request, ranked, with what each choice costs. /
    /// Instruktørene som kunne tatt en forespørsel, rangert, med hva hvert valg koster.
    Suggest { run: i64, request: String },
    /// Repair a run with the fewest changes after a drop-out; list what changed, for whom. /
    /// Reparer en kjøring med færrest mulig endringer; vis hva som endret seg, for hvem.
    ///
    /// Confirmed assignments are pinned and declined ones stay out.
    Repair {
        /// The run to repair.
        run: i64,
        /// The changed dataset (default: the run's own input).
        #[arg(long)]
        dataset: Option<PathBuf>,
    },
    /// Personal data of one instructor (GDPR): export it, or erase it everywhere. /
    /// Personopplysninger om én instruktør: eksporter dem, eller slett dem overalt.
    Person {
        #[command(subcommand)]
        action: person::PersonAction,
    },
    /// Which trainings (an instructor learning a topic) would cover the most of what a run
    /// leaves uncovered, confirmed by planning again. /
    /// Hvilken opplæring (en instruktør lærer et emne) ville dekket mest av det som mangler.
    Advise(advise::AdviseArgs),
    /// What is on offer in a municipality in the coming weeks: published courses and other
    /// offers (the public page `/tilbud/KOMMUNE` shows the same). /
    /// Hva som finnes av digital hjelp i en kommune de neste ukene.
    Offers(overview::OffersArgs),
    /// Taught hours for the study association, per course, association and topic. /
    /// Undervisningstimer til studieforbundet, per kurs, forening og emne.
    Hours(hours::HoursArgs),
    /// Municipalities nobody serves, and small associations whose demand no hub can meet. /
    /// Kommuner ingen betjener, og små foreninger ingen hub kan hjelpe.
    Whitespots(whitespots::WhitespotsArgs),
    /// The messages publications left for instructors and associations: who, status,
    /// subject, newest first; `send` delivers them now. /
    /// Meldingene publiseringer har lagt igjen til instruktører og foreninger; `send` sender dem nå.
    Outbox {
        #[command(subcommand)]
        action: Option<outbox::OutboxAction>,
        /// How many messages to list.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Serve the HTTP API and the web pages. / Start HTTP-API-et og nettsidene.
    Serve(serve::ServeArgs),
    /// Run queued plans and repairs only, beside `klynge serve --no-worker` or more
    /// workers on the same database. / Kjør bare planlegginger og reparasjoner fra køen.
    Worker(worker::WorkerArgs),
    /// Make or revoke access tokens for the service. / Lag eller tilbakekall tilgangsnøkler.
    Token {
        #[command(subcommand)]
        action: serve::TokenAction,
    },
    /// Write a synthetic dataset with real Norwegian geography. /
    /// Skriv et syntetisk datasett med ekte norsk geografi.
    Generate(generate::GenerateArgs),
}

/// A failure with its exit code: 2 for bad input, 1 for everything else.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code,
        }
    }

    /// A file that could not be written or read.
    fn io(path: &Path, e: std::io::Error) -> Self {
        let lang = LANG.get().copied().unwrap_or_default();
        Failure::new(
            1,
            format!("{}: {}", path.display(), klynge::i18n::io_error(&e, lang)),
        )
    }
}

/// The language of this invocation, for errors converted with `?`.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let lang = LANG.get().copied().unwrap_or_default();
        let code = match e.kind() {
            ErrorKind::BadInput
            | ErrorKind::NotFound
            | ErrorKind::Conflict
            | ErrorKind::Forbidden => 2,
            ErrorKind::Internal => 1,
        };
        Failure::new(code, e.render(lang, true))
    }
}

impl From<klynge::store::StoreError> for Failure {
    fn from(e: klynge::store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let lang = cli.lang;
    let _ = LANG.set(lang);
    let db = cli.db.as_str();
    match cli.command {
        Command::Plan(args) => plan::plan_dataset(db, lang, args).await,
        Command::Import { dataset } => data::import(db, lang, &dataset).await,
        Command::Export { out } => data::export(db, lang, &out).await,
        Command::Audit { limit } => data::audit(db, lang, limit).await,
        Command::Scenario {
            action: plan::ScenarioAction::Run { files },
        } => plan::scenarios(db, lang, &files).await,
        Command::Runs(args) => runs::runs(db, lang, args).await,
        Command::Rota(args) => runs::rota(db, lang, args).await,
        Command::Check { run } => runs::check(db, lang, run).await,
        Command::Approve { run } => runs::approve(db, lang, run).await,
        Command::Publish { run } => runs::publish(db, lang, run).await,
        Command::Compare(args) => compare::compare(db, lang, args).await,
        Command::Report(args) => compare::report(db, lang, args).await,
        Command::Explain { run, request } => {
            explain::explain(db, lang, run, request.as_deref()).await
        }
        Command::Suggest { run, request } => explain::suggest(db, lang, run, &request).await,
        Command::Repair { run, dataset } => repair::repair(db, lang, run, dataset.as_deref()).await,
        Command::Person { action } => person::person(db, lang, action).await,
        Command::Advise(args) => advise::advise_cmd(db, lang, args).await,
        Command::Offers(args) => overview::offers(db, lang, args).await,
        Command::Hours(args) => hours::hours_cmd(db, lang, args).await,
        Command::Whitespots(args) => whitespots::whitespots(db, lang, args).await,
        Command::Outbox { action, limit } => outbox::outbox(db, lang, action, limit).await,
        Command::Serve(args) => serve::serve(db, lang, args).await,
        Command::Worker(args) => worker::worker(db, lang, args).await,
        Command::Token { action } => serve::token(db, lang, action).await,
        Command::Generate(args) => generate::generate(lang, args),
    }
}

/// A value parser for a library type with a fixed set of names: clap lists the names in
/// the help and in its error, and the type's own `FromStr` makes the value (library types
/// know nothing of clap).
fn choice<T>(names: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(names).try_map(|s| s.parse::<T>())
}

/// A decimal number on the command line, with a decimal point or (as Norwegians write it)
/// a decimal comma: `--detour-factor 1,3` is `1.3`.
fn decimal_arg(s: &str) -> Result<f64, String> {
    s.trim().replace(',', ".").parse::<f64>().map_err(|_| {
        format!("'{s}' is not a number (e.g. 1.5 or 1,5) / er ikke et tall (f.eks. 1,5)")
    })
}

/// A day on the command line (YYYY-MM-DD or DD.MM.YYYY), inside the years klynge plans for.
fn day_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    klynge::app::records::parse_day(s).ok_or_else(|| {
        format!(
            "'{s}' is not a date between {} and {} (YYYY-MM-DD or DD.MM.YYYY) / er ikke en dato",
            klynge::model::calendar::FIRST_YEAR,
            klynge::model::calendar::LAST_YEAR
        )
    })
}

/// The stored run with this id.
async fn load_run(db: &str, id: i64) -> Result<klynge::run::Run, Failure> {
    Ok(load_runs(db, &[id]).await?.remove(0))
}

/// The stored runs with these ids, in this order.
async fn load_runs(db: &str, ids: &[i64]) -> Result<Vec<klynge::run::Run>, Failure> {
    let store = Store::open(db).await?;
    let mut runs = Vec::new();
    for &id in ids {
        runs.push(store.run(id).await?);
    }
    store.close().await;
    Ok(runs)
}

/// Where a command with table-shaped output writes it, and for whom its CSV is.
#[derive(clap::Args, Debug)]
pub struct FileArgs {
    /// With --format csv: a CSV for a Norwegian spreadsheet (`;`-separated, UTF-8 with BOM,
    /// decimal comma, dd.mm.yyyy). / Med --format csv: CSV for et norsk regneark.
    #[arg(long)]
    excel: bool,
    /// Write to this file instead of standard output (needed for --format xlsx). /
    /// Skriv til denne filen (må gis for --format xlsx).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// What a command's `--format` makes: text of its own (a table, JSON, …), CSV or a workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    Text,
    Csv,
    Xlsx,
}

impl FileKind {
    /// The kind a free-text `--format` names: `csv`, `xlsx`, or anything else (a table,
    /// JSON, …) as text.
    fn of_format(format: &str) -> FileKind {
        match format {
            "csv" => FileKind::Csv,
            "xlsx" => FileKind::Xlsx,
            _ => FileKind::Text,
        }
    }
}

impl FileArgs {
    /// Refuses flags that do not go together, before any work is done: `--excel` is for
    /// CSV, and a workbook goes to a file, never to a terminal.
    fn check(&self, kind: FileKind, lang: Lang) -> Result<(), Failure> {
        if self.excel && kind != FileKind::Csv {
            return Err(Failure::new(
                2,
                lang.pick(
                    "--excel gjelder bare --format csv (et regneark med --format xlsx trenger det ikke)",
                    "--excel applies only to --format csv (a workbook with --format xlsx needs no such flag)",
                ),
            ));
        }
        if kind == FileKind::Xlsx && self.out.is_none() {
            return Err(Failure::new(
                2,
                lang.pick(
                    "--format xlsx skriver et regneark til en fil: gi --out FIL (f.eks. --out rota.xlsx)",
                    "--format xlsx writes a workbook to a file: give --out FILE (e.g. --out rota.xlsx)",
                ),
            ));
        }
        Ok(())
    }

    /// The CSV dialect asked for.
    fn dialect(&self) -> klynge::export::CsvDialect {
        if self.excel {
            klynge::export::CsvDialect::Excel
        } else {
            klynge::export::CsvDialect::Plain
        }
    }

    /// Writes `sheet` as a workbook to the file (`check` made sure there is one).
    fn write_xlsx(&self, sheet: &klynge::export::Sheet, lang: Lang) -> Result<(), Failure> {
        let Some(path) = self.out.as_deref() else {
            return self.check(FileKind::Xlsx, lang);
        };
        let bytes = klynge::export::to_xlsx(sheet).map_err(|e| {
            Failure::new(
                1,
                format!(
                    "{}: {e}",
                    lang.pick("kunne ikke lage regnearket", "could not make the workbook")
                ),
            )
        })?;
        std::fs::write(path, bytes).map_err(|e| Failure::io(path, e))
    }

    /// Writes `text` to the file, or prints it.
    fn write_text(&self, text: &str) -> Result<(), Failure> {
        write_or_print(self.out.as_deref(), text)
    }
}

/// Writes `text` to `out`, or prints it.
fn write_or_print(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| Failure::io(path, e)),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// A dataset's name for listings: its folder or file name (`..` resolved).
fn dataset_name(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes a dataset to `out`: a file ending in .json, else a folder of CSV files.
fn write_dataset(ds: &klynge::model::Dataset, out: &Path) -> Result<(), Failure> {
    let written = if out.extension().is_some_and(|e| e == "json") {
        klynge::ingest::write_json(ds, out)
    } else {
        klynge::ingest::write_folder(ds, out)
    };
    written.map_err(|e| Failure::io(out, e))
}

/// "12 associations, 25 instructors, 40 requests", in the user's language.
fn dataset_counts(ds: &klynge::model::Dataset, lang: Lang) -> String {
    format!(
        "{} {}, {} {}, {} {}",
        ds.associations.len(),
        lang.pick("foreninger", "associations"),
        ds.instructors.len(),
        lang.pick("instruktører", "instructors"),
        ds.requests.len(),
        lang.pick("forespørsler", "requests"),
    )
}

/// Reads and validates a dataset; its problems are bad input. A file in a dataset folder
/// that klynge does not read (a misspelt `netwrk.csv`) is a warning on standard error: the
/// data load, but what the user meant to give is not silently ignored.
fn load_dataset(path: &Path) -> Result<klynge::model::Dataset, Failure> {
    let ds = klynge::ingest::load(path).map_err(|p| Failure::from(AppError::Dataset(p)))?;
    if path.is_dir() {
        let lang = LANG.get().copied().unwrap_or_default();
        for name in klynge::ingest::unknown_files(path) {
            eprintln!("{}", unknown_file_warning(path, &name, lang));
        }
    }
    Ok(ds)
}

/// The warning for a file klynge does not read, with the names it does read.
fn unknown_file_warning(dir: &Path, name: &str, lang: Lang) -> String {
    let known = klynge::ingest::KNOWN_FILES.join(", ");
    match lang {
        Lang::Nb => format!(
            "Advarsel: {} leses ikke av klynge og blir ikke brukt (kjente filer: {known}, README.md, scenarios/)",
            dir.join(name).display()
        ),
        Lang::En => format!(
            "Warning: klynge does not read {} and ignores it (known files: {known}, README.md, scenarios/)",
            dir.join(name).display()
        ),
    }
}
