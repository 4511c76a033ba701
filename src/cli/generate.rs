//! `klynge generate`: a synthetic dataset on real Norwegian geography.

use std::path::PathBuf;

use klynge::i18n::Lang;
use klynge::ingest;

use super::Failure;

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
    let out = &a.out;
    let written = if out.extension().is_some_and(|e| e == "json") {
        ingest::write_json(&ds, out)
    } else {
        ingest::write_folder(&ds, out)
    };
    written.map_err(|e| Failure::io(out, e))?;
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
