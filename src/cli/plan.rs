//! `klynge plan` and `klynge scenario run`: read, plan, check, store, and print the summary.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use klynge::app::AppError;
use klynge::app::plan::{Planned, plan_checked, save};
use klynge::export::text::{proposal_text, summary};
use klynge::i18n::Lang;
use klynge::ingest;
use klynge::plan::{ClusterMode, Params, SolverKind};
use klynge::store::Store;
use klynge::travel::TravelParams;

use super::progress::Bar;
use super::{Failure, choice, dataset_name, load_dataset};

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// A dataset folder of CSV files, or a .json file (default: the current data in the
    /// database, see `klynge import`).
    dataset: Option<PathBuf>,
    /// Name under which the run is stored.
    #[arg(long, default_value = "default")]
    scenario: String,
    /// milp (the optimiser) or greedy (the by-hand baseline).
    #[arg(long, default_value = "milp", value_parser = choice::<SolverKind>(&SolverKind::NAMES))]
    solver: SolverKind,
    /// Bound on the solve, in seconds; the best rota found by then is kept.
    #[arg(long, default_value_t = 60.0, value_parser = super::decimal_arg)]
    time_limit: f64,
    /// Relative MIP gap at which a stage counts as solved.
    #[arg(long, default_value_t = 1e-4, value_parser = super::decimal_arg)]
    gap: f64,
    /// Scenario-wide one-way travel limit in km (on top of each instructor's own).
    #[arg(long, value_parser = super::decimal_arg)]
    max_km: Option<f64>,
    /// Scenario-wide one-way travel limit in minutes (on top of each instructor's own).
    #[arg(long)]
    max_minutes: Option<u32>,
    /// Road km per straight-line km.
    #[arg(long, default_value_t = 1.3, value_parser = super::decimal_arg)]
    detour_factor: f64,
    /// Average travel speed, km/h.
    #[arg(long, default_value_t = 60.0, value_parser = super::decimal_arg)]
    speed_kmh: f64,
    /// fixed: only the association's own cluster hub; open: any hub within reach;
    /// proposed: klynge chooses the clusters with the rota, then plans as fixed in them.
    /// Default: fixed when the dataset names clusters, else open.
    #[arg(long, value_parser = choice::<ClusterMode>(&ClusterMode::NAMES))]
    cluster_mode: Option<ClusterMode>,
    /// Components solved at once (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Travel reimbursement in NOK per km, shown by `compare`.
    #[arg(long, value_parser = super::decimal_arg)]
    nok_per_km: Option<f64>,
    /// Add the fairness stage: maximise the smallest share of its requested sessions that
    /// any association gets — `after` coverage (the default when given without a value) or
    /// `first`, before it. / Rettferdighet: etter dekning, eller først.
    #[arg(long, num_args = 0..=1, default_missing_value = "after", value_parser = ["after", "first"])]
    fairness: Option<String>,
    /// With --cluster-mode proposed: also write the dataset's associations.csv, with the
    /// proposed `cluster` column, to this file.
    #[arg(long)]
    save_clusters: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ScenarioAction {
    /// Plan each scenario file and store its run.
    Run {
        /// Scenario files (.toml).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

impl PlanArgs {
    fn params(&self, lang: Lang) -> Result<Params, Failure> {
        // (flag, value, least value, whether the least value itself is allowed)
        let bounds = [
            ("--time-limit", Some(self.time_limit), 0.0, false),
            ("--gap", Some(self.gap), 0.0, true),
            ("--max-km", self.max_km, 0.0, true),
            ("--detour-factor", Some(self.detour_factor), 1.0, true),
            ("--speed-kmh", Some(self.speed_kmh), 0.0, false),
            ("--nok-per-km", self.nok_per_km, 0.0, true),
        ];
        let mut wrong = Vec::new();
        for (flag, value, least, inclusive) in bounds {
            let Some(v) = value else { continue };
            let ok = v.is_finite() && (v > least || (inclusive && v == least));
            if !ok {
                let bound = if inclusive { "≥" } else { ">" };
                wrong.push(match lang {
                    Lang::Nb => format!(
                        "Ugyldig verdi for {flag}: {v} (forventet et endelig tall {bound} {least})"
                    ),
                    Lang::En => format!(
                        "Invalid value for {flag}: {v} (expected a finite number {bound} {least})"
                    ),
                });
            }
        }
        if self.threads == Some(0) {
            wrong.push(
                lang.pick(
                    "Ugyldig verdi for --threads: 0 (forventet minst 1)",
                    "Invalid value for --threads: 0 (expected at least 1)",
                )
                .to_owned(),
            );
        }
        if !wrong.is_empty() {
            return Err(Failure::new(2, wrong.join("\n")));
        }
        Ok(Params {
            max_km: self.max_km,
            max_minutes: self.max_minutes,
            travel: TravelParams {
                detour_factor: self.detour_factor,
                speed_kmh: self.speed_kmh,
            },
            cluster_mode: self.cluster_mode,
            time_limit_s: self.time_limit,
            mip_rel_gap: self.gap,
            threads: self.threads.unwrap_or_else(|| Params::default().threads),
            nok_per_km: self.nok_per_km,
            fairness: self
                .fairness
                .as_deref()
                .and_then(klynge::plan::Fairness::parse)
                .unwrap_or_default(),
            ..Params::default()
        })
    }
}

pub async fn plan_dataset(db: &str, lang: Lang, a: PlanArgs) -> Result<(), Failure> {
    let params = a.params(lang)?;
    let (ds, name) = match &a.dataset {
        Some(path) => (load_dataset(path)?, dataset_name(path)),
        None => super::data::current_or_fail(db, lang).await?,
    };
    let planned = {
        let bar = Bar::new(lang);
        plan_checked(&ds, &params, a.solver, &*bar.progress())?
    };
    if let (Some(path), Some(p)) = (&a.save_clusters, &planned.proposal) {
        save_clusters(path, &p.apply(&ds))?;
    }
    let store = Store::open(db).await?;
    let id = save(&store, &a.scenario, &name, &planned).await?;
    store.close().await;
    print_planned(id, db, &a.scenario, &name, &planned, lang);
    Ok(())
}

pub async fn scenarios(db: &str, lang: Lang, files: &[PathBuf]) -> Result<(), Failure> {
    // Read and apply every scenario first: a bad file stops the batch before anything is
    // planned or written.
    let mut todo = Vec::new();
    for f in files {
        let sc = klynge::scenario::Scenario::load(f).map_err(AppError::Dataset)?;
        let ds = load_dataset(&sc.dataset)?;
        let ds = sc.apply(ds).map_err(AppError::Dataset)?;
        todo.push((sc, ds));
    }
    let store = Store::open(db).await?;
    for (sc, ds) in &todo {
        eprintln!(
            "{} «{}» …",
            lang.pick("Planlegger scenario", "Planning scenario"),
            sc.name
        );
        let planned = plan_checked(ds, &sc.params, SolverKind::Milp, &|_| {})?;
        let name = dataset_name(&sc.dataset);
        let id = save(&store, &sc.name, &name, &planned).await?;
        print_planned(id, db, &sc.name, &name, &planned, lang);
        println!();
    }
    store.close().await;
    Ok(())
}

fn print_planned(id: i64, db: &str, scenario: &str, dataset: &str, p: &Planned, lang: Lang) {
    if let Some(proposal) = &p.proposal {
        print!("{}", proposal_text(proposal, lang));
    }
    print!(
        "{}",
        summary(id, db, scenario, dataset, &p.outcome, &p.ds, lang)
    );
}

/// Writes the dataset's associations.csv (with the proposed `cluster` column) to `path`,
/// through a scratch folder beside it, so that the final rename stays on one file system.
fn save_clusters(path: &Path, ds: &klynge::model::Dataset) -> Result<(), Failure> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent.join(format!(".klynge-clusters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Failure::io(&dir, e))?;
    let written = ingest::write_folder(ds, &dir)
        .map_err(|e| Failure::io(path, e))
        .and_then(|()| {
            std::fs::rename(dir.join("associations.csv"), path).map_err(|e| Failure::io(path, e))
        });
    let _ = std::fs::remove_dir_all(&dir);
    written
}
