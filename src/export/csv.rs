//! CSV: a rota (one row per session and instructor) and runs side by side.

use super::Rota;
use crate::compare::{Change, Comparison};
use crate::i18n::Lang;

impl Rota {
    /// One CSV row per session and instructor.
    pub fn to_csv(&self) -> String {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "run",
            "request",
            "association",
            "topic",
            "language",
            "date",
            "start",
            "end",
            "instructor",
            "instructor_name",
            "km_one_way",
            "travel_minutes",
            "venue_lat",
            "venue_lon",
        ]);
        for e in &self.entries {
            for s in &e.sessions {
                let _ = w.write_record([
                    self.run.to_string(),
                    e.request.clone(),
                    e.association.clone(),
                    e.topic.clone(),
                    e.language.clone(),
                    s.date.to_string(),
                    s.start.to_string(),
                    s.end.to_string(),
                    e.instructor.clone(),
                    e.instructor_name.clone(),
                    format!("{:.1}", e.km_one_way),
                    e.travel_minutes.to_string(),
                    e.venue_lat.to_string(),
                    e.venue_lon.to_string(),
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

impl Comparison {
    /// The side-by-side table as CSV (one column per run), then the diff rows.
    pub fn to_csv(&self, lang: Lang) -> String {
        let mut w = ::csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for (label, vals) in self.rows(lang) {
            let mut rec = vec![label.trim().to_string()];
            rec.extend(vals);
            let _ = w.write_record(&rec);
        }
        let _ = w.write_record(["change", "from_run", "to_run", "request", "before", "after"]);
        for (run, changes) in &self.diffs {
            for c in changes {
                let (kind, request, before, after) = match c {
                    Change::Added {
                        request,
                        instructors,
                    } => ("added", request, String::new(), instructors.join(";")),
                    Change::Removed {
                        request,
                        instructors,
                    } => ("removed", request, instructors.join(";"), String::new()),
                    Change::InstructorChanged {
                        request,
                        before,
                        after,
                    } => (
                        "instructor_changed",
                        request,
                        before.join(";"),
                        after.join(";"),
                    ),
                };
                let _ = w.write_record([
                    kind.to_string(),
                    self.runs[0].run.to_string(),
                    run.to_string(),
                    request.clone(),
                    before,
                    after,
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
