//! `klynge whitespots`: municipalities nobody serves, and small associations whose demand no
//! hub can meet, most seniors affected first.

use std::path::PathBuf;

use klynge::export::{whitespots_geojson, whitespots_sheet, whitespots_table};
use klynge::i18n::Lang;
use klynge::store::Store;
use klynge::travel::TravelParams;
use klynge::whitespots::{Region, white_spots};

use super::{Failure, FileArgs, FileKind, load_dataset};

#[derive(clap::Args, Debug)]
pub struct WhitespotsArgs {
    /// The dataset (a folder, .json or .xlsx); default: the current data in the database. /
    /// Datasettet; standard: dataene i databasen.
    dataset: Option<PathBuf>,
    /// All of Norway, not only the counties the data has associations in. / Hele landet.
    #[arg(long)]
    country: bool,
    /// Road km per straight-line km. / Veikilometer per luftlinjekilometer.
    #[arg(long, default_value_t = 1.3, value_parser = super::decimal_arg)]
    detour_factor: f64,
    /// table, csv, xlsx (a workbook: give --out), json, or geojson (points for a map). /
    /// tabell, csv, xlsx (regneark: gi --out), json eller geojson (punkter for et kart).
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "xlsx", "json", "geojson"])]
    format: String,
    #[command(flatten)]
    file: FileArgs,
}

pub async fn whitespots(db: &str, lang: Lang, a: WhitespotsArgs) -> Result<(), Failure> {
    a.file.check(FileKind::of_format(&a.format), lang)?;
    if !(a.detour_factor.is_finite() && (1.0..=5.0).contains(&a.detour_factor)) {
        return Err(Failure::new(
            2,
            lang.pick(
                "--detour-factor må være mellom 1 og 5",
                "--detour-factor must be between 1 and 5",
            ),
        ));
    }
    let ds = match &a.dataset {
        Some(path) => load_dataset(path)?,
        None => {
            let store = Store::open(db).await?;
            let current = klynge::app::data::current(&store).await?;
            store.close().await;
            current.map(|(ds, _)| ds).ok_or_else(|| {
                Failure::new(
                    2,
                    lang.pick(
                        "databasen har ingen data ennå: gi et datasett, eller kjør klynge import først",
                        "the database holds no data yet: give a dataset, or run klynge import first",
                    ),
                )
            })?
        }
    };
    let travel = TravelParams {
        detour_factor: a.detour_factor,
        ..TravelParams::default()
    };
    let region = if a.country {
        Region::Country
    } else {
        Region::DatasetCounties
    };
    let spots = white_spots(&ds, &klynge::generate::municipalities(), travel, region);
    match a.format.as_str() {
        "csv" => a
            .file
            .write_text(&whitespots_sheet(&spots, lang).to_csv(a.file.dialect())),
        "xlsx" => a.file.write_xlsx(&whitespots_sheet(&spots, lang), lang),
        "json" => a
            .file
            .write_text(&(serde_json::to_string_pretty(&spots).unwrap_or_default() + "\n")),
        "geojson" => a
            .file
            .write_text(&(whitespots_geojson(&spots).to_string() + "\n")),
        _ => a.file.write_text(&whitespots_table(&spots, lang)),
    }
}
