//! `klynge report`: one self-contained HTML page comparing runs — the key figures, charts
//! of coverage per association and load per instructor, and an SVG map of associations,
//! clusters and who travels where. No scripts, fonts or images from elsewhere: it opens
//! offline.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::compare::Comparison;
use crate::i18n::Lang;
use crate::model::AssociationKind;
use crate::run::Run;

const PALETTE: [&str; 8] = [
    "#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#e377c2",
];

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report for `runs` (at least one), whose comparison is `cmp`.
pub fn to_html(runs: &[Run], cmp: &Comparison, lang: Lang) -> String {
    let mut h = String::new();
    let title = lang.pick(
        "klynge – sammenligning av kjøringer",
        "klynge – comparison of runs",
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>\
         body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}\
         td:first-child,th:first-child{{text-align:left}}h2{{margin-top:2em}}svg{{background:#fafafa;border:1px solid #ddd}}\
         .legend span{{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}}</style></head><body>\n<h1>{title}</h1>\n",
        if lang == Lang::Nb { "nb" } else { "en" }
    );

    // Key figures.
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n",
        lang.pick("Nøkkeltall", "Key figures")
    );
    for (k, (label, vals)) in cmp.rows(lang).iter().enumerate() {
        let cell = if k == 0 { "th" } else { "td" };
        let _ = write!(h, "<tr><{cell}>{}</{cell}>", esc(label.trim()));
        for v in vals {
            let _ = write!(h, "<{cell}>{}</{cell}>", esc(v));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    legend(&mut h, cmp);

    // Coverage per association: one bar per run, share of sessions covered.
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        lang.pick("Dekning per forening", "Coverage per association")
    );
    let assocs: Vec<&String> = cmp.runs[0].coverage_by_association.keys().collect();
    let bar_h = 10.0;
    let group_h = bar_h * cmp.runs.len() as f64 + 8.0;
    let height = 20.0 + group_h * assocs.len() as f64;
    let _ = write!(h, "<svg width=\"900\" height=\"{height:.0}\" role=\"img\">");
    for (a_i, a) in assocs.iter().enumerate() {
        let y0 = 10.0 + group_h * a_i as f64;
        let _ = write!(
            h,
            "<text x=\"5\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y0 + group_h / 2.0,
            esc(a)
        );
        for (k, r) in cmp.runs.iter().enumerate() {
            let (c, t) = r.coverage_by_association.get(*a).copied().unwrap_or((0, 0));
            let share = if t > 0 { c as f64 / t as f64 } else { 0.0 };
            let y = y0 + bar_h * k as f64;
            let _ = write!(
                h,
                "<rect x=\"160\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} {}: {c}/{t}</title></rect>",
                600.0 * share,
                bar_h - 1.0,
                PALETTE[k % PALETTE.len()],
                esc(&r.scenario),
                esc(a)
            );
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\">{c}/{t}</text>",
                165.0 + 600.0 * share,
                y + bar_h - 2.0
            );
        }
    }
    h.push_str("</svg>\n");

    // Load per instructor, per run.
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        lang.pick(
            "Belastning per instruktør (økter)",
            "Load per instructor (sessions)"
        )
    );
    for (k, run) in runs.iter().enumerate() {
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
        let w = (loads.len().max(1) as f64 * 14.0).max(200.0);
        let _ = write!(
            h,
            "<p>{} {} ({})</p><svg width=\"{w:.0}\" height=\"140\" role=\"img\">",
            lang.pick("Kjøring", "Run"),
            run.summary.id,
            esc(&run.summary.scenario)
        );
        for (n, (who, l)) in loads.iter().enumerate() {
            let bh = 110.0 * *l as f64 / max;
            let _ = write!(
                h,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"{bh:.1}\" fill=\"{}\"><title>{}: {l}</title></rect>",
                2.0 + 14.0 * n as f64,
                120.0 - bh,
                PALETTE[k % PALETTE.len()],
                esc(who)
            );
        }
        h.push_str("</svg>\n");
    }

    // Maps.
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        lang.pick("Kart: klynger og reiser", "Map: clusters and travel")
    );
    for run in runs {
        map(&mut h, run, lang);
    }

    // Changes.
    for (run, changes) in &cmp.diffs {
        let _ = write!(
            h,
            "<h2>{} {} → {run}</h2>\n<ul>\n",
            lang.pick("Endringer", "Changes"),
            cmp.runs[0].run
        );
        for c in changes {
            let _ = writeln!(h, "<li>{}</li>", esc(&c.line()));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body></html>\n");
    h
}

fn legend(h: &mut String, cmp: &Comparison) {
    h.push_str("<p class=\"legend\">");
    for (k, r) in cmp.runs.iter().enumerate() {
        let _ = write!(
            h,
            "<span style=\"background:{}\"></span>{} {}",
            PALETTE[k % PALETTE.len()],
            r.run,
            esc(&r.scenario)
        );
    }
    h.push_str("</p>\n");
}

/// An equirectangular SVG map of one run: hubs as squares, small associations as circles
/// coloured by cluster, assignments as lines from home to venue.
fn map(h: &mut String, run: &Run, lang: Lang) {
    let ds = &run.dataset;
    let mut pts: Vec<(f64, f64)> = ds.associations.iter().map(|a| (a.lat, a.lon)).collect();
    pts.extend(
        ds.instructors
            .iter()
            .filter_map(|i| ds.home_of(i))
            .map(|p| (p.lat, p.lon)),
    );
    let (lat0, lat1) = pts
        .iter()
        .fold((90.0f64, -90.0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (lon0, lon1) = pts
        .iter()
        .fold((180.0f64, -180.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let (w, hgt) = (700.0, 520.0);
    let span_x = ((lon1 - lon0) * k).max(1e-6);
    let span_y = (lat1 - lat0).max(1e-6);
    let scale = ((w - 80.0) / span_x).min((hgt - 60.0) / span_y);
    let xy = |lat: f64, lon: f64| (40.0 + (lon - lon0) * k * scale, 30.0 + (lat1 - lat) * scale);
    let hubs: Vec<&str> = ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Hub)
        .map(|a| a.id.as_str())
        .collect();
    let colour = |hub: Option<&str>| {
        hub.and_then(|c| hubs.iter().position(|h| *h == c))
            .map_or("#999", |p| PALETTE[p % PALETTE.len()])
    };
    let _ = write!(
        h,
        "<p>{} {} ({})</p><svg width=\"{w}\" height=\"{hgt}\" role=\"img\">",
        lang.pick("Kjøring", "Run"),
        run.summary.id,
        esc(&run.summary.scenario)
    );
    for a in &run.assignments {
        let (Some(r), Some(i)) = (
            ds.requests.iter().find(|r| r.id == a.request),
            ds.instructors.iter().find(|i| i.id == a.instructor),
        ) else {
            continue;
        };
        let (Some(home), Some(venue)) = (ds.home_of(i), ds.venue_of(r)) else {
            continue;
        };
        let (x1, y1) = xy(home.lat, home.lon);
        let (x2, y2) = xy(venue.lat, venue.lon);
        let _ = write!(
            h,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{}\" stroke-opacity=\"0.45\" stroke-width=\"1.5\"><title>{} → {} ({:.0} km)</title></line>",
            colour(Some(i.association.as_str())),
            esc(&i.id),
            esc(&r.id),
            a.km
        );
    }
    for a in &ds.associations {
        let (x, y) = xy(a.lat, a.lon);
        if a.kind == AssociationKind::Hub {
            let _ = write!(
                h,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>",
                x - 6.0,
                y - 6.0,
                colour(Some(a.id.as_str()))
            );
        } else {
            let fill = if a.opt_in {
                colour(a.cluster.as_deref())
            } else {
                "#fff"
            };
            let _ = write!(
                h,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{fill}\" stroke=\"#333\"/>"
            );
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            x + 8.0,
            y + 4.0,
            esc(&a.name)
        );
    }
    h.push_str("</svg>\n");
}
