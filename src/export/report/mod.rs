//! `klynge report`: one self-contained HTML page comparing runs — the key figures, charts
//! of coverage per association and load per instructor, an SVG map of associations,
//! clusters and who travels where, and the white spots of the first run's data
//! (`spots.rs`). No scripts, fonts or images from elsewhere: it opens offline.
//!
//! The page is the askama template `templates/report.html`, which escapes every value;
//! this module works out what to draw where (the charts' and maps' geometry).
//!
//! Long because it holds the geometry of the charts (bars, axes, ticks, legends) and of
//! the run maps (projection, marks, scale bar) that the template draws.

mod run_map;
mod spots;

pub use run_map::run_map_svg;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use askama::Template;

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
    /// When the report was made, in Oslo time.
    made: String,
    /// The key figures: a heading row, then one row per figure (label, one value per run).
    figures: Vec<(String, Vec<String>)>,
    /// The colour of each run and how the legends name it: (colour, "Kjøring 1 (today)").
    legend: Vec<(&'static str, String)>,
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

/// The charts are at most 640 units wide and scale to the page, with text of 12 to 14
/// units, so that it stays readable when a phone shows them at about half size.
/// Where a coverage bar starts (association names to its left) and how long 100 % is.
const BAR_X: f64 = 190.0;
const BAR_W: f64 = 380.0;

/// Coverage per association: one bar per run, the share of sessions covered, on an axis
/// from 0 to 100 %.
struct Coverage {
    width: f64,
    height: f64,
    associations: Vec<CoverageGroup>,
    /// The x axis: (x, label) per tick, its line's y, and its title's position.
    ticks: Vec<(Px, String)>,
    axis_y: Px,
    axis_title: String,
    title_y: Px,
    /// Where the legend starts.
    legend_y: Px,
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
    run: String,
    covered: usize,
    total: usize,
    text_x: Px,
    text_y: Px,
}

/// Sessions per instructor in one run, most loaded first, on a y axis of sessions.
struct Load {
    run: i64,
    scenario: String,
    width: f64,
    height: f64,
    fill: &'static str,
    legend: String,
    bars: Vec<LoadBar>,
    /// The y axis: (y, label) per tick; the x axis's line's y.
    ticks: Vec<(Px, String)>,
    base_y: Px,
    right: Px,
    x_title: String,
    x_title_y: Px,
    y_title: String,
    legend_y: Px,
}

struct LoadBar {
    x: Px,
    y: Px,
    height: Px,
    /// The name under the bar, written at an angle.
    label_x: Px,
    instructor: String,
    sessions: usize,
}

/// One run on an equirectangular map: hubs as squares, small associations as circles
/// coloured by cluster, assignments as lines from home to venue, a legend and a scale.
struct Map {
    run: i64,
    scenario: String,
    width: f64,
    height: f64,
    trips: Vec<Trip>,
    places: Vec<Place>,
    legend_y: f64,
    scale: ScaleBar,
}

/// A scale bar: `km` kilometres are `length` SVG units long on the map.
struct ScaleBar {
    x: Px,
    y: Px,
    length: Px,
    km: u32,
}

impl ScaleBar {
    fn end(&self) -> Px {
        Px(self.x.0 + self.length.0)
    }
}

struct Trip {
    from: (Px, Px),
    to: (Px, Px),
    stroke: &'static str,
    title: String,
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
/// training advice the first run's, if given. Dated now.
pub fn to_html(
    runs: &[Run],
    cmp: &Comparison,
    municipalities: &[Municipality],
    advice: Option<AdviceSection>,
    lang: Lang,
) -> String {
    to_html_at(runs, cmp, municipalities, advice, lang, chrono::Utc::now())
}

/// The report as [`to_html`] makes it, dated `made`.
pub fn to_html_at(
    runs: &[Run],
    cmp: &Comparison,
    municipalities: &[Municipality],
    advice: Option<AdviceSection>,
    lang: Lang,
    made: chrono::DateTime<chrono::Utc>,
) -> String {
    let run_name =
        |run: i64, scenario: &str| format!("{} {run} ({scenario})", lang.pick("Kjøring", "Run"));
    let report = Report {
        lang,
        title: lang.pick(
            "klynge – sammenligning av kjøringer",
            "klynge – comparison of runs",
        ),
        made: lang.moment(made),
        figures: cmp
            .rows(lang)
            .into_iter()
            .map(|(label, values)| {
                let shown = values.iter().map(|v| v.read(lang)).collect();
                (label.trim().to_owned(), shown)
            })
            .collect(),
        legend: cmp
            .runs
            .iter()
            .enumerate()
            .map(|(k, r)| (colour(k), run_name(r.run, &r.scenario)))
            .collect(),
        coverage: coverage(cmp, lang),
        loads: runs
            .iter()
            .enumerate()
            .map(|(k, r)| load(k, r, &cmp.names, lang))
            .collect(),
        maps: runs.iter().map(|r| map(r, lang)).collect(),
        white_spots: spots::white_spots(&runs[0], municipalities, lang),
        advice,
        first_run: cmp.runs[0].run,
        changes: cmp
            .diffs
            .iter()
            .map(|(run, changes)| {
                (
                    *run,
                    changes.iter().map(|c| c.line_named(&cmp.names)).collect(),
                )
            })
            .collect(),
    };
    report
        .render()
        .expect("the report renders only strings and numbers into a String")
}

fn coverage(cmp: &Comparison, lang: Lang) -> Coverage {
    let bar_h = 16.0;
    let group_h = bar_h * cmp.runs.len() as f64 + 10.0;
    // Every association of every run: a scenario may add one (a planned association).
    let ids: BTreeSet<&String> = cmp
        .runs
        .iter()
        .flat_map(|r| r.coverage_by_association.keys())
        .collect();
    let associations: Vec<CoverageGroup> = ids
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
                        width: Px(BAR_W * share),
                        height: Px(bar_h - 2.0),
                        fill: colour(k),
                        run: format!("{} {}", lang.pick("Kjøring", "Run"), r.run),
                        covered,
                        total,
                        text_x: Px(BAR_X + BAR_W * share + 4.0),
                        text_y: Px(y + bar_h - 4.0),
                    }
                })
                .collect();
            CoverageGroup {
                name: cmp.names.association(a).to_owned(),
                label_y: Px(y0 + group_h / 2.0),
                bars,
            }
        })
        .collect();
    let axis_y = 10.0 + group_h * associations.len() as f64;
    let ticks = (0..=4)
        .map(|t| {
            let share = f64::from(t) / 4.0;
            (
                Px(BAR_X + BAR_W * share),
                lang.percent(share).replace(",0 ", " ").replace(".0 ", " "),
            )
        })
        .collect();
    let legend_y = axis_y + 58.0;
    Coverage {
        width: 640.0,
        height: legend_y + 22.0 * cmp.runs.len() as f64 + 6.0,
        associations,
        ticks,
        axis_y: Px(axis_y),
        axis_title: lang
            .pick(
                "Andel av de forespurte øktene som er dekket",
                "Share of the requested sessions covered",
            )
            .to_owned(),
        title_y: Px(axis_y + 40.0),
        legend_y: Px(legend_y),
    }
}

