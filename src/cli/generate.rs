//! `klynge generate`: a synthetic dataset on real Norwegian geography.

use std::path::PathBuf;

use klynge::i18n::Lang;

use super::{Failure, dataset_counts, write_dataset};

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Number of instructors (requests: 1.6 per instructor).
    #[arg(long, default_value_t = 100)]
    instructors: usize,
    /// Random seed: the same seed gives the same dataset.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output: a folder (CSV files) or a file ending in .json.
    out: PathBuf,
}

pub fn generate(lang: Lang, a: GenerateArgs) -> Result<(), Failure> {
    let ds = klynge::generate::generate(a.instructors, a.seed);
    write_dataset(&ds, &a.out)?;
    println!(
        "{} {} ({})",
        lang.pick("Skrev", "Wrote"),
        a.out.display(),
        dataset_counts(&ds, lang)
    );
    Ok(())
}
