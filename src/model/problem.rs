//! What can be wrong with a dataset, said precisely: file, line, column, and what was
//! expected, in bokmål and English.

use std::fmt;

use crate::i18n::{Lang, Localized};

use super::Origin;
use super::calendar::{FIRST_YEAR, LAST_YEAR};

/// One problem found in a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub file: String,
    /// 1-based line in the file (the header is line 1); `None` for the file as a whole.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem at `origin`. Values quoted from the input are cut to
    /// `QUOTED_CHARS`, so that a huge cell does not become a huge message.
    pub fn at(origin: &Origin, column: Option<&str>, kind: ProblemKind) -> Self {
        Problem {
            file: origin.file.clone(),
            line: origin.line,
            column: column.map(shorten),
            kind: kind.shortened(),
        }
    }
}

/// The kinds of problem, each with its own wording.
#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    /// The file cannot be read or parsed at all.
    Unreadable(String),
    MissingColumn,
    MissingValue,
    NotANumber(String),
    NotAWholeNumber(String),
    NotADate(String),
    NotATime(String),
    NotABool(String),
    UnknownKind(String),
    UnknownWeekday(String),
    UnknownLanguageCode(String),
    UnknownClusterMode(String),
    EmptyList,
    DuplicateId {
        id: String,
        first: Option<u64>,
    },
    UnknownAssociation(String),
    UnknownInstructor(String),
    UnknownRequest(String),
    HomeNotAHub(String),
    RequesterNotSmall(String),
    ClusterNotAHub(String),
    EndNotAfterStart {
        start: String,
        end: String,
    },
    LatitudeOutOfRange(f64),
    LongitudeOutOfRange(f64),
    OutOfRange {
        value: String,
        expected: String,
    },
    OnlyOneOfLatLon,
    NoSessions,
    BothSeriesAndSessions,
    IncompleteSeries,
    SessionsForSeriesRequest(String),
    /// A byte sequence that is not UTF-8 on this line.
    InvalidUtf8,
    /// A column name given twice in the header row.
    DuplicateColumn,
    /// A date outside the years klynge plans for.
    DateOutOfWindow(String),
    /// A series whose last session would fall after the window; the date it reaches.
    SeriesPastWindow(String),
    /// Not a plausible e-mail address.
    NotAnEmail(String),
    /// A message language klynge does not write in.
    UnknownMessageLang(String),
    /// A link that is not an http(s) address (it is shown as a link to the public).
    NotAWebAddress(String),
    /// Not an opening time (`tir 12:00-14:00` or `03.02.2027 10:00-12:00`).
    NotAnOfferTime(String),
    /// `lends` or `lend_cap_sessions` on a small association (only hubs lend).
    LendingOnSmall,
    /// A network edge names a place that is neither in `places.csv` nor an association.
    UnknownPlace(String),
    /// A place id that is already an association's id.
    PlaceIdTaken(String),
    /// A request `format` that is not course, drop_in or one_to_one.
    UnknownFormat(String),
    /// Several languages where the format takes one (a course, one-to-one guidance).
    OneLanguageOnly(String),
    /// A drop-in lists more languages than it has instructors per session to cover them.
    MoreLanguagesThanStaff {
        languages: usize,
        needed: u32,
    },
    /// A field that only one-to-one guidance takes (`slot_minutes`, `desks`).
    OnlyForOneToOne,
    /// One-to-one guidance without `slot_minutes`.
    SlotMinutesMissing,
    /// One-to-one guidance with `instructors_needed` other than 1.
    OneInstructorPerDesk(u32),
    /// A one-to-one block shorter than one appointment.
    BlockShorterThanSlot {
        block: i64,
        slot: u32,
    },
}

/// How much of a value from the input a message quotes.
pub const QUOTED_CHARS: usize = 80;

/// `v`, cut to `QUOTED_CHARS` characters with "…" when longer.
pub fn shorten(v: &str) -> String {
    if v.chars().count() <= QUOTED_CHARS {
        v.to_owned()
    } else {
        let mut s: String = v.chars().take(QUOTED_CHARS).collect();
        s.push('…');
        s
    }
}

