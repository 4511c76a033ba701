//! The HTML report read as a phone and a reader see it (issue 12): a viewport, charts that
//! scale and carry axes, labels and a legend, the date it was made, names instead of ids,
//! and maps with a scale bar whose km fit the projection.

use std::path::Path;

use klynge::i18n::Lang;
use klynge::plan::{self, Params, SolverKind};

fn pilot_runs() -> Vec<klynge::run::Run> {
    let ds =
        klynge::ingest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"))
            .expect("pilot");
    let p = Params {
        time_limit_s: 20.0,
        ..Params::default()
    };
    let o = plan::plan(&ds, &p, SolverKind::Milp, &|_| {});
    let mut near = p.clone();
    near.max_km = Some(40.0);
    let o2 = plan::plan(&ds, &near, SolverKind::Milp, &|_| {});
    let mut a = klynge::run::Run::unsaved("i dag", "trondelag", &ds, &p, &o);
    a.summary.id = 1;
    let mut b = klynge::run::Run::unsaved("km40", "trondelag", &ds, &near, &o2);
    b.summary.id = 2;
    vec![a, b]
}

/// Each `<svg …>…</svg>` of the page.
fn svgs(html: &str) -> Vec<&str> {
    html.split("<svg")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap_or_default())
        .collect()
}

/// The value of `attr="…"` in `tag`.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    tag[start..].split('"').next()
}

