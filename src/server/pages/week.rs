//! A rota as one ISO week on a planner's board: a row per instructor (or per association),
//! a column per day, each session a card with its time and what it is. On a phone the
//! same week is a list per day. Pure: from a `Rota`'s entries to what the template draws.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::{names, show};
use crate::export::{Rota, RotaEntry};
use crate::i18n::Lang;

/// Rows by whom.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum By {
    Instructor,
    Association,
}

impl By {
    pub fn parse(s: Option<&str>) -> By {
        match s {
            Some("association") => By::Association,
            _ => By::Instructor,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            By::Instructor => "instructor",
            By::Association => "association",
        }
    }
}

/// One session on the board.
pub struct Item {
    pub time: String,
    pub topic: String,
    /// The other side: the association (rows by instructor) or the instructor.
    pub with: String,
    /// The row's name, for the list per day.
    pub who: String,
}

pub struct Day {
    pub date: NaiveDate,
    /// `mandag 18.01.` / `Monday 01-18`
    pub head: String,
    pub items: Vec<Item>,
}

pub struct Row {
    pub name: String,
    /// Seven cells, Monday to Sunday.
    pub cells: Vec<Vec<Item>>,
}

pub struct Week {
    /// `2027-W03`
    pub key: String,
    /// `uke 3, 18.–24. januar 2027` in words.
    pub label: String,
    pub prev: String,
    pub next: String,
    pub days: Vec<Day>,
    pub rows: Vec<Row>,
    /// Sessions in the whole rota (to tell an empty week from an empty rota).
    pub sessions_in_rota: usize,
}

/// `2027-W03` as its Monday.
pub fn parse_week(s: &str) -> Option<NaiveDate> {
    let (y, w) = s.trim().split_once("-W")?;
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)
}