impl ProblemKind {
    /// The same problem with every quoted value shortened.
    fn shortened(self) -> ProblemKind {
        use ProblemKind::*;
        let s = |v: String| shorten(&v);
        match self {
            Unreadable(v) => Unreadable(s(v)),
            NotANumber(v) => NotANumber(s(v)),
            NotAWholeNumber(v) => NotAWholeNumber(s(v)),
            NotADate(v) => NotADate(s(v)),
            NotATime(v) => NotATime(s(v)),
            NotABool(v) => NotABool(s(v)),
            UnknownKind(v) => UnknownKind(s(v)),
            UnknownWeekday(v) => UnknownWeekday(s(v)),
            UnknownLanguageCode(v) => UnknownLanguageCode(s(v)),
            UnknownClusterMode(v) => UnknownClusterMode(s(v)),
            DuplicateId { id, first } => DuplicateId { id: s(id), first },
            UnknownAssociation(v) => UnknownAssociation(s(v)),
            UnknownInstructor(v) => UnknownInstructor(s(v)),
            UnknownRequest(v) => UnknownRequest(s(v)),
            HomeNotAHub(v) => HomeNotAHub(s(v)),
            RequesterNotSmall(v) => RequesterNotSmall(s(v)),
            ClusterNotAHub(v) => ClusterNotAHub(s(v)),
            OutOfRange { value, expected } => OutOfRange {
                value: s(value),
                expected,
            },
            SessionsForSeriesRequest(v) => SessionsForSeriesRequest(s(v)),
            NotAnEmail(v) => NotAnEmail(s(v)),
            UnknownMessageLang(v) => UnknownMessageLang(s(v)),
            NotAWebAddress(v) => NotAWebAddress(s(v)),
            NotAnOfferTime(v) => NotAnOfferTime(s(v)),
            UnknownPlace(v) => UnknownPlace(s(v)),
            PlaceIdTaken(v) => PlaceIdTaken(s(v)),
            UnknownFormat(v) => UnknownFormat(s(v)),
            OneLanguageOnly(v) => OneLanguageOnly(s(v)),
            other => other,
        }
    }
}