/// A few round values from 0 to at least `max` for an axis of counts.
fn count_ticks(max: usize) -> Vec<usize> {
    let step = match max {
        0..=5 => 1,
        6..=10 => 2,
        11..=25 => 5,
        26..=50 => 10,
        _ => (max / 5).div_ceil(10) * 10,
    };
    (0..=max.div_ceil(step)).map(|k| k * step).collect()
}

/// The load chart of run number `k` (for its colour).
fn load(k: usize, run: &Run, names: &crate::compare::Names, lang: Lang) -> Load {
    let requests: BTreeMap<&str, &crate::model::Request> = run
        .dataset
        .requests
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    // Sessions an assignment gives: all of a course, one of a drop-in or guidance.
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &run.assignments {
        *load.entry(a.instructor.as_str()).or_default() += requests
            .get(a.request.as_str())
            .map_or(0, |r| r.part_sessions(a.part).len());
    }
    let mut loads: Vec<(&str, usize)> = load.into_iter().collect();
    loads.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let ticks = count_ticks(loads.first().map_or(1, |l| l.1).max(1));
    let top = ticks.last().copied().unwrap_or(1).max(1) as f64;
    // Plot area: left of it the y axis's labels, below it the names at an angle.
    let (left, top_y, plot_h, step) = (56.0, 14.0, 180.0, 24.0);
    let base = top_y + plot_h;
    let right = left + step * loads.len().max(1) as f64 + 8.0;
    let name_room = 130.0;
    let legend_y = base + name_room + 36.0;
    Load {
        run: run.summary.id,
        scenario: run.summary.scenario.clone(),
        width: right.max(360.0) + 10.0,
        height: legend_y + 26.0,
        fill: colour(k),
        legend: format!(
            "{} {} ({})",
            lang.pick("Kjøring", "Run"),
            run.summary.id,
            run.summary.scenario
        ),
        bars: loads
            .iter()
            .enumerate()
            .map(|(n, (who, l))| {
                let bh = plot_h * *l as f64 / top;
                let x = left + 4.0 + step * n as f64;
                LoadBar {
                    x: Px(x),
                    y: Px(base - bh),
                    height: Px(bh),
                    label_x: Px(x + 12.0),
                    instructor: names.instructor(who).to_owned(),
                    sessions: *l,
                }
            })
            .collect(),
        ticks: ticks
            .iter()
            .map(|&t| (Px(base - plot_h * t as f64 / top), lang.int(t as i64)))
            .collect(),
        base_y: Px(base),
        right: Px(right),
        x_title: lang
            .pick(
                "Instruktører, flest økter først",
                "Instructors, most sessions first",
            )
            .to_owned(),
        x_title_y: Px(base + name_room + 14.0),
        y_title: lang.pick("Økter", "Sessions").to_owned(),
        legend_y: Px(legend_y),
    }
}

