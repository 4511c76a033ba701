//! Commands and their output. Everything printed exists in bokmål (default) and English.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use klynge::export::{GroupBy, Rota, to_ics};
use klynge::i18n::{Lang, Localized};
use klynge::ingest;
use klynge::plan::{self, ClusterMode, Outcome, Params, SolverKind, StageStatus};
use klynge::store::{NewRun, Store};
use klynge::travel::TravelParams;

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
    /// Read a dataset, optimise, check the rota and store it as a new run. /
    /// Les et datasett, optimer, kontroller rotaen og lagre den som en ny kjøring.
    Plan(PlanArgs),
    /// List the stored runs, newest first. / Vis lagrede kjøringer, nyeste først.
    Runs,
    /// Show a stored rota as a table, or write it as CSV, JSON, iCalendar or GeoJSON. /
    /// Vis en lagret rota som tabell, eller skriv den som CSV, JSON, iCalendar eller GeoJSON.
    Rota(RotaArgs),
    /// Re-verify a stored rota with the independent checker. /
    /// Kontroller en lagret rota på nytt med den uavhengige kontrollen.
    Check {
        /// The run's id (see `klynge runs`).
        run: i64,
    },
    /// Plan scenarios (TOML files: a dataset and what to change), each stored under its name. /
    /// Planlegg scenarioer (TOML-filer: et datasett og hva som endres), lagret under sitt navn.
    Scenario {
        #[command(subcommand)]
        action: ScenarioAction,
    },
    /// Compare runs side by side: key figures, coverage per association, rota changes. /
    /// Sammenlign kjøringer: nøkkeltall, dekning per forening, endringer i rotaen.
    Compare {
        /// Two or more run ids; the first is the reference for the changes.
        #[arg(required = true, num_args = 2..)]
        runs: Vec<i64>,
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
    },
    /// Write one self-contained HTML page comparing runs: figures, charts and a map. /
    /// Skriv én selvstendig HTML-side som sammenligner kjøringer: tall, diagrammer og kart.
    Report {
        /// One or more run ids; the first is the reference for the changes.
        #[arg(required = true)]
        runs: Vec<i64>,
        /// The HTML file to write.
        #[arg(long, short, default_value = "report.html")]
        out: PathBuf,
    },
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
        action: PersonAction,
    },
    /// Serve the HTTP API and the web pages. / Start HTTP-API-et og nettsidene.
    Serve {
        /// The cluster's data (associations, instructors; requests in it are planned too).
        #[arg(long)]
        dataset: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Time limit for plans started from the service, seconds.
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
    },
    /// Make or revoke access tokens for the service. / Lag eller tilbakekall tilgangsnøkler.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Write a synthetic dataset with real Norwegian geography. /
    /// Skriv et syntetisk datasett med ekte norsk geografi.
    Generate {
        /// Number of instructors (requests: 1.6 per instructor).
        #[arg(long, default_value_t = 100)]
        instructors: usize,
        /// Random seed: the same seed gives the same dataset.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output: a folder (CSV files) or a file ending in .json.
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ScenarioAction {
    /// Plan each scenario file and store its run.
    Run {
        /// Scenario files (.toml).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum PersonAction {
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

#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Make a token; it is shown once and stored only as a hash.
    Create {
        #[arg(long, value_enum)]
        role: klynge::store::Role,
        /// Whom it is for: a hub id or `*` (coordinator), an association id, an instructor id.
        #[arg(long = "for")]
        subject: String,
    },
    /// Revoke a token.
    Revoke { token: String },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CompareFormat {
    Table,
    Csv,
    Json,
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    /// A dataset folder of CSV files, or a .json file.
    dataset: PathBuf,
    /// Name under which the run is stored.
    #[arg(long, default_value = "default")]
    scenario: String,
    /// milp (the optimiser) or greedy (the by-hand baseline).
    #[arg(long, value_enum, default_value_t = SolverKind::Milp)]
    solver: SolverKind,
    /// Bound on the solve, in seconds; the best rota found by then is kept.
    #[arg(long, default_value_t = 60.0)]
    time_limit: f64,
    /// Relative MIP gap at which a stage counts as solved.
    #[arg(long, default_value_t = 1e-4)]
    gap: f64,
    /// Scenario-wide one-way travel limit in km (on top of each instructor's own).
    #[arg(long)]
    max_km: Option<f64>,
    /// Road km per straight-line km.
    #[arg(long, default_value_t = 1.3)]
    detour_factor: f64,
    /// Average travel speed, km/h.
    #[arg(long, default_value_t = 60.0)]
    speed_kmh: f64,
    /// fixed: only the association's own cluster hub; open: any hub within reach;
    /// proposed: klynge proposes the clusters first, then plans as fixed.
    /// Default: fixed when the dataset names clusters, else open.
    #[arg(long, value_enum)]
    cluster_mode: Option<ClusterMode>,
    /// Components solved at once (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Travel reimbursement in NOK per km, shown by `compare`.
    #[arg(long)]
    nok_per_km: Option<f64>,
    /// Add the fairness stage: after coverage, maximise the smallest share of its requested
    /// sessions that any association gets, before travel is minimised.
    #[arg(long)]
    fairness: bool,
    /// With --cluster-mode proposed: also write the dataset's associations.csv, with the
    /// proposed `cluster` column, to this file.
    #[arg(long)]
    save_clusters: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct RotaArgs {
    /// The run's id (see `klynge runs`).
    run: i64,
    /// Group the table by association or by instructor.
    #[arg(long, value_enum, default_value_t = GroupBy::Association)]
    by: GroupBy,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Only this instructor's assignments (e.g. for a personal calendar).
    #[arg(long)]
    instructor: Option<String>,
    /// Only this association's requests.
    #[arg(long)]
    association: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
    Ics,
    Geojson,
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
}

/// The language of this invocation, for errors converted with `?`.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

impl From<klynge::store::StoreError> for Failure {
    fn from(e: klynge::store::StoreError) -> Self {
        use klynge::store::StoreError;
        let lang = LANG.get().copied().unwrap_or_default();
        let message = match (&e, lang) {
            (StoreError::NotFound(id), Lang::Nb) => {
                format!("Ingen kjøring med id {id} (se `klynge runs`).")
            }
            (StoreError::NotFound(id), Lang::En) => {
                format!("No run with id {id} (see `klynge runs`).")
            }
            (StoreError::Db(_), Lang::Nb) => format!("Databasefeil: {e}"),
            (StoreError::Migrate(_), Lang::Nb) => format!("Databasen kunne ikke oppgraderes: {e}"),
            (StoreError::Corrupt(_), Lang::Nb) => format!("Lagrede data kan ikke leses: {e}"),
            _ => e.to_string(),
        };
        let code = if matches!(e, StoreError::NotFound(_)) {
            2
        } else {
            1
        };
        Failure::new(code, message)
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let lang = cli.lang;
    let _ = LANG.set(lang);
    match cli.command {
        Command::Plan(args) => plan_cmd(&cli.db, lang, args).await,
        Command::Runs => runs_cmd(&cli.db, lang).await,
        Command::Rota(args) => rota_cmd(&cli.db, lang, args).await,
        Command::Check { run } => check_cmd(&cli.db, lang, run).await,
        Command::Scenario {
            action: ScenarioAction::Run { files },
        } => scenario_cmd(&cli.db, lang, &files).await,
        Command::Compare { runs, format } => compare_cmd(&cli.db, lang, &runs, format).await,
        Command::Repair { run, dataset } => {
            repair_cmd(&cli.db, lang, run, dataset.as_deref()).await
        }
        Command::Serve {
            dataset,
            listen,
            time_limit,
        } => serve_cmd(&cli.db, lang, &dataset, &listen, time_limit).await,
        Command::Person { action } => person_cmd(&cli.db, lang, action).await,
        Command::Token { action } => token_cmd(&cli.db, lang, action).await,
        Command::Report { runs, out } => report_cmd(&cli.db, lang, &runs, &out).await,
        Command::Explain { run, request } => {
            explain_cmd(&cli.db, lang, run, request.as_deref()).await
        }
        Command::Suggest { run, request } => suggest_cmd(&cli.db, lang, run, &request).await,
        Command::Generate {
            instructors,
            seed,
            out,
        } => {
            let ds = klynge::generate::generate(instructors, seed);
            let written = if out.extension().is_some_and(|e| e == "json") {
                ingest::write_json(&ds, &out)
            } else {
                ingest::write_folder(&ds, &out)
            };
            written.map_err(|e| Failure::new(1, format!("{}: {e}", out.display())))?;
            println!(
                "{} {} ({} {}, {} {}, {} {})",
                lang.pick("Skrev", "Wrote"),
                out.display(),
                ds.associations.len(),
                lang.pick("foreninger", "associations"),
                ds.instructors.len(),
                lang.pick("instruktører", "instructors"),
                ds.requests.len(),
                lang.pick("forespørsler", "requests"),
            );
            Ok(())
        }
    }
}

async fn plan_cmd(db: &str, lang: Lang, a: PlanArgs) -> Result<(), Failure> {
    if !(a.time_limit > 0.0 && a.detour_factor >= 1.0 && a.speed_kmh > 0.0 && a.gap >= 0.0) {
        return Err(Failure::new(
            2,
            lang.pick(
                "Ugyldige parametre: --time-limit og --speed-kmh må være over 0, --detour-factor minst 1, --gap ikke negativ",
                "Invalid parameters: --time-limit and --speed-kmh must be above 0, --detour-factor at least 1, --gap not negative",
            ),
        ));
    }
    let ds = ingest::load(&a.dataset).map_err(|p| Failure::new(2, p.render(lang)))?;
    let params = Params {
        max_km: a.max_km,
        travel: TravelParams {
            detour_factor: a.detour_factor,
            speed_kmh: a.speed_kmh,
        },
        cluster_mode: a.cluster_mode,
        time_limit_s: a.time_limit,
        mip_rel_gap: a.gap,
        threads: a.threads.unwrap_or_else(|| Params::default().threads),
        nok_per_km: a.nok_per_km,
        fairness: a.fairness,
        repair: None,
    };
    let planned = plan_checked(&ds, &params, a.solver, lang, true)?;
    if let (Some(path), Some(p)) = (&a.save_clusters, &planned.proposal) {
        let dir = tempdir_for(path)?;
        ingest::write_folder(&p.apply(&ds), &dir)
            .map_err(|e| Failure::new(1, format!("{}: {e}", path.display())))?;
        std::fs::rename(dir.join("associations.csv"), path)
            .map_err(|e| Failure::new(1, format!("{}: {e}", path.display())))?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    let store = Store::open(db).await?;
    let name = dataset_name(&a.dataset);
    let id = store_planned(&store, &a.scenario, &name, &planned).await?;
    store.close().await;
    if let Some(p) = &planned.proposal {
        print!("{}", proposal_text(p, lang));
    }
    print!(
        "{}",
        summary(
            id,
            db,
            &a.scenario,
            &name,
            &planned.outcome,
            planned.ds.instructors.len(),
            lang
        )
    );
    Ok(())
}

/// A run that has been planned and checked, ready to store.
struct Planned {
    /// The dataset planned (with proposed clusters, if any).
    ds: klynge::model::Dataset,
    /// The parameters as given (a proposed cluster mode stays `proposed`).
    params: Params,
    outcome: Outcome,
    proposal: Option<plan::clusters::ClusterProposal>,
}

/// Resolves proposed clusters, plans, and runs the independent checker: a rota it rejects
/// is an error, never a stored run.
fn plan_checked(
    ds: &klynge::model::Dataset,
    params: &Params,
    solver: SolverKind,
    lang: Lang,
    progress: bool,
) -> Result<Planned, Failure> {
    let (ds, resolved, proposal) =
        plan::resolve_clusters(ds, params).map_err(|e| Failure::new(1, e))?;
    let bar = if progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(
        lang.pick("Optimerer komponenter", "Optimising components")
            .to_string(),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let on_component = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let outcome = plan::plan(&ds, &resolved, solver, &on_component);
    bar.finish_and_clear();
    let violations = plan::check(&ds, &outcome.check_scenario(&resolved), &outcome.pairs());
    if !violations.is_empty() {
        let mut msg = lang
            .pick(
                "Den uavhengige kontrollen fant feil i rotaen; ingenting er lagret:",
                "The independent checker found errors in the rota; nothing was stored:",
            )
            .to_string();
        for v in &violations {
            msg.push_str("\n  ");
            msg.push_str(&v.render(lang));
        }
        return Err(Failure::new(1, msg));
    }
    Ok(Planned {
        ds,
        params: params.clone(),
        outcome,
        proposal,
    })
}

async fn store_planned(
    store: &Store,
    scenario: &str,
    dataset_name: &str,
    p: &Planned,
) -> Result<i64, Failure> {
    Ok(store
        .save_run(&NewRun {
            scenario,
            dataset_name,
            dataset: &p.ds,
            params: &p.params,
            outcome: &p.outcome,
            baseline: p.outcome.baseline.as_ref(),
        })
        .await?)
}

/// A dataset's name for listings: its folder or file name (`..` resolved).
fn dataset_name(path: &std::path::Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A scratch folder beside `path` (so that the final rename stays on one file system).
fn tempdir_for(path: &std::path::Path) -> Result<PathBuf, Failure> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let dir = parent.join(format!(".klynge-clusters-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(1, format!("{}: {e}", dir.display())))?;
    Ok(dir)
}

fn proposal_text(p: &plan::clusters::ClusterProposal, lang: Lang) -> String {
    let mut s = String::from(lang.pick("Foreslåtte klynger:\n", "Proposed clusters:\n"));
    let mut by_hub: std::collections::BTreeMap<&str, Vec<&plan::clusters::Membership>> =
        Default::default();
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
    for (hub, over) in &p.over {
        s.push_str(&match lang {
            Lang::Nb => format!("  Merk: {hub} får {over:.0} økter mer enn kapasiteten\n"),
            Lang::En => format!("  Note: {hub} takes on {over:.0} sessions beyond its supply\n"),
        });
    }
    s
}

fn pct(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1} %", 100.0 * part / whole)
    } else {
        "–".into()
    }
}

#[allow(clippy::too_many_arguments)]
fn summary(
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
    let mode = format!("{:?}", o.cluster_mode).to_lowercase();
    s.push_str(&match lang {
        Lang::Nb => format!(
            "Løser: {solver}, klyngemodus {mode}, {} komponent(er), {} aktuelle par, {:.2} s\n",
            o.components.len(),
            o.eligible_pairs,
            o.seconds
        ),
        Lang::En => format!(
            "Solver: {solver}, cluster mode {mode}, {} component(s), {} eligible pairs, {:.2} s\n",
            o.components.len(),
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
        s.push_str(&format!(
            "  {} {} ({}): {status}; {} {:.1}, {} {:.1}, gap {:.2} %, {:.2} s\n",
            lang.pick("Trinn", "Stage"),
            st.stage.label(),
            st.stage.name(lang),
            lang.pick("verdi", "value"),
            st.objective,
            lang.pick("grense", "bound"),
            st.bound,
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
        const SHOWN: usize = 15;
        for u in o.uncovered.iter().take(SHOWN) {
            let reasons: Vec<String> = u.reasons.iter().map(|r| r.localized(lang)).collect();
            s.push_str(&format!("  {}: {}\n", u.request, reasons.join("; ")));
        }
        if o.uncovered.len() > SHOWN {
            s.push_str(&match lang {
                Lang::Nb => format!(
                    "  … og {} til (alle står i `klynge rota {id}`)\n",
                    o.uncovered.len() - SHOWN
                ),
                Lang::En => format!(
                    "  … and {} more (all are listed by `klynge rota {id}`)\n",
                    o.uncovered.len() - SHOWN
                ),
            });
        }
    }
    s
}

async fn scenario_cmd(db: &str, lang: Lang, files: &[PathBuf]) -> Result<(), Failure> {
    // Read and apply every scenario first: a bad file stops the batch before anything is
    // planned or written.
    let mut planned = Vec::new();
    for f in files {
        let sc =
            klynge::scenario::Scenario::load(f).map_err(|p| Failure::new(2, p.render(lang)))?;
        let ds = ingest::load(&sc.dataset).map_err(|p| Failure::new(2, p.render(lang)))?;
        let ds = sc.apply(ds).map_err(|p| Failure::new(2, p.render(lang)))?;
        planned.push((sc, ds));
    }
    let store = Store::open(db).await?;
    for (sc, ds) in &planned {
        eprintln!(
            "{} «{}» …",
            lang.pick("Planlegger scenario", "Planning scenario"),
            sc.name
        );
        let p = plan_checked(ds, &sc.params, SolverKind::Milp, lang, false)?;
        let name = dataset_name(&sc.dataset);
        let id = store_planned(&store, &sc.name, &name, &p).await?;
        if let Some(proposal) = &p.proposal {
            print!("{}", proposal_text(proposal, lang));
        }
        print!(
            "{}",
            summary(
                id,
                db,
                &sc.name,
                &name,
                &p.outcome,
                p.ds.instructors.len(),
                lang
            )
        );
        println!();
    }
    store.close().await;
    Ok(())
}

/// The stored runs with these ids, in this order.
async fn load_runs(db: &str, ids: &[i64]) -> Result<Vec<klynge::store::StoredRun>, Failure> {
    let store = Store::open(db).await?;
    let mut runs = Vec::new();
    for &id in ids {
        runs.push(store.run(id).await?);
    }
    store.close().await;
    Ok(runs)
}

async fn compare_cmd(
    db: &str,
    lang: Lang,
    ids: &[i64],
    format: CompareFormat,
) -> Result<(), Failure> {
    let runs = load_runs(db, ids).await?;
    let c = klynge::compare::compare(&runs);
    print!(
        "{}",
        match format {
            CompareFormat::Table => c.to_table(lang),
            CompareFormat::Csv => c.to_csv(lang),
            CompareFormat::Json => c.to_json(),
        }
    );
    Ok(())
}

async fn repair_cmd(
    db: &str,
    lang: Lang,
    id: i64,
    dataset: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    let answers = store.responses(id).await?;
    let ds = match dataset {
        Some(path) => ingest::load(path).map_err(|p| Failure::new(2, p.render(lang)))?,
        None => run.dataset.clone(),
    };
    let params = Params {
        cluster_mode: Some(run.cluster_mode),
        repair: Some(plan::repair_spec(&run.assignments, &answers)),
        ..run.params.clone()
    };
    let planned = plan_checked(&ds, &params, SolverKind::Milp, lang, true)?;
    let scenario = format!("repair-of-{id}");
    let name = dataset
        .map(dataset_name)
        .unwrap_or_else(|| run.summary.dataset.clone());
    let new = store_planned(&store, &scenario, &name, &planned).await?;
    let after = store.run(new).await?;
    store.close().await;
    print!(
        "{}",
        summary(
            new,
            db,
            &scenario,
            &name,
            &planned.outcome,
            planned.ds.instructors.len(),
            lang
        )
    );
    let changes = klynge::compare::diff(&run, &after);
    println!(
        "{}",
        match lang {
            Lang::Nb => format!("Endringer fra kjøring {id} ({}):", changes.len()),
            Lang::En => format!("Changes from run {id} ({}):", changes.len()),
        }
    );
    // For whom: every instructor who gains or loses a course.
    let mut by_person: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for c in &changes {
        let (request, before, after): (&String, &[String], &[String]) = match c {
            klynge::compare::Change::Added {
                request,
                instructors,
            } => (request, &[], instructors),
            klynge::compare::Change::Removed {
                request,
                instructors,
            } => (request, instructors, &[]),
            klynge::compare::Change::InstructorChanged {
                request,
                before,
                after,
            } => (request, before, after),
        };
        for i in before.iter().filter(|i| !after.contains(i)) {
            by_person
                .entry(i.clone())
                .or_default()
                .push(format!("− {request}"));
        }
        for i in after.iter().filter(|i| !before.contains(i)) {
            by_person
                .entry(i.clone())
                .or_default()
                .push(format!("+ {request}"));
        }
    }
    for (who, what) in by_person {
        println!("  {who}: {}", what.join(", "));
    }
    Ok(())
}

async fn serve_cmd(
    db: &str,
    lang: Lang,
    dataset: &std::path::Path,
    listen: &str,
    time_limit: f64,
) -> Result<(), Failure> {
    let base = ingest::load(dataset).map_err(|p| Failure::new(2, p.render(lang)))?;
    let store = Store::open(db).await?;
    let state = std::sync::Arc::new(klynge::server::AppState {
        store,
        base,
        planning: tokio::sync::Mutex::new(()),
        time_limit_s: time_limit,
    });
    eprintln!(
        "{} http://{listen}/ ({})",
        lang.pick("klynge lytter på", "klynge listening on"),
        lang.pick("Ctrl-C stopper", "Ctrl-C stops")
    );
    klynge::server::serve(state, listen)
        .await
        .map_err(|e| Failure::new(1, format!("{listen}: {e}")))
}

async fn person_cmd(db: &str, lang: Lang, action: PersonAction) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    match action {
        PersonAction::Export { instructor, out } => {
            let data = store.export_person(&instructor).await?;
            let text = serde_json::to_string_pretty(&data).expect("plain data always serializes");
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::new(1, format!("{}: {e}", path.display())))?,
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

async fn token_cmd(db: &str, lang: Lang, action: TokenAction) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    match action {
        TokenAction::Create { role, subject } => {
            let token = store.create_token(role, &subject).await?;
            println!("{token}");
            eprintln!(
                "{}",
                lang.pick(
                    "Nøkkelen vises bare nå; den lagres bare som en hash.",
                    "The token is shown only now; only its hash is stored."
                )
            );
        }
        TokenAction::Revoke { token } => {
            if !store.revoke_token(&token).await? {
                return Err(Failure::new(
                    2,
                    lang.pick("Ukjent nøkkel.", "Unknown token."),
                ));
            }
            println!(
                "{}",
                lang.pick("Nøkkelen er tilbakekalt.", "The token is revoked.")
            );
        }
    }
    store.close().await;
    Ok(())
}

async fn report_cmd(
    db: &str,
    lang: Lang,
    ids: &[i64],
    out: &std::path::Path,
) -> Result<(), Failure> {
    let runs = load_runs(db, ids).await?;
    let cmp = klynge::compare::compare(&runs);
    let html = klynge::export::report::to_html(&runs, &cmp, lang);
    std::fs::write(out, html).map_err(|e| Failure::new(1, format!("{}: {e}", out.display())))?;
    println!("{} {}", lang.pick("Skrev", "Wrote"), out.display());
    Ok(())
}

async fn explain_cmd(db: &str, lang: Lang, id: i64, request: Option<&str>) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    store.close().await;
    if let Some(r) = request {
        if !run.dataset.requests.iter().any(|x| x.id == r) {
            return Err(Failure::new(
                2,
                format!(
                    "{} '{r}'",
                    lang.pick("Ukjent forespørsel", "Unknown request")
                ),
            ));
        }
        let who: Vec<&str> = run
            .assignments
            .iter()
            .filter(|a| a.request == r)
            .map(|a| a.instructor.as_str())
            .collect();
        if !who.is_empty() {
            println!(
                "{r}: {} {}",
                lang.pick("dekket av", "covered by"),
                who.join(", ")
            );
            return Ok(());
        }
    }
    // Each candidate change is re-planned: keep those solves short.
    let params = Params {
        time_limit_s: run.params.time_limit_s.min(10.0),
        ..run.params.clone()
    };
    for u in run
        .uncovered
        .iter()
        .filter(|u| request.is_none_or(|r| r == u.request))
    {
        println!("{}:", u.request);
        for reason in &u.reasons {
            println!(
                "  {} {}",
                lang.pick("Fordi", "Because"),
                reason.localized(lang)
            );
        }
        let fixes = klynge::whatif::fixes(&run.dataset, &params, &u.request);
        if fixes.is_empty() {
            println!(
                "  {}",
                lang.pick(
                    "Ingen enkeltendring som er prøvd, ville dekket den.",
                    "No single change tried would cover it."
                )
            );
        }
        for f in fixes {
            println!("  → {}", f.localized(lang));
        }
    }
    Ok(())
}

async fn suggest_cmd(db: &str, lang: Lang, id: i64, request: &str) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    store.close().await;
    let Some(req) = run.dataset.requests.iter().find(|r| r.id == request) else {
        return Err(Failure::new(
            2,
            format!(
                "{} '{request}'",
                lang.pick("Ukjent forespørsel", "Unknown request")
            ),
        ));
    };
    let inst = plan::Instance::new(
        &run.dataset,
        Params {
            cluster_mode: Some(run.cluster_mode),
            ..run.params.clone()
        },
    );
    let elig = plan::Eligibility::build(&inst);
    let r = inst.request_index[request];
    let n = inst.sessions[r].len() as f64;
    let mut options: Vec<&plan::eligibility::Pair> =
        elig.by_request[r].iter().map(|&p| &elig.pairs[p]).collect();
    options.sort_by(|a, b| a.travel.km.total_cmp(&b.travel.km));
    if options.is_empty() {
        println!(
            "{request}: {}",
            lang.pick(
                "ingen instruktør kan ta denne forespørselen",
                "no instructor can take this request"
            )
        );
        return Ok(());
    }
    let scenario = plan::CheckScenario {
        max_km: run.params.max_km,
        travel: run.params.travel,
        cluster_mode: run.cluster_mode,
    };
    let others: Vec<(String, String)> = run
        .assignments
        .iter()
        .filter(|a| a.request != request)
        .map(|a| (a.request.clone(), a.instructor.clone()))
        .collect();
    println!(
        "{request} ({}, {}, {} {}):",
        req.topic,
        req.language,
        n,
        lang.pick("økter", "sessions")
    );
    for (rank, p) in options.iter().enumerate() {
        let ins = &run.dataset.instructors[p.i];
        let mut rota = others.clone();
        rota.push((request.to_string(), ins.id.clone()));
        let clashes: Vec<String> = plan::check(&run.dataset, &scenario, &rota)
            .into_iter()
            .filter(|v| {
                v.instructor.as_deref() == Some(ins.id.as_str())
                    && v.constraint != plan::HardConstraint::Staffing
            })
            .map(|v| v.render(lang))
            .collect();
        let cost = match lang {
            Lang::Nb => format!(
                "{:.1} km hver vei, {:.0} km tur-retur i alt",
                p.travel.km,
                2.0 * p.travel.km * n
            ),
            Lang::En => format!(
                "{:.1} km each way, {:.0} round-trip km in all",
                p.travel.km,
                2.0 * p.travel.km * n
            ),
        };
        let status = if clashes.is_empty() {
            lang.pick("ledig", "free").to_string()
        } else {
            format!("{}: {}", lang.pick("koster", "costs"), clashes.join("; "))
        };
        println!(
            "  {}. {} ({}) — {cost} — {status}",
            rank + 1,
            ins.name,
            ins.id
        );
    }
    Ok(())
}

async fn runs_cmd(db: &str, lang: Lang) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let runs = store.runs().await?;
    store.close().await;
    if runs.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Ingen kjøringer ennå. Lag en med `klynge plan DATASETT`.",
                "No runs yet. Make one with `klynge plan DATASET`."
            )
        );
        return Ok(());
    }
    println!(
        "{:>4}  {:<20} {:<16} {:<10} {:<7} {:>10} {:>10} {:>9}  {}",
        "id",
        "scenario",
        lang.pick("datasett", "dataset"),
        "status",
        lang.pick("løser", "solver"),
        lang.pick("forespørsler", "requests"),
        lang.pick("vektet", "weighted"),
        "km",
        lang.pick("laget", "created"),
    );
    for r in runs {
        let f = &r.figures;
        println!(
            "{:>4}  {:<20} {:<16} {:<10} {:<7} {:>10} {:>10} {:>9.0}  {}",
            r.id,
            r.scenario,
            r.dataset,
            r.status,
            r.solver,
            format!("{}/{}", f.requests_covered, f.requests_total),
            pct(f.weighted_covered, f.weighted_total),
            f.total_km,
            r.created_at
        );
    }
    Ok(())
}

async fn rota_cmd(db: &str, lang: Lang, a: RotaArgs) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(a.run).await?;
    store.close().await;
    let rota = Rota::new(a.run, &run.dataset, &run.assignments, &run.uncovered, lang)
        .filter(a.instructor.as_deref(), a.association.as_deref());
    let text = match a.format {
        Format::Table => rota.to_table(a.by, lang),
        Format::Csv => rota.to_csv(),
        Format::Json => rota.to_json(),
        Format::Ics => {
            let stamp = chrono::DateTime::parse_from_rfc3339(&run.summary.created_at)
                .map(|t| {
                    t.with_timezone(&chrono::Utc)
                        .format("%Y%m%dT%H%M%SZ")
                        .to_string()
                })
                .unwrap_or_else(|_| "20270101T000000Z".into());
            to_ics(&rota, &stamp)
        }
        Format::Geojson => {
            let keep: Vec<plan::Assignment> = run
                .assignments
                .iter()
                .filter(|x| {
                    rota.entries
                        .iter()
                        .any(|e| e.request == x.request && e.instructor == x.instructor)
                })
                .cloned()
                .collect();
            klynge::export::to_geojson(&run.dataset, &keep)
        }
    };
    match a.out {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| Failure::new(1, format!("{}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(())
}

async fn check_cmd(db: &str, lang: Lang, id: i64) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    store.close().await;
    let scenario = plan::CheckScenario {
        max_km: run.params.max_km,
        travel: run.params.travel,
        cluster_mode: run.cluster_mode,
    };
    let pairs: Vec<(String, String)> = run
        .assignments
        .iter()
        .map(|a| (a.request.clone(), a.instructor.clone()))
        .collect();
    let violations = plan::check(&run.dataset, &scenario, &pairs);
    if violations.is_empty() {
        println!(
            "{}",
            match lang {
                Lang::Nb => format!(
                    "Kjøring {id}: rotaen er gyldig ({} tildelinger kontrollert).",
                    pairs.len()
                ),
                Lang::En => format!(
                    "Run {id}: the rota is valid ({} assignments checked).",
                    pairs.len()
                ),
            }
        );
        Ok(())
    } else {
        let mut msg = match lang {
            Lang::Nb => format!("Kjøring {id}: {} feil funnet:", violations.len()),
            Lang::En => format!("Run {id}: {} problem(s) found:", violations.len()),
        };
        for v in &violations {
            msg.push_str("\n  ");
            msg.push_str(&v.render(lang));
        }
        Err(Failure::new(1, msg))
    }
}