impl Localized for ProblemKind {
    fn localized(&self, lang: Lang) -> String {
        use ProblemKind::*;
        let nb = lang == Lang::Nb;
        match self {
            Unreadable(e) => {
                if nb {
                    format!("kan ikke leses: {}", crate::i18n::foreign_error(e, lang))
                } else {
                    format!("cannot be read: {e}")
                }
            }
            MissingColumn => lang.pick("kolonnen mangler i overskriftsraden", "the column is missing from the header row").into(),
            MissingValue => lang.pick("verdi mangler", "a value is required").into(),
            NotANumber(v) => if nb { format!("'{v}' er ikke et tall") } else { format!("'{v}' is not a number") },
            NotAWholeNumber(v) => if nb { format!("'{v}' er ikke et helt tall (forventet f.eks. 3)") } else { format!("'{v}' is not a whole number (expected e.g. 3)") },
            NotADate(v) => if nb { format!("'{v}' er ikke en dato (forventet ÅÅÅÅ-MM-DD)") } else { format!("'{v}' is not a date (expected YYYY-MM-DD)") },
            NotATime(v) => if nb { format!("'{v}' er ikke et klokkeslett (forventet TT:MM)") } else { format!("'{v}' is not a time (expected HH:MM)") },
            NotABool(v) => if nb { format!("'{v}' er verken true eller false") } else { format!("'{v}' is neither true nor false") },
            UnknownKind(v) => if nb { format!("ukjent type '{v}' (forventet hub eller small)") } else { format!("unknown kind '{v}' (expected hub or small)") },
            UnknownWeekday(v) => if nb { format!("ukjent ukedag '{v}' (forventet man…søn eller mon…sun)") } else { format!("unknown weekday '{v}' (expected mon…sun or man…søn)") },
            UnknownLanguageCode(v) => if nb { format!("ukjent språkkode '{v}' (forventet en ISO 639-1-kode som nb, en, ar)") } else { format!("unknown language code '{v}' (expected an ISO 639-1 code such as nb, en, ar)") },
            UnknownClusterMode(v) => if nb { format!("ukjent klyngemodus '{v}' (forventet fixed eller open)") } else { format!("unknown cluster mode '{v}' (expected fixed or open)") },
            EmptyList => lang.pick("listen er tom (skill elementer med ;)", "the list is empty (separate items with ;)").into(),
            DuplicateId { id, first } => match (nb, first) {
                (true, Some(l)) => format!("id '{id}' finnes allerede (linje {l})"),
                (true, None) => format!("id '{id}' finnes allerede"),
                (false, Some(l)) => format!("duplicate id '{id}' (first on line {l})"),
                (false, None) => format!("duplicate id '{id}'"),
            },
            UnknownAssociation(v) => if nb { format!("ukjent forening '{v}'") } else { format!("unknown association '{v}'") },
            UnknownInstructor(v) => if nb { format!("ukjent instruktør '{v}'") } else { format!("unknown instructor '{v}'") },
            UnknownRequest(v) => if nb { format!("ukjent forespørsel '{v}'") } else { format!("unknown request '{v}'") },
            HomeNotAHub(v) => if nb { format!("'{v}' er ikke en hub: en instruktør må høre til en hub") } else { format!("'{v}' is not a hub: an instructor's home association must be a hub") },
            RequesterNotSmall(v) => if nb { format!("'{v}' er ikke en liten forening: bare små foreninger ber om instruktører") } else { format!("'{v}' is not a small association: only small associations request instructors") },
            ClusterNotAHub(v) => if nb { format!("klyngen '{v}' er ikke en hub") } else { format!("cluster '{v}' is not a hub") },
            EndNotAfterStart { start, end } => if nb { format!("slutt {end} er ikke etter start {start}") } else { format!("end {end} is not after start {start}") },
            LatitudeOutOfRange(v) => if nb { format!("breddegrad {v} er utenfor −90…90") } else { format!("latitude {v} is out of range −90…90") },
            LongitudeOutOfRange(v) => if nb { format!("lengdegrad {v} er utenfor −180…180") } else { format!("longitude {v} is out of range −180…180") },
            OutOfRange { value, expected } => if nb { format!("'{value}' er utenfor gyldig område (forventet {expected})") } else { format!("'{value}' is out of range (expected {expected})") },
            OnlyOneOfLatLon => lang.pick("oppgi både lat og lon, eller ingen av dem", "give both lat and lon, or neither").into(),
            NoSessions => lang.pick("forespørselen har ingen økter: fyll ut serien (first_date, start, end, count, interval_days) eller list øktene i sessions.csv", "the request has no sessions: fill in the series (first_date, start, end, count, interval_days) or list its sessions in sessions.csv").into(),
            BothSeriesAndSessions => lang.pick("forespørselen har både en serie og egne økter i sessions.csv: velg én av dem", "the request has both a series and sessions in sessions.csv: choose one").into(),
            IncompleteSeries => lang.pick("serien er ufullstendig: first_date, start, end, count og interval_days må alle fylles ut", "the series is incomplete: first_date, start, end, count and interval_days must all be given").into(),
            SessionsForSeriesRequest(v) => if nb { format!("forespørsel '{v}' har allerede en serie") } else { format!("request '{v}' already has a series") },
            InvalidUtf8 => lang.pick("linjen har tegn som ikke er UTF-8 (lagre filen som UTF-8)", "the line has bytes that are not UTF-8 (save the file as UTF-8)").into(),
            DuplicateColumn => lang.pick("kolonnen står to ganger i overskriftsraden", "the column appears twice in the header row").into(),
            DateOutOfWindow(v) => if nb { format!("datoen {v} er utenfor {}–{}", FIRST_YEAR, LAST_YEAR) } else { format!("the date {v} is outside {}–{}", FIRST_YEAR, LAST_YEAR) },
            SeriesPastWindow(v) => if nb { format!("serien varer til {v}, etter {LAST_YEAR}: færre økter eller kortere mellomrom") } else { format!("the series runs until {v}, past {LAST_YEAR}: fewer sessions or a shorter interval") },
            NotAnEmail(v) => if nb { format!("'{v}' er ikke en gyldig e-postadresse (forventet f.eks. navn@eksempel.no)") } else { format!("'{v}' is not a valid e-mail address (expected e.g. name@example.org)") },
            UnknownMessageLang(v) => if nb { format!("ukjent meldingsspråk '{v}' (forventet nb eller en)") } else { format!("unknown message language '{v}' (expected nb or en)") },
            LendingOnSmall => lang.pick("bare en hub låner ut instruktører: la feltet stå tomt for en liten forening", "only a hub lends instructors: leave the field empty for a small association").into(),
            NotAnOfferTime(v) => if nb { format!("'{v}' er ikke en åpningstid (forventet f.eks. «tir 12:00-14:00» eller «03.02.2027 10:00-12:00»; slutt etter start)") } else { format!("'{v}' is not an opening time (expected e.g. 'tue 12:00-14:00' or '03.02.2027 10:00-12:00'; end after start)") },
            UnknownPlace(v) => if nb { format!("ukjent sted '{v}' (forventet en id fra places.csv eller en forenings id)") } else { format!("unknown place '{v}' (expected an id from places.csv or an association's id)") },
            PlaceIdTaken(v) => if nb { format!("'{v}' er allerede id-en til en forening: en forening er et sted av seg selv, gi stedet en annen id") } else { format!("'{v}' is already an association's id: an association is a place by itself, give the place another id") },
            NotAWebAddress(v) => if nb { format!("'{v}' er ikke en nettadresse (forventet https://…)") } else { format!("'{v}' is not a web address (expected https://…)") },
            UnknownFormat(v) => if nb { format!("ukjent format '{v}' (forventet course, drop_in eller one_to_one)") } else { format!("unknown format '{v}' (expected course, drop_in or one_to_one)") },
            OneLanguageOnly(v) => if nb { format!("'{v}': bare drop-in kan ha flere språk (skilt med ;); kurs og veiledning har ett") } else { format!("'{v}': only a drop-in may have several languages (separated by ;); a course and guidance have one") },
            MoreLanguagesThanStaff { languages, needed } => if nb { format!("{languages} språk, men bare {needed} instruktør(er) per økt: hvert språk trenger minst én som snakker det") } else { format!("{languages} languages, but only {needed} instructor(s) per session: each language needs at least one speaker") },
            OnlyForOneToOne => lang.pick("bare veiledning én til én (format one_to_one) bruker dette feltet: la det stå tomt", "only one-to-one guidance (format one_to_one) uses this field: leave it empty").into(),
            SlotMinutesMissing => lang.pick("veiledning én til én trenger timelengden i minutter (slot_minutes)", "one-to-one guidance needs the appointment length in minutes (slot_minutes)").into(),
            OneInstructorPerDesk(v) => if nb { format!("veiledning én til én har én instruktør per pult, ikke {v}: oppgi parallelle pulter i desks") } else { format!("one-to-one guidance has one instructor per desk, not {v}: give parallel desks in desks") },
            BlockShorterThanSlot { block, slot } => if nb { format!("økten varer {block} minutter, kortere enn én time på {slot} minutter") } else { format!("the block lasts {block} minutes, shorter than one appointment of {slot} minutes") },
        }
    }
}

impl Problem {
    /// `file:line: column: message`, in the chosen language.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        if let Some(col) = &self.column {
            out.push_str(&format!(": {} '{col}'", lang.pick("kolonne", "column")));
        }
        out.push_str(": ");
        out.push_str(&self.kind.localized(lang));
        out
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Every problem found in a dataset; reading stops only after all have been collected.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn render(&self, lang: Lang) -> String {
        let mut out = match lang {
            Lang::Nb => format!("Datasettet har {} feil:\n", self.0.len()),
            Lang::En => format!("The dataset has {} problem(s):\n", self.0.len()),
        };
        for p in &self.0 {
            out.push_str("  ");
            out.push_str(&p.render(lang));
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Problems {}
