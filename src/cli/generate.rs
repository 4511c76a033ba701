//! `klynge generate`: a synthetic dataset on real Norwegian geography.

use std::path::PathBuf;

use klynge::generate::Spec;
use klynge::i18n::{Lang, Localized};
use klynge::plan::ClusterMode;

use super::{Failure, choice, dataset_counts, write_dataset};

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Number of instructors.
    #[arg(long, default_value_t = 100)]
    instructors: usize,
    /// Number of requests (default: 1.6 per instructor).
    #[arg(long)]
    requests: Option<usize>,
    /// Number of hubs, in the most populous municipalities (default: one per 40
    /// instructors, 1 to 40).
    #[arg(long)]
    hubs: Option<usize>,
    /// Number of small associations (default: one per 3 instructors, at least 3).
    #[arg(long)]
    small: Option<usize>,
    /// Only this county's municipalities, e.g. Trøndelag (default: all of Norway).
    #[arg(long)]
    county: Option<String>,
    /// fixed: each small association joins its nearest hub's cluster (within 100 km);
    /// open: no clusters named, so the dataset plans in open mode.
    #[arg(long, value_parser = choice::<ClusterMode>(&ClusterMode::NAMES), default_value = "fixed")]
    cluster_mode: ClusterMode,
    /// Random seed: the same seed and counts give the same dataset.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output: a folder (CSV files) or a file ending in .json.
    out: PathBuf,
}

pub fn generate(lang: Lang, a: GenerateArgs) -> Result<(), Failure> {
    if a.cluster_mode == ClusterMode::Proposed {
        return Err(Failure::new(
            2,
            lang.pick(
                "--cluster-mode for generate er fixed eller open (proposed velges når du planlegger)",
                "--cluster-mode for generate is fixed or open (proposed is chosen when you plan)",
            ),
        ));
    }
    let spec = Spec {
        instructors: a.instructors,
        requests: a.requests,
        hubs: a.hubs,
        small: a.small,
        county: a.county,
        open: a.cluster_mode == ClusterMode::Open,
    };
    let ds = klynge::generate::generate_spec(&spec, a.seed)
        .map_err(|e| Failure::new(2, e.localized(lang)))?;
    write_dataset(&ds, &a.out)?;
    println!(
        "{} {} ({})",
        lang.pick("Skrev", "Wrote"),
        a.out.display(),
        dataset_counts(&ds, lang)
    );
    Ok(())
}