/// Kilometres per degree of latitude (the mean Earth radius, 6371 km, times π/180).
const KM_PER_DEGREE: f64 = 111.195;

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

    /// SVG units per km: a degree of latitude is 111.2 km, and the projection keeps km
    /// about as long across as up.
    fn units_per_km(&self) -> f64 {
        self.scale / KM_PER_DEGREE
    }

    /// A scale bar at (`x`, `y`): the roundest km that is at most `max` units long.
    fn scale_bar(&self, x: f64, y: f64, max: f64) -> ScaleBar {
        let per_km = self.units_per_km();
        let km = [500, 200, 100, 50, 20, 10, 5, 2, 1]
            .into_iter()
            .find(|&km| f64::from(km) * per_km <= max)
            .unwrap_or(1);
        ScaleBar {
            x: Px(x),
            y: Px(y),
            length: Px(f64::from(km) * per_km),
            km,
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

fn map(run: &Run, lang: Lang) -> Map {
    let ds = &run.dataset;
    let (w, hgt) = (640.0, 520.0);
    let proj = Projection::fit(&dataset_points(ds), w, hgt);
    let trips = run
        .assignments
        .iter()
        .filter_map(|a| {
            let r = ds.requests.iter().find(|r| r.id == a.request)?;
            let i = ds.instructors.iter().find(|i| i.id == a.instructor)?;
            let (home, venue) = (ds.home_of(i)?, ds.venue_of(r)?);
            let to = ds
                .association(&r.association)
                .map_or(&r.association, |a| &a.name);
            Some(Trip {
                from: proj.xy(home.lat, home.lon),
                to: proj.xy(venue.lat, venue.lon),
                stroke: cluster_colour(ds, Some(i.association.as_str())),
                title: format!(
                    "{} → {to} ({}, {} {})",
                    i.name,
                    r.id,
                    lang.km(a.km, 0),
                    lang.pick("én vei", "one way")
                ),
            })
        })
        .collect();
    Map {
        run: run.summary.id,
        scenario: run.summary.scenario.clone(),
        width: w,
        height: hgt + 70.0,
        trips,
        places: places(ds, &proj),
        legend_y: hgt + 40.0,
        scale: proj.scale_bar(20.0, hgt + 10.0, 160.0),
    }
}