#[test]
fn the_report_fits_a_phone_and_every_chart_has_axes_labels_a_legend_and_a_scale() {
    let runs = pilot_runs();
    let cmp = klynge::compare::compare(&runs);
    let made = chrono::DateTime::parse_from_rfc3339("2026-11-24T03:40:47Z")
        .expect("time")
        .with_timezone(&chrono::Utc);
    let html = klynge::export::report::to_html_at(
        &runs,
        &cmp,
        &klynge::generate::municipalities(),
        None,
        Lang::Nb,
        made,
    );
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    // The date it was made, in Oslo time (UTC+1 in November).
    assert!(html.contains("Laget 24.11.2026 kl. 04:40"), "the date");
    // Nothing wider than a phone: every svg scales through its viewBox, none has a width.
    let all = svgs(&html);
    assert_eq!(
        all.len(),
        1 + 2 + 2 + 1,
        "coverage, 2 loads, 2 maps, white spots"
    );
    for svg in &all {
        let tag = svg.split('>').next().unwrap_or_default();
        assert!(tag.contains("viewBox=\""), "{tag}");
        assert!(attr(tag, "width").is_none(), "a fixed width: {tag}");
        // A chart too wide to read at a phone's width keeps its size and scrolls inside
        // its own box: the page itself never gets wider than the phone.
        if let Some(min) = tag.split("min-width:").nth(1) {
            let px: f64 = min.split("px").next().unwrap_or("0").parse().expect("px");
            let before = html.split(svg).next().unwrap_or_default();
            assert!(
                px <= 390.0 || before.trim_end().ends_with("<div class=\"wide\">\n<svg"),
                "wider than a phone and not in a scrolling box: {tag}"
            );
        }
    }
    assert!(html.contains(".wide{overflow-x:auto"));
    assert!(!html.contains("width:1100px") && html.contains("svg{display:block;width:100%"));
    // Charts: axes with their titles, and a legend naming the runs.
    let charts: Vec<&&str> = all
        .iter()
        .filter(|s| s.contains("class=\"chart\""))
        .collect();
    assert_eq!(charts.len(), 3, "coverage and two load charts");
    for c in &charts {
        assert!(c.contains("class=\"axis-label\""), "an axis title: {c}");
        assert!(c.contains("class=\"legend\""), "a legend: {c}");
        assert!(c.contains("Kjøring 1") || c.contains("Kjøring 2"), "{c}");
    }
    let coverage = charts[0];
    for tick in ["0 %", "25 %", "50 %", "75 %", "100 %"] {
        assert!(coverage.contains(&format!(">{tick}</text>")), "{tick}");
    }
    assert!(coverage.contains("Andel av de forespurte øktene som er dekket"));
    assert!(
        charts[1].contains(">Økter</text>")
            && charts[1].contains("Instruktører, flest økter først")
    );
    // Display names, not ids: associations on the coverage chart, instructors under the
    // load bars, and in the rota changes.
    assert!(coverage.contains(">Seniornett Stjørdal</text>") && !coverage.contains(">stjordal<"));
    assert!(charts[1].contains(">Kari Bakken</text>") || charts[1].contains(">Ola Strand</text>"));
    let changes = html.split("<h2>Endringer").nth(1).expect("changes");
    assert!(
        changes.contains("(Seniornett ") && !changes.contains(": i0"),
        "{changes}"
    );
    // Maps: a legend and a scale bar whose km are the projection's.
    let maps: Vec<&&str> = all.iter().filter(|s| s.contains("class=\"map\"")).collect();
    assert_eq!(maps.len(), 3, "two run maps and the white spots");
    for m in &maps {
        assert!(m.contains("class=\"legend\""), "a legend");
        let bar = m.split("class=\"scale-bar\"").nth(1).expect("a scale bar");
        let km: f64 = attr(bar, "data-km").expect("km").parse().expect("km");
        let length: f64 = attr(bar, "data-length")
            .expect("length")
            .parse()
            .expect("len");
        assert!(bar.contains(&format!(">{km} km</text>")), "{bar}");
        assert!(length > 20.0 && length <= 160.0, "{length}");
        // The line drawn is `length` long.
        let line = bar.split("<line").nth(1).expect("line");
        let x1: f64 = attr(line, "x1").expect("x1").parse().expect("x1");
        let x2: f64 = attr(line, "x2").expect("x2").parse().expect("x2");
        assert!(((x2 - x1) - length).abs() < 0.11, "{x1} {x2} {length}");
    }
    // A run map's scale: the marks of Trondheim and Stjørdal are as many km apart, at
    // the scale bar's units per km, as the two places are on the Earth (±3 %).
    let m = maps[0];
    let mark = |name: &str| -> (f64, f64) {
        let before = m.split(&format!(">{name}</text>")).next().expect("name");
        let text = before.rsplit("<text").next().expect("label");
        let x: f64 = attr(text, "x").expect("x").parse().expect("x");
        let y: f64 = attr(text, "y").expect("y").parse().expect("y");
        // The label is written 8 right of and 4 below the mark.
        (x - 8.0, y - 4.0)
    };
    let (a, b) = (mark("Seniornett Trondheim"), mark("Seniornett Stjørdal"));
    let units = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let bar = m.split("class=\"scale-bar\"").nth(1).expect("bar");
    let km: f64 = attr(bar, "data-km").expect("km").parse().expect("km");
    let length: f64 = attr(bar, "data-length")
        .expect("length")
        .parse()
        .expect("len");
    let measured = units * km / length;
    let at = |id: &str| {
        runs[0]
            .dataset
            .association(id)
            .expect("in the pilot")
            .location()
    };
    let crow = klynge::travel::geodesic_km(at("trondheim"), at("stjordal"));
    assert!(
        (measured - crow).abs() / crow < 0.03,
        "map says {measured:.1} km, the Earth {crow:.1} km"
    );
}

#[test]
fn the_report_in_english_says_the_same_in_english() {
    let runs = pilot_runs();
    let cmp = klynge::compare::compare(&runs);
    let html = klynge::export::report::to_html(&runs, &cmp, &[], None, Lang::En);
    assert!(html.contains("<p class=\"made\">Made "));
    assert!(html.contains("Share of the requested sessions covered"));
    assert!(html.contains("Instructors, most sessions first"));
    let f = &runs[0].summary.figures;
    let covered = format!(
        "<td>Requests covered</td><td>{}/{} ({})</td>",
        f.requests_covered,
        f.requests_total,
        Lang::En.percent_of(f.requests_covered as f64, f.requests_total as f64)
    );
    assert!(html.contains(&covered), "English figures: {covered}");
    assert!(
        covered.contains('.'),
        "a decimal point in English: {covered}"
    );
}
