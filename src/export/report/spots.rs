//! The report's white spots (issue 13, part 4): a map of the municipalities of the data's
//! counties with the white spots marked by population, and a table of the largest.
//!
//! Computed from the first run's data, under its travel parameters and its scenario-wide
//! travel limit, so that the map belongs to the run it is shown beside.

use crate::generate::Municipality;
use crate::i18n::Lang;
use crate::run::Run;
use crate::whitespots::{Region, WhiteSpot, region_municipalities, white_spots as find};

use super::{Place, Projection, Px, ScaleBar, dataset_points, places};

/// How many white spots the table lists (the map shows them all).
const TABLE_ROWS: usize = 10;
/// The white spots' fill: apart from the clusters' palette.
const SPOT_FILL: &str = "#e4572e";

/// The section as the template shows it.
pub(super) struct WhiteSpots {
    /// The first run, whose data the section is computed from.
    pub(super) run: i64,
    /// All white spots (the table shows the first `TABLE_ROWS`).
    pub(super) count: usize,
    pub(super) map: SpotsMap,
    pub(super) rows: Vec<SpotRow>,
}

pub(super) struct SpotsMap {
    pub(super) width: f64,
    pub(super) height: f64,
    /// Every municipality looked at, as a small dot: (x, y, name).
    pub(super) towns: Vec<(Px, Px, String)>,
    pub(super) spots: Vec<SpotMark>,
    pub(super) places: Vec<Place>,
    /// Where the legend starts (below the map).
    pub(super) legend_y: f64,
    pub(super) spot_fill: &'static str,
    /// The first cluster's colour, for the legend's hub and small association.
    pub(super) cluster_fill: &'static str,
    pub(super) scale: ScaleBar,
}

/// A white spot on the map: a circle whose area grows with the population.
pub(super) struct SpotMark {
    pub(super) x: Px,
    pub(super) y: Px,
    pub(super) r: Px,
    /// Named on the map: the ones in the table.
    pub(super) label: Option<(Px, Px)>,
    pub(super) name: String,
    pub(super) title: String,
}

/// A row of the table, formatted.
pub(super) struct SpotRow {
    pub(super) municipality: String,
    pub(super) county: String,
    pub(super) population: String,
    pub(super) why: String,
    pub(super) km_short: String,
}

impl WhiteSpots {
    /// The text before the map.
    pub(super) fn intro(&self, lang: Lang) -> String {
        match lang {
            Lang::Nb => format!(
                "Kommuner uten forening som ingen instruktør når, og små foreninger som ingen innen rekkevidde kan undervise, i fylkene der dataene har foreninger; flest innbyggere først. Beregnet fra dataene og reisegrensene til kjøring {}: {} hvite flekker.",
                self.run, self.count
            ),
            Lang::En => format!(
                "Municipalities with no association that no instructor reaches, and small associations nobody in reach can teach, in the counties the data has associations in; most people first. Computed from the data and travel limits of run {}: {} white spots.",
                self.run, self.count
            ),
        }
    }
}

/// The white spots of `run`'s data among the reference `municipalities`.
pub(super) fn white_spots(run: &Run, municipalities: &[Municipality], lang: Lang) -> WhiteSpots {
    let mut ds = run.dataset.clone();
    // The scenario-wide limit caps every instructor's own, as in planning.
    if let Some(cap) = run.params.max_km {
        for i in &mut ds.instructors {
            i.max_km = i.max_km.min(cap);
        }
    }
    let region = Region::DatasetCounties;
    let spots = find(&ds, municipalities, run.params.travel, region);
    let towns = region_municipalities(&ds, municipalities, region);
    WhiteSpots {
        run: run.summary.id,
        count: spots.len(),
        map: spots_map(&ds, &towns, &spots, lang),
        rows: spots
            .iter()
            .take(TABLE_ROWS)
            .map(|s| row(s, lang))
            .collect(),
    }
}

fn row(s: &WhiteSpot, lang: Lang) -> SpotRow {
    SpotRow {
        municipality: s.municipality.clone(),
        county: s.county.clone(),
        population: lang.number(s.population as f64, 0),
        why: crate::export::whitespots::why(s, lang),
        km_short: s
            .km_short
            .map_or_else(|| "–".to_owned(), |k| lang.number(k.max(0.0), 0)),
    }
}

fn spots_map(
    ds: &crate::model::Dataset,
    towns: &[&Municipality],
    spots: &[WhiteSpot],
    lang: Lang,
) -> SpotsMap {
    let (w, hgt) = (700.0, 560.0);
    let mut pts = dataset_points(ds);
    pts.extend(towns.iter().map(|m| (m.location.lat, m.location.lon)));
    let proj = Projection::fit(&pts, w, hgt);
    let largest = spots.iter().map(|s| s.population).max().unwrap_or(1).max(1) as f64;
    let marks = spots
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let (x, y) = proj.xy(s.lat, s.lon);
            // Area in proportion to the population: radius by its square root.
            let r = 3.0 + 11.0 * (s.population as f64 / largest).sqrt();
            SpotMark {
                x,
                y,
                r: Px(r),
                label: (n < TABLE_ROWS).then_some((Px(x.0 + r + 2.0), Px(y.0 + 4.0))),
                name: s.municipality.clone(),
                title: format!(
                    "{}: {} {} – {}",
                    s.municipality,
                    lang.number(s.population as f64, 0),
                    lang.pick("innbyggere", "people"),
                    crate::export::whitespots::why(s, lang)
                ),
            }
        })
        .collect();
    SpotsMap {
        width: w,
        height: hgt + 70.0,
        towns: towns
            .iter()
            .map(|m| {
                let (x, y) = proj.xy(m.location.lat, m.location.lon);
                (x, y, m.name.clone())
            })
            .collect(),
        spots: marks,
        places: places(ds, &proj),
        legend_y: hgt + 35.0,
        spot_fill: SPOT_FILL,
        cluster_fill: super::colour(0),
        scale: proj.scale_bar(10.0, hgt + 12.0, 160.0),
    }
}
