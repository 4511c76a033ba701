//! White spots on a small map whose answer is known by hand.

use klynge::generate::Municipality;
use klynge::model::LatLon;
use klynge::travel::TravelParams;
use klynge::whitespots::{Gap, Region, white_spots};

mod common;
use common::*;

fn municipality(
    number: &str,
    name: &str,
    county: &str,
    population: u64,
    km_north: f64,
) -> Municipality {
    Municipality {
        number: number.into(),
        name: name.into(),
        county: county.into(),
        population,
        location: LatLon {
            lat: HUB_LAT + km_north / 111.5,
            lon: HUB_LON,
        },
    }
}

/// The hub's instructors reach 100 road km (≈ 77 straight km at detour 1.3).
/// - Hubby (0 km): the hub's own municipality.
/// - Near (30 km, no association): in reach, not a spot.
/// - Far (200 km, no association, 5 000 people): a spot, 160 road km short.
/// - Farther (300 km, 9 000 people): a spot, ranked first (more people).
/// - Lonely (250 km): has small association `l` with one request nobody reaches.
/// - Elsewhere (another county, 400 km): only with the whole country.
fn map() -> Vec<Municipality> {
    vec![
        municipality("1", "Hubby", "Midt", 50_000, 0.0),
        municipality("2", "Near", "Midt", 3_000, 30.0),
        municipality("3", "Far", "Midt", 5_000, 200.0),
        municipality("4", "Farther", "Midt", 9_000, 300.0),
        municipality("5", "Lonely", "Midt", 1_000, 250.0),
        municipality("6", "Elsewhere", "Sør", 20_000, 400.0),
    ]
}

fn data() -> klynge::model::Dataset {
    let mut hub_assoc = hub("hub");
    hub_assoc.municipality = "Hubby".into();
    let mut lonely = small("l", 250.0);
    lonely.municipality = "Lonely".into();
    let mut i1 = instructor("i1");
    i1.max_km = 100.0;
    let mut ds = dataset(
        vec![lonely],
        vec![i1],
        vec![request("r1", "l", "2027-01-04", "10:00", "12:00", 2)],
    );
    ds.associations[0] = hub_assoc;
    ds
}

#[test]
fn white_spots_are_the_unreached_places_most_people_first() {
    let spots = white_spots(
        &data(),
        &map(),
        TravelParams::default(),
        Region::DatasetCounties,
    );
    let got: Vec<(&str, bool)> = spots
        .iter()
        .map(|s| (s.municipality.as_str(), matches!(s.gap, Gap::NoAssociation)))
        .collect();
    assert_eq!(got, [("Farther", true), ("Far", true), ("Lonely", false)]);
    // 200 km north is 200 × 1.3 = 260 road km; the instructor reaches 100.
    let far = &spots[1];
    let short = far.km_short.expect("an instructor exists");
    assert!((short - 160.0).abs() < 2.0, "{short}");
    match &spots[2].gap {
        Gap::UnmetAssociation {
            association,
            requests,
            ..
        } => assert_eq!((association.as_str(), *requests), ("l", 1)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_whole_country_adds_the_other_counties() {
    let spots = white_spots(&data(), &map(), TravelParams::default(), Region::Country);
    assert_eq!(spots[0].municipality, "Elsewhere");
    assert_eq!(spots.len(), 4);
}

#[test]
fn an_instructor_who_reaches_further_closes_a_spot() {
    let mut ds = data();
    ds.instructors[0].max_km = 270.0;
    let spots = white_spots(
        &ds,
        &map(),
        TravelParams::default(),
        Region::DatasetCounties,
    );
    let names: Vec<&str> = spots.iter().map(|s| s.municipality.as_str()).collect();
    // Far (260 road km) is now in reach; Lonely's request too (250 × 1.3 = 325 > 270: not).
    assert_eq!(names, ["Farther", "Lonely"]);
}

#[test]
fn the_geojson_has_one_point_per_spot() {
    let spots = white_spots(
        &data(),
        &map(),
        TravelParams::default(),
        Region::DatasetCounties,
    );
    let g = klynge::export::whitespots_geojson(&spots);
    assert_eq!(g["features"].as_array().map(Vec::len), Some(3));
    assert_eq!(g["features"][0]["properties"]["kind"], "no_association");
    assert_eq!(g["features"][0]["geometry"]["type"], "Point");
}

#[test]
fn the_command_names_the_pilots_gaps_and_refuses_bad_flags() {
    let bin = env!("CARGO_BIN_EXE_klynge");
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.db").display().to_string();
    let pilot = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trondelag");
    let out = std::process::Command::new(bin)
        .args(["--db", &db, "--lang", "en", "whitespots", pilot])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    // Namsos is Trøndelag's largest municipality beyond the pilot's reach.
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with("Namsos")),
        "{text}"
    );
    // The table ends by pointing at the next step: a planned association in a scenario.
    assert!(
        text.trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("Try a planned association")
                && l.contains("[[add_associations]]")),
        "{text}"
    );
    for args in [
        vec!["whitespots"],
        vec!["whitespots", pilot, "--detour-factor", "0.5"],
        vec!["whitespots", "/nonexistent"],
    ] {
        let out = std::process::Command::new(bin)
            .args(["--db", &db])
            .args(&args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
}

/// The report of a run on the small map: its white spots section names the spots, draws
/// them, and says so in a sentence when there are none.
#[test]
fn the_report_maps_and_lists_the_white_spots_of_the_first_run() {
    use klynge::i18n::Lang;
    let ds = data();
    let o = solve(&ds);
    let run = klynge::run::Run::unsaved("t", "t", &ds, &params(), &o);
    let runs = [run];
    let cmp = klynge::compare::compare(&runs);
    let html = klynge::export::report::to_html(&runs, &cmp, &map(), None, Lang::En);
    let section = html
        .split("<h2>White spots</h2>")
        .nth(1)
        .expect("the section")
        .split("<h2>")
        .next()
        .unwrap_or_default();
    assert!(section.contains("<svg") && section.contains("id=\"white-spots-map\""));
    // Every municipality of the county is a dot; the three spots are circles with a title.
    assert_eq!(
        section.matches("fill=\"#888\"><title>").count(),
        5,
        "{section}"
    );
    for name in ["Farther", "Far", "Lonely"] {
        assert!(
            section.contains(&format!("<td>{name}</td>")),
            "{name}: {section}"
        );
    }
    assert!(!section.contains("<td>Near</td>") && !section.contains("Elsewhere"));
    // Norwegian number formatting in the table (a no-break space between thousands), and
    // the reason in words.
    let mut bigger = map();
    bigger[3].population = 19_000;
    let nb = klynge::export::report::to_html(&runs, &cmp, &bigger, None, Lang::Nb);
    assert!(
        nb.contains("<tr><td>Farther</td><td>Midt</td><td>19\u{a0}000</td>"),
        "{nb}"
    );
    assert!(nb.contains("<h2>Hvite flekker</h2>") && nb.contains("ingen instruktør når fram"));

    // With the far places gone and nothing unmet, the section says there are none.
    let near: Vec<_> = map()
        .into_iter()
        .filter(|m| ["1", "2"].contains(&m.number.as_str()))
        .collect();
    let mut reached = data();
    reached.instructors[0].max_km = 400.0;
    let o = solve(&reached);
    let runs = [klynge::run::Run::unsaved("t", "t", &reached, &params(), &o)];
    let cmp = klynge::compare::compare(&runs);
    let html = klynge::export::report::to_html(&runs, &cmp, &near, None, Lang::En);
    assert!(html.contains("No white spots:"), "{html}");
    assert!(!html.contains("white-spots-map"));
}
