//! The texts of the messages: how an instructor and an association are told what changed
//! for them, in their own language, with the small helpers that write dates, topics, lists
//! of names and the signature. Apart from `notify.rs`, which decides who is told what,
//! because the wording changes for its own reasons and is long in two languages.

use super::{ForAssociation, ForInstructor, View};
use crate::i18n::Lang;
use crate::model::{Association, Instructor, Request, Session};
use crate::store::{NewMessage, RecipientKind};

/// The language a person's messages are written in (`nb` unless they chose `en`).
pub(super) fn lang_of(lang: Option<&str>) -> Lang {
    match lang {
        Some("en") => Lang::En,
        _ => Lang::Nb,
    }
}

/// `«smarttelefon»` / `"smarttelefon"`.
fn quoted(lang: Lang, topic: &str) -> String {
    match lang {
        Lang::Nb => format!("«{topic}»"),
        Lang::En => format!("\"{topic}\""),
    }
}

/// One line per session: `  tirsdag 12. januar 2027 kl. 10:00–12:00`.
fn session_lines(lang: Lang, sessions: &[Session]) -> String {
    sessions
        .iter()
        .map(|s| {
            format!(
                "    {} {} {}–{}\n",
                lang.long_date(s.date),
                lang.pick("kl.", "at"),
                s.start,
                s.end
            )
        })
        .collect()
}

/// From the first date: `fra tirsdag 12. januar 2027` (of a part: its session's date,
/// `tirsdag 12. januar 2027`).
fn from_first(lang: Lang, r: &Request, part: Option<u32>) -> String {
    let first = r
        .part_sessions(part)
        .first()
        .map(|s| lang.long_date(s.date));
    match (first, part) {
        (Some(d), None) => format!(" ({} {d})", lang.pick("fra", "from")),
        (Some(d), Some(_)) => format!(" ({d})"),
        (None, _) => String::new(),
    }
}

/// `koordinatoren i Seniornett Trondheim` / `the coordinator at Seniornett Trondheim`.
fn signature(lang: Lang, hub: Option<&Association>) -> String {
    let who = match hub {
        Some(h) => format!(
            "{} {}",
            lang.pick("koordinatoren i", "the coordinator at"),
            h.name
        ),
        None => lang.pick("koordinatoren", "the coordinator").to_owned(),
    };
    format!("{}\n{who}\n", lang.pick("Vennlig hilsen", "Kind regards"))
}

pub(super) fn instructor_message(
    view: &View,
    person: &Instructor,
    items: &[ForInstructor],
) -> NewMessage {
    let lang = lang_of(person.lang.as_deref());
    let place = |r: &Request| {
        view.association(&r.association)
            .map_or(r.association.clone(), |a| a.name.clone())
    };
    let mut body = format!(
        "{} {},\n\n{}\n\n",
        lang.pick("Hei", "Hello"),
        person.name,
        lang.pick(
            "Kursplanen er oppdatert, og dette er endret for deg:",
            "The course plan has been updated, and this has changed for you:"
        )
    );
    for item in items {
        match item {
            ForInstructor::Added(r, part) => {
                let topic = quoted(lang, &r.topic);
                body.push_str(&match lang {
                    Lang::Nb => format!("Du er satt opp på {topic} hos {}:\n", place(r)),
                    Lang::En => format!("You are scheduled for {topic} at {}:\n", place(r)),
                });
                body.push_str(&session_lines(lang, &r.part_sessions(*part)));
            }
            ForInstructor::Moved(r, part) => {
                let topic = quoted(lang, &r.topic);
                body.push_str(&match lang {
                    Lang::Nb => format!("{topic} hos {} har fått nye tider:\n", place(r)),
                    Lang::En => format!("{topic} at {} has new times:\n", place(r)),
                });
                body.push_str(&session_lines(lang, &r.part_sessions(*part)));
            }
            ForInstructor::Removed(r, part) => {
                let topic = quoted(lang, &r.topic);
                let from = from_first(lang, r, *part);
                body.push_str(&match lang {
                    Lang::Nb => format!(
                        "{topic} hos {}{from} er tatt bort fra planen din.\n",
                        place(r)
                    ),
                    Lang::En => format!(
                        "{topic} at {}{from} has been taken off your schedule.\n",
                        place(r)
                    ),
                });
            }
        }
        body.push('\n');
    }
    body.push_str(lang.pick(
        "Du kan se planen din og svare ja eller nei til hvert kurs på klynges nettside. \
         Har du spørsmål, ta gjerne kontakt med koordinatoren.\n\n",
        "You can see your schedule and answer yes or no to each course on klynge's web \
         page. If you have questions, please contact the coordinator.\n\n",
    ));
    body.push_str(&signature(lang, view.association(&person.association)));
    NewMessage {
        recipient_kind: RecipientKind::Instructor,
        recipient: person.id.clone(),
        address: person.email.clone(),
        lang: lang.to_string(),
        subject: lang
            .pick(
                "Kursplanen din er oppdatert",
                "Your course schedule has been updated",
            )
            .to_owned(),
        body,
    }
}

