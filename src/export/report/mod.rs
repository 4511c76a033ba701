//! `klynge report`: one self-contained HTML page comparing runs — the key figures, charts
//! of coverage per association and load per instructor, an SVG map of associations,
//! clusters and who travels where, and the white spots of the first run's data
//! (`spots.rs`). No scripts, fonts or images from elsewhere: it opens offline.
//!
//! The page is the askama template `templates/report.html`, which escapes every value;
//! this module works out what to draw where (the charts' and maps' geometry).

mod run_map;
mod spots;

pub use run_map::run_map_svg;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use askama::Template;

use super::sheet::Style;
use crate::compare::Comparison;
use crate::generate::Municipality;
use crate::i18n::Lang;
use crate::model::{AssociationKind, Dataset};
use crate::run::Run;

use spots::WhiteSpots;

const PALETTE: [&str; 8] = [
    "#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#e377c2",
];

fn colour(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

/// An SVG coordinate or length, written with one decimal.
#[derive(Clone, Copy)]
struct Px(f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct Report<'a> {
    lang: Lang,
    title: &'a str,
    /// The key figures: a heading row, then one row per figure (label, one value per run).
    figures: Vec<(String, Vec<String>)>,
    /// The colour of each run: (colour, run id, scenario).
    legend: Vec<(&'static str, i64, String)>,
    coverage: Coverage,
    loads: Vec<Load>,
    maps: Vec<Map>,
    white_spots: WhiteSpots,
    /// Training advice for the first run, if asked for.
    advice: Option<AdviceSection>,
    /// The first run, and for each other run its id and the changes from the first.
    first_run: i64,
    changes: Vec<(i64, Vec<String>)>,
}

/// Coverage per association: one bar per run, the share of sessions covered.
struct Coverage {
    height: f64,
    associations: Vec<CoverageGroup>,
}

struct CoverageGroup {
    name: String,
    label_y: Px,
    bars: Vec<CoverageBar>,
}

struct CoverageBar {
    y: Px,
    width: Px,
    height: Px,
    fill: &'static str,
    scenario: String,
    covered: usize,
    total: usize,
    text_x: Px,
    text_y: Px,
}

/// Sessions per instructor in one run, most loaded first.
struct Load {
    run: i64,
    scenario: String,
    width: f64,
    bars: Vec<LoadBar>,
}

struct LoadBar {
    x: Px,
    y: Px,
    height: Px,
    fill: &'static str,
    instructor: String,
    sessions: usize,
}

/// One run on an equirectangular map: hubs as squares, small associations as circles
/// coloured by cluster, assignments as lines from home to venue.
struct Map {
    run: i64,
    scenario: String,
    width: f64,
    height: f64,
    trips: Vec<Trip>,
    places: Vec<Place>,
}

struct Trip {
    from: (Px, Px),
    to: (Px, Px),
    stroke: &'static str,
    instructor: String,
    request: String,
    km: f64,
}

struct Place {
    x: Px,
    y: Px,
    hub: bool,
    fill: &'static str,
    name: String,
}

impl Place {
    /// The corner of a hub's 12 × 12 square around the place.
    fn corner(&self) -> (Px, Px) {
        (Px(self.x.0 - 6.0), Px(self.y.0 - 6.0))
    }

    /// Where the name is written: right of the mark.
    fn label(&self) -> (Px, Px) {
        (Px(self.x.0 + 8.0), Px(self.y.0 + 4.0))
    }
}

/// The training advice as the report shows it (built by `app::advise`, which the report
/// cannot call: it is below the use cases).
#[derive(Clone, Debug, Default)]
pub struct AdviceSection {
    pub run: i64,
    pub budget: usize,
    /// One row per training: who, what they learn, the requests they take, sessions, for
    /// which associations.
    pub rows: Vec<[String; 5]>,
    /// "Confirmed by planning again: …", in the report's language.
    pub confirmed: String,
}

/// The report for `runs` (at least one), whose comparison is `cmp`; the white spots are
/// those of the first run's data among `municipalities` (the reference table), and the
/// training advice the first run's, if given.
pub fn to_html(
    runs: &[Run],
    cmp: &Comparison,
    municipalities: &[Municipality],
    advice: Option<AdviceSection>,
    lang: Lang,
) -> String {
    let report = Report {
        lang,
        title: lang.pick(
            "klynge – sammenligning av kjøringer",
            "klynge – comparison of runs",
        ),
        figures: cmp
            .rows(lang)
            .into_iter()
            .map(|(label, values)| {
                let shown = values.iter().map(|v| v.show(Style::Plain)).collect();
                (label.trim().to_owned(), shown)
            })
            .collect(),
        legend: cmp
            .runs
            .iter()
            .enumerate()
            .map(|(k, r)| (colour(k), r.run, r.scenario.clone()))
            .collect(),
        coverage: coverage(cmp),
        loads: runs.iter().enumerate().map(|(k, r)| load(k, r)).collect(),
        maps: runs.iter().map(map).collect(),
        white_spots: spots::white_spots(&runs[0], municipalities, lang),
        advice,
        first_run: cmp.runs[0].run,
        changes: cmp
            .diffs
            .iter()
            .map(|(run, changes)| (*run, changes.iter().map(|c| c.line()).collect()))
            .collect(),
    };
    report
        .render()
        .expect("the report renders only strings and numbers into a String")
}

fn coverage(cmp: &Comparison) -> Coverage {
    let bar_h = 10.0;
    let group_h = bar_h * cmp.runs.len() as f64 + 8.0;
    // Every association of every run: a scenario may add one (a planned association).
    let names: BTreeSet<&String> = cmp
        .runs
        .iter()
        .flat_map(|r| r.coverage_by_association.keys())
        .collect();
    let associations: Vec<CoverageGroup> = names
        .into_iter()
        .enumerate()
        .map(|(a_i, a)| {
            let y0 = 10.0 + group_h * a_i as f64;
            let bars = cmp
                .runs
                .iter()
                .enumerate()
                .map(|(k, r)| {
                    let (covered, total) =
                        r.coverage_by_association.get(a).copied().unwrap_or((0, 0));
                    let share = if total > 0 {
                        covered as f64 / total as f64
                    } else {
                        0.0
                    };
                    let y = y0 + bar_h * k as f64;
                    CoverageBar {
                        y: Px(y),
                        width: Px(600.0 * share),
                        height: Px(bar_h - 1.0),
                        fill: colour(k),
                        scenario: r.scenario.clone(),
                        covered,
                        total,
                        text_x: Px(165.0 + 600.0 * share),
                        text_y: Px(y + bar_h - 2.0),
                    }
                })
                .collect();
            CoverageGroup {
                name: a.clone(),
                label_y: Px(y0 + group_h / 2.0),
                bars,
            }
        })
        .collect();
    Coverage {
        height: 20.0 + group_h * associations.len() as f64,
        associations,
    }
}

/// The load chart of run number `k` (for its colour).
fn load(k: usize, run: &Run) -> Load {
    let sessions: BTreeMap<&str, usize> = run
        .dataset
        .requests
        .iter()
        .map(|r| (r.id.as_str(), r.all_sessions().len()))
        .collect();
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &run.assignments {
        *load.entry(a.instructor.as_str()).or_default() +=
            sessions.get(a.request.as_str()).copied().unwrap_or(0);
    }
    let mut loads: Vec<(&str, usize)> = load.into_iter().collect();
    loads.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let max = loads.first().map_or(1, |l| l.1).max(1) as f64;
    Load {
        run: run.summary.id,
        scenario: run.summary.scenario.clone(),
        width: (loads.len().max(1) as f64 * 14.0).max(200.0),
        bars: loads
            .iter()
            .enumerate()
            .map(|(n, (who, l))| {
                let bh = 110.0 * *l as f64 / max;
                LoadBar {
                    x: Px(2.0 + 14.0 * n as f64),
                    y: Px(120.0 - bh),
                    height: Px(bh),
                    fill: colour(k),
                    instructor: (*who).to_owned(),
                    sessions: *l,
                }
            })
            .collect(),
    }
}

/// An equirectangular projection fitted to a set of (lat, lon) points within a
/// `width` × `height` picture with a margin; east–west distances are shrunk by the cosine
/// of the middle latitude, so that a km is about as long across as up.
struct Projection {
    lat1: f64,
    lon0: f64,
    k: f64,
    scale: f64,
}

impl Projection {
    fn fit(pts: &[(f64, f64)], width: f64, height: f64) -> Projection {
        let (lat0, lat1) = pts
            .iter()
            .fold((90.0f64, -90.0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (lon0, lon1) = pts
            .iter()
            .fold((180.0f64, -180.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let k = ((lat0 + lat1) / 2.0).to_radians().cos();
        let span_x = ((lon1 - lon0) * k).max(1e-6);
        let span_y = (lat1 - lat0).max(1e-6);
        let scale = ((width - 80.0) / span_x).min((height - 60.0) / span_y);
        Projection {
            lat1,
            lon0,
            k,
            scale,
        }
    }

    fn xy(&self, lat: f64, lon: f64) -> (Px, Px) {
        (
            Px(40.0 + (lon - self.lon0) * self.k * self.scale),
            Px(30.0 + (self.lat1 - lat) * self.scale),
        )
    }
}

/// The points a dataset's map must show: its associations and its instructors' homes.
fn dataset_points(ds: &Dataset) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = ds.associations.iter().map(|a| (a.lat, a.lon)).collect();
    pts.extend(
        ds.instructors
            .iter()
            .filter_map(|i| ds.home_of(i))
            .map(|p| (p.lat, p.lon)),
    );
    pts
}

/// The colour of a hub's cluster (grey for none), by the hub's place in the dataset.
fn cluster_colour(ds: &Dataset, hub: Option<&str>) -> &'static str {
    let mut hubs = ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Hub);
    hub.and_then(|c| hubs.position(|h| h.id == c))
        .map_or("#999", colour)
}

/// The associations as marks: hubs as squares in their cluster's colour, small associations
/// as circles in their cluster's colour (white when they have not opted in).
fn places(ds: &Dataset, proj: &Projection) -> Vec<Place> {
    ds.associations
        .iter()
        .map(|a| {
            let (x, y) = proj.xy(a.lat, a.lon);
            let hub = a.kind == AssociationKind::Hub;
            let fill = if hub {
                cluster_colour(ds, Some(a.id.as_str()))
            } else if a.opt_in {
                cluster_colour(ds, a.cluster.as_deref())
            } else {
                "#fff"
            };
            Place {
                x,
                y,
                hub,
                fill,
                name: a.name.clone(),
            }
        })
        .collect()
}

fn map(run: &Run) -> Map {
    let ds = &run.dataset;
    let (w, hgt) = (700.0, 520.0);
    let proj = Projection::fit(&dataset_points(ds), w, hgt);
    let trips = run
        .assignments
        .iter()
        .filter_map(|a| {
            let r = ds.requests.iter().find(|r| r.id == a.request)?;
            let i = ds.instructors.iter().find(|i| i.id == a.instructor)?;
            let (home, venue) = (ds.home_of(i)?, ds.venue_of(r)?);
            Some(Trip {
                from: proj.xy(home.lat, home.lon),
                to: proj.xy(venue.lat, venue.lon),
                stroke: cluster_colour(ds, Some(i.association.as_str())),
                instructor: i.id.clone(),
                request: r.id.clone(),
                km: a.km,
            })
        })
        .collect();
    Map {
        run: run.summary.id,
        scenario: run.summary.scenario.clone(),
        width: w,
        height: hgt,
        trips,
        places: places(ds, &proj),
    }
}