fn key_of(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The week to show when none is asked for: the first with a session on or after
/// `today`, else the rota's last week with a session (a past term), else this week.
pub fn default_week(rota: &Rota, today: NaiveDate) -> NaiveDate {
    let days: Vec<NaiveDate> = rota
        .entries
        .iter()
        .flat_map(|e| e.sessions.iter().map(|s| s.date))
        .collect();
    let day = days
        .iter()
        .filter(|d| **d >= today)
        .min()
        .or_else(|| days.iter().max())
        .copied()
        .unwrap_or(today);
    monday_of(day)
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The week starting `monday` of `rota`, rows by `by`.
pub fn week(rota: &Rota, monday: NaiveDate, by: By, lang: Lang) -> Week {
    let monday = monday_of(monday);
    let sunday = monday + Duration::days(6);
    let row_name = |e: &RotaEntry| match by {
        By::Instructor => e.instructor_name.clone(),
        By::Association => e.association_name.clone(),
    };
    let mut names_in_week: Vec<String> = Vec::new();
    let mut placed: Vec<(String, usize, NaiveDate, String, Item)> = Vec::new();
    for e in &rota.entries {
        for s in &e.sessions {
            if s.date < monday || s.date > sunday {
                continue;
            }
            let who = row_name(e);
            if !names_in_week.contains(&who) {
                names_in_week.push(who.clone());
            }
            let day = (s.date - monday).num_days() as usize;
            let item = Item {
                time: format!("{}–{}", s.start, s.end),
                topic: names::topic(&e.topic, lang),
                with: match by {
                    By::Instructor => e.association_name.clone(),
                    By::Association => e.instructor_name.clone(),
                },
                who: who.clone(),
            };
            placed.push((who, day, s.date, s.start.to_string(), item));
        }
    }
    names_in_week.sort();
    placed.sort_by(|a, b| (a.1, &a.3, &a.0).cmp(&(b.1, &b.3, &b.0)));
    let mut rows: Vec<Row> = names_in_week
        .iter()
        .map(|n| Row {
            name: n.clone(),
            cells: (0..7).map(|_| Vec::new()).collect(),
        })
        .collect();
    let mut days: Vec<Day> = (0..7)
        .map(|k| {
            let date = monday + Duration::days(k);
            Day {
                date,
                head: day_head(date, lang),
                items: Vec::new(),
            }
        })
        .collect();
    for (who, day, _, _, item) in placed {
        if let Some(r) = rows.iter_mut().find(|r| r.name == who) {
            r.cells[day].push(Item {
                time: item.time.clone(),
                topic: item.topic.clone(),
                with: item.with.clone(),
                who: item.who.clone(),
            });
        }
        days[day].items.push(item);
    }
    Week {
        key: key_of(monday),
        label: week_label(monday, lang),
        prev: key_of(monday - Duration::days(7)),
        next: key_of(monday + Duration::days(7)),
        days,
        rows,
        sessions_in_rota: rota.entries.iter().map(|e| e.sessions.len()).sum(),
    }
}

fn day_head(d: NaiveDate, lang: Lang) -> String {
    let long = lang.long_date(d);
    // `tirsdag 12. januar 2027` → `tirsdag 12. januar`: the year is in the week's label.
    long.rsplit_once(' ')
        .map_or(long.clone(), |(head, _)| head.to_owned())
}

fn week_label(monday: NaiveDate, lang: Lang) -> String {
    let sunday = monday + Duration::days(6);
    let w = monday.iso_week().week();
    match lang {
        Lang::Nb => format!(
            "Uke {w}: {} – {}",
            show::date(monday, lang),
            show::date(sunday, lang)
        ),
        Lang::En => format!(
            "Week {w}: {} – {}",
            show::date(monday, lang),
            show::date(sunday, lang)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hm, Session};

    fn entry(instructor: &str, association: &str, days: &[(i32, u32, u32)]) -> RotaEntry {
        RotaEntry {
            request: format!("r-{instructor}-{association}"),
            association: association.to_lowercase(),
            association_name: association.into(),
            municipality: String::new(),
            topic: "nettbank".into(),
            language: "nb".into(),
            instructor: instructor.to_lowercase(),
            instructor_name: instructor.into(),
            km_one_way: 1.0,
            travel_minutes: 2,
            venue_lat: 63.0,
            venue_lon: 10.0,
            sessions: days
                .iter()
                .map(|(y, m, d)| Session {
                    date: NaiveDate::from_ymd_opt(*y, *m, *d).expect("day"),
                    start: "10:00".parse::<Hm>().expect("time"),
                    end: "12:00".parse::<Hm>().expect("time"),
                    origin: crate::model::Origin::new("test", None),
                })
                .collect(),
        }
    }

    fn rota(entries: Vec<RotaEntry>) -> Rota {
        Rota {
            run: 1,
            entries,
            uncovered: Vec::new(),
        }
    }

    #[test]
    fn sessions_land_in_their_row_and_day_and_other_weeks_stay_out() {
        // 2027-01-18 is a Monday (week 3); 2027-01-20 a Wednesday; 2027-01-25 week 4.
        let r = rota(vec![
            entry("Kari", "Malvik", &[(2027, 1, 18), (2027, 1, 25)]),
            entry("Anne", "Melhus", &[(2027, 1, 20)]),
        ]);
        let w = week(
            &r,
            parse_week("2027-W03").expect("week"),
            By::Instructor,
            Lang::Nb,
        );
        assert_eq!(w.key, "2027-W03");
        assert_eq!((w.prev.as_str(), w.next.as_str()), ("2027-W02", "2027-W04"));
        let names: Vec<&str> = w.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Anne", "Kari"]);
        assert_eq!(w.rows[1].cells[0].len(), 1, "Kari on Monday");
        assert_eq!(w.rows[1].cells[0][0].with, "Malvik");
        assert_eq!(
            w.rows[0].cells[2][0].topic, "Nettbank",
            "a name, not a code"
        );
        assert_eq!(w.days[2].items.len(), 1);
        assert_eq!(w.days.iter().map(|d| d.items.len()).sum::<usize>(), 2);
        let by_assoc = week(
            &r,
            parse_week("2027-W04").expect("week"),
            By::Association,
            Lang::Nb,
        );
        assert_eq!(by_assoc.rows.len(), 1);
        assert_eq!(by_assoc.rows[0].name, "Malvik");
        assert_eq!(by_assoc.rows[0].cells[0][0].with, "Kari");
    }

    #[test]
    fn the_default_week_is_the_next_with_a_session() {
        let r = rota(vec![entry(
            "Kari",
            "Malvik",
            &[(2027, 1, 20), (2027, 3, 3)],
        )]);
        let today = NaiveDate::from_ymd_opt(2027, 2, 1).expect("day");
        assert_eq!(key_of(default_week(&r, today)), "2027-W09");
        let later = NaiveDate::from_ymd_opt(2027, 6, 1).expect("day");
        assert_eq!(key_of(default_week(&r, later)), "2027-W09", "the last week");
        assert_eq!(parse_week("2027-W99"), None);
        assert!(parse_week("-390-W01").is_some(), "a far year still parses");
        assert_eq!(parse_week("nonsense"), None);
    }
}