pub(super) fn association_message(
    view: &View,
    assoc: &Association,
    items: &[ForAssociation],
) -> NewMessage {
    let lang = lang_of(assoc.lang.as_deref());
    let name_of = |id: &str| {
        view.instructor(id)
            .map_or(id.to_owned(), |i| i.name.clone())
    };
    let mut body = format!(
        "{} {},\n\n{}\n\n",
        lang.pick("Hei", "Hello"),
        assoc.name,
        lang.pick(
            "Kursplanen er oppdatert. Dette er nytt for kursene deres:",
            "The course plan has been updated. This is new for your courses:"
        )
    );
    for item in items {
        match item {
            ForAssociation::Staffed(r, staff) if staff.is_empty() => {
                body.push_str(&format!(
                    "{}{}:\n    {}\n",
                    quoted(lang, &r.topic),
                    from_first(lang, r, None),
                    lang.pick(
                        "Vi har dessverre ikke funnet noen instruktør ennå. Koordinatoren \
                         følger saken opp og tar kontakt med dere.",
                        "Unfortunately we have not found an instructor yet. The coordinator \
                         is following it up and will contact you."
                    )
                ));
            }
            // A drop-in or guidance: who comes, session by session.
            ForAssociation::Staffed(r, staff) if !r.format.is_course() => {
                body.push_str(&format!("{}:\n", quoted(lang, &r.topic)));
                for (k, session) in r.all_sessions().iter().enumerate() {
                    let names: Vec<String> = staff
                        .iter()
                        .filter(|(part, _)| *part == Some(k as u32))
                        .map(|(_, i)| name_of(i))
                        .collect();
                    let line = session_lines(lang, std::slice::from_ref(session));
                    let who = if names.is_empty() {
                        lang.pick("ingen ennå", "nobody yet").to_owned()
                    } else {
                        join(lang, &names)
                    };
                    body.push_str(&format!("{}: {who}\n", line.trim_end()));
                }
            }
            ForAssociation::Staffed(r, staff) => {
                let names: Vec<String> = staff.iter().map(|(_, i)| name_of(i)).collect();
                let who = join(lang, &names);
                body.push_str(&format!(
                    "{}: {who} {}\n",
                    quoted(lang, &r.topic),
                    match (lang, names.len()) {
                        (Lang::Nb, _) => "kommer:",
                        (Lang::En, 1) => "is coming:",
                        (Lang::En, _) => "are coming:",
                    }
                ));
                body.push_str(&session_lines(lang, &r.all_sessions()));
            }
            ForAssociation::Gone(r) => {
                body.push_str(&format!(
                    "{}{}: {}\n",
                    quoted(lang, &r.topic),
                    from_first(lang, r, None),
                    lang.pick("er ikke lenger med i planen.", "is no longer in the plan.")
                ));
            }
        }
        body.push('\n');
    }
    body.push_str(lang.pick(
        "Har dere spørsmål, ta gjerne kontakt med koordinatoren.\n\n",
        "If you have questions, please contact the coordinator.\n\n",
    ));
    let hub = assoc.cluster.as_deref().and_then(|h| view.association(h));
    body.push_str(&signature(lang, hub));
    NewMessage {
        recipient_kind: RecipientKind::Association,
        recipient: assoc.id.clone(),
        address: assoc.email.clone(),
        lang: lang.to_string(),
        subject: lang
            .pick(
                "Kursplanen er oppdatert",
                "The course plan has been updated",
            )
            .to_owned(),
        body,
    }
}

/// `Kari og Ola` / `Kari and Ola`; `Kari, Ola og Per`.
pub(super) fn join(lang: Lang, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("og", "and")),
    }
}
