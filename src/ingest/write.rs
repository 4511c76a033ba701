//! Writing a dataset back out, in either form (used by `klynge generate`).

use std::path::Path;

use crate::model::{AssociationKind, Dataset, weekday_code};

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The optional `email` and `lang` columns: written only when someone has one, so that a
/// dataset without addresses is written exactly as before they existed.
fn contact_columns<'a>(
    header: &mut Vec<&'a str>,
    people: impl Iterator<Item = (&'a Option<String>, &'a Option<String>)>,
) -> bool {
    let any = people.into_iter().any(|(e, l)| e.is_some() || l.is_some());
    if any {
        header.extend(["email", "lang"]);
    }
    any
}

/// Writes the dataset as a folder of CSV files (created if needed).
pub fn write_folder(ds: &Dataset, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let csv_err = std::io::Error::other;

    let mut w = csv::Writer::from_path(dir.join("associations.csv")).map_err(csv_err)?;
    let mut header = vec![
        "id",
        "name",
        "kind",
        "lat",
        "lon",
        "municipality",
        "opt_in",
        "cluster",
    ];
    let contact = contact_columns(
        &mut header,
        ds.associations.iter().map(|a| (&a.email, &a.lang)),
    );
    // Lending columns only when some hub limits its lending (older files stay as they were).
    let lending = ds
        .associations
        .iter()
        .any(|a| !a.lends || a.lend_cap_sessions.is_some());
    if lending {
        header.extend(["lends", "lend_cap_sessions"]);
    }
    w.write_record(&header).map_err(csv_err)?;
    for a in &ds.associations {
        let kind = match a.kind {
            AssociationKind::Hub => "hub",
            AssociationKind::Small => "small",
        };
        let mut record = vec![
            a.id.clone(),
            a.name.clone(),
            kind.to_owned(),
            a.lat.to_string(),
            a.lon.to_string(),
            a.municipality.clone(),
            a.opt_in.to_string(),
            a.cluster.clone().unwrap_or_default(),
        ];
        if contact {
            record.extend([opt(a.email.as_ref()), opt(a.lang.as_ref())]);
        }
        if lending {
            record.extend([a.lends.to_string(), opt(a.lend_cap_sessions)]);
        }
        w.write_record(&record).map_err(csv_err)?;
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("instructors.csv")).map_err(csv_err)?;
    let mut header = vec![
        "id",
        "name",
        "association",
        "lat",
        "lon",
        "topics",
        "languages",
        "max_km",
        "max_sessions_per_week",
        "max_sessions_total",
        "max_hours_per_week",
    ];
    let contact = contact_columns(
        &mut header,
        ds.instructors.iter().map(|i| (&i.email, &i.lang)),
    );
    let willing = ds
        .instructors
        .iter()
        .any(|i| !i.willing_languages.is_empty());
    if willing {
        header.push("willing_languages");
    }
    // Written only when someone has a minute limit, so older datasets are written as before.
    let minutes = ds.instructors.iter().any(|i| i.max_minutes.is_some());
    if minutes {
        header.push("max_minutes");
    }
    w.write_record(&header).map_err(csv_err)?;
    let mut av = csv::Writer::from_path(dir.join("availability.csv")).map_err(csv_err)?;
    av.write_record(["instructor", "weekday", "start", "end"])
        .map_err(csv_err)?;
    let mut bl = csv::Writer::from_path(dir.join("blackouts.csv")).map_err(csv_err)?;
    bl.write_record(["instructor", "from", "to"])
        .map_err(csv_err)?;
    for i in &ds.instructors {
        let mut record = vec![
            i.id.clone(),
            i.name.clone(),
            i.association.clone(),
            opt(i.lat),
            opt(i.lon),
            i.topics.join(";"),
            i.languages.join(";"),
            i.max_km.to_string(),
            i.max_sessions_per_week.to_string(),
            opt(i.max_sessions_total),
            opt(i.max_hours_per_week),
        ];
        if contact {
            record.extend([opt(i.email.as_ref()), opt(i.lang.as_ref())]);
        }
        if willing {
            record.push(i.willing_languages.join(";"));
        }
        if minutes {
            record.push(opt(i.max_minutes));
        }
        w.write_record(&record).map_err(csv_err)?;
        for s in &i.availability {
            av.write_record([
                i.id.as_str(),
                weekday_code(s.weekday),
                &s.start.to_string(),
                &s.end.to_string(),
            ])
            .map_err(csv_err)?;
        }
        for b in &i.blackouts {
            bl.write_record([i.id.as_str(), &b.from.to_string(), &b.to.to_string()])
                .map_err(csv_err)?;
        }
    }
    w.flush()?;
    av.flush()?;
    bl.flush()?;

    let mut w = csv::Writer::from_path(dir.join("requests.csv")).map_err(csv_err)?;
    let header = [
        "id",
        "association",
        "topic",
        "language",
        "instructors_needed",
        "priority",
        "first_date",
        "start",
        "end",
        "count",
        "interval_days",
        "venue_lat",
        "venue_lon",
    ];
    // The format columns only when a request needs them, so that a dataset of courses
    // keeps its files as they were.
    let formats = ds.requests.iter().any(|r| !r.format.is_course());
    let format_header: &[&str] = if formats {
        &["format", "slot_minutes", "desks"]
    } else {
        &[]
    };
    w.write_record(header.iter().chain(format_header))
        .map_err(csv_err)?;
    let mut se = csv::Writer::from_path(dir.join("sessions.csv")).map_err(csv_err)?;
    se.write_record(["request", "date", "start", "end"])
        .map_err(csv_err)?;
    for r in &ds.requests {
        let s = r.series.as_ref();
        let cells = [
            r.id.as_str(),
            &r.association,
            &r.topic,
            &r.language,
            &r.instructors_needed.to_string(),
            &r.priority.to_string(),
            &opt(s.map(|s| s.first_date)),
            &opt(s.map(|s| s.start)),
            &opt(s.map(|s| s.end)),
            &opt(s.map(|s| s.count)),
            &opt(s.map(|s| s.interval_days)),
            &opt(r.venue_lat),
            &opt(r.venue_lon),
        ];
        let format_cells = [
            r.format.code().to_owned(),
            opt(r.slot_minutes),
            opt(r.desks),
        ];
        let format_cells = if formats { &format_cells[..] } else { &[] };
        w.write_record(
            cells
                .iter()
                .map(|c| c.as_bytes())
                .chain(format_cells.iter().map(|c| c.as_bytes())),
        )
        .map_err(csv_err)?;
        for x in &r.sessions {
            se.write_record([
                r.id.as_str(),
                &x.date.to_string(),
                &x.start.to_string(),
                &x.end.to_string(),
            ])
            .map_err(csv_err)?;
        }
    }
    w.flush()?;
    se.flush()?;

    if !ds.travel.is_empty() {
        let mut w = csv::Writer::from_path(dir.join("travel.csv")).map_err(csv_err)?;
        w.write_record(["from", "to", "km", "minutes"])
            .map_err(csv_err)?;
        for t in &ds.travel {
            w.write_record([t.from.as_str(), &t.to, &t.km.to_string(), &opt(t.minutes)])
                .map_err(csv_err)?;
        }
        w.flush()?;
    }

    write_network(ds, dir)?;

    if !ds.offers.is_empty() {
        let mut w = csv::Writer::from_path(dir.join("offers.csv")).map_err(csv_err)?;
        w.write_record([
            "id",
            "provider",
            "kind",
            "topics",
            "languages",
            "municipality",
            "lat",
            "lon",
            "when",
            "times",
            "contact",
            "url",
        ])
        .map_err(csv_err)?;
        for o in &ds.offers {
            let kind = serde_json::to_value(o.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            w.write_record([
                o.id.as_str(),
                &o.provider,
                &kind,
                &o.topics.join(";"),
                &o.languages.join(";"),
                &o.municipality,
                &o.lat.to_string(),
                &o.lon.to_string(),
                &o.when,
                &o.times
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(";"),
                &o.contact,
                &o.url,
            ])
            .map_err(csv_err)?;
        }
        w.flush()?;
    }
    Ok(())
}

/// `places.csv` and `network.csv`, each only when the dataset has any.
fn write_network(ds: &Dataset, dir: &Path) -> std::io::Result<()> {
    let csv_err = std::io::Error::other;
    if !ds.places.is_empty() {
        let mut w = csv::Writer::from_path(dir.join("places.csv")).map_err(csv_err)?;
        w.write_record(["id", "name", "lat", "lon"])
            .map_err(csv_err)?;
        for p in &ds.places {
            w.write_record([
                p.id.as_str(),
                &p.name,
                &p.lat.to_string(),
                &p.lon.to_string(),
            ])
            .map_err(csv_err)?;
        }
        w.flush()?;
    }
    if !ds.network.is_empty() {
        let mut w = csv::Writer::from_path(dir.join("network.csv")).map_err(csv_err)?;
        w.write_record(["from", "to", "km", "minutes", "ferry", "wait_minutes"])
            .map_err(csv_err)?;
        for e in &ds.network {
            w.write_record([
                e.from.as_str(),
                &e.to,
                &e.km.to_string(),
                &e.minutes.to_string(),
                &e.ferry.to_string(),
                &opt(e.wait_minutes),
            ])
            .map_err(csv_err)?;
        }
        w.flush()?;
    }
    Ok(())
}

/// Writes the dataset as one pretty-printed JSON file.
pub fn write_json(ds: &Dataset, path: &Path) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(ds).map_err(std::io::Error::other)?;
    std::fs::write(path, text)
}
