//! `klynge --help` and every subcommand's help in the reader's language, and clap's own
//! errors (unknown flag, missing value) said in bokmål.
//!
//! The texts are one table, keyed by the command's path and the argument's id, each entry
//! a `(bokmål, English)` pair side by side; `localize` sets them on the command tree that
//! clap derives, before parsing (`Command::mut_arg`, `mut_subcommand`). A test keeps the
//! table and the tree in step: every command and argument has its pair, and no pair names
//! something that is gone. The doc comments on the argument structs are for programmers.

//! Long because the table holds every command's and option's help in two languages.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};

use klynge::i18n::Lang;

/// `(key, bokmål, English)`: the key is the command path (`""` the program, `plan`,
/// `scenario run`), and for an argument the path, `:` and the argument's id.
#[rustfmt::skip]
const HELP: &[(&str, &str, &str)] = &[
    ("", "Planlegger instruktørturnuser for klynger av seniornett-foreninger",
        "Plans instructor rotas for clusters of seniors' digital-skills associations"),
    (":db", "Databasen: en SQLite-fil, eller en adresse (sqlite://… eller postgres://…)",
        "The database: a SQLite file, or a URL (sqlite://… or postgres://…)"),
    (":lang", "Språket klynge svarer på: nb (bokmål) eller en (engelsk)",
        "The language klynge answers in: nb (bokmål) or en (English)"),
    ("import", "Last inn et datasett (en mappe med CSV-filer, en .json- eller .xlsx-fil) som klyngens gjeldende data, alt eller ingenting; si hva som er nytt, endret og fjernet",
        "Load a dataset (a folder of CSV files, a .json or .xlsx file) as the cluster's current data, all or nothing; say what was added, changed and retired"),
    ("import:dataset", "En mappe med CSV-filer, eller en .json- eller .xlsx-fil",
        "A folder of CSV files, or a .json or .xlsx file"),
    ("export", "Skriv klyngens gjeldende data ut av databasen, som en mappe med CSV-filer eller en .json-fil",
        "Write the cluster's current data out of the database, as a folder of CSV files or a .json file"),
    ("export:out", "En mappe (CSV-filer) eller en fil som slutter på .json",
        "A folder (CSV files) or a file ending in .json"),
    ("audit", "Hvem endret hva, og når: importer, svar, godkjenninger, publiseringer, nyeste først",
        "Who changed what, and when: imports, answers, approvals, publications, newest first"),
    ("audit:limit", "Hvor mange oppføringer", "How many entries"),
    ("plan", "Les et datasett, finn den beste rotaen, kontroller den og lagre den som en ny kjøring",
        "Read a dataset, find the best rota, check it and store it as a new run"),
    ("plan:dataset", "En mappe med CSV-filer eller en .json-fil (standard: de gjeldende dataene i databasen, se «klynge import»)",
        "A folder of CSV files or a .json file (default: the current data in the database, see `klynge import`)"),
    ("plan:scenario", "Navnet kjøringen lagres under", "The name the run is stored under"),
    ("plan:solver", "milp (optimering) eller greedy (grådig, slik man ville gjort det for hånd)",
        "milp (the optimiser) or greedy (the by-hand baseline)"),
    ("plan:time_limit", "Hvor mange sekunder løseren får; den beste rotaen så langt beholdes",
        "How many seconds the solver may take; the best rota found by then is kept"),
    ("plan:gap", "Hvor nær det beste mulige et trinn må komme for å regnes som løst (relativt avvik)",
        "How close to the best possible a stage must come to count as solved (relative gap)"),
    ("plan:max_km", "Reisegrense én vei i km for alle (i tillegg til hver instruktørs egen)",
        "One-way travel limit in km for everyone (on top of each instructor's own)"),
    ("plan:max_minutes", "Reisegrense én vei i minutter for alle (i tillegg til hver instruktørs egen)",
        "One-way travel limit in minutes for everyone (on top of each instructor's own)"),
    ("plan:detour_factor", "Veikilometer per kilometer i luftlinje", "Road km per straight-line km"),
    ("plan:speed_kmh", "Gjennomsnittsfart på reise, km/t", "Average travel speed, km/h"),
    ("plan:cluster_mode", "fixed: bare foreningens egen hub; open: enhver hub innen rekkevidde; proposed: klynge foreslår klyngene sammen med rotaen. Standard: fixed når datasettet har klynger, ellers open",
        "fixed: only the association's own hub; open: any hub within reach; proposed: klynge proposes the clusters with the rota. Default: fixed when the dataset names clusters, else open"),
    ("plan:threads", "Hvor mange deler som løses samtidig (standard: antall prosessorkjerner)",
        "How many parts are solved at once (default: the number of cores)"),
    ("plan:nok_per_km", "Reisegodtgjørelse i kroner per km, vist av «klynge compare»",
        "Travel reimbursement in NOK per km, shown by `klynge compare`"),
    ("plan:fairness", "Legg til et rettferdighetstrinn: gi den foreningen som får minst, så mye som mulig — after (etter dekning, standard uten verdi) eller first (før)",
        "Add a fairness stage: give the association that gets least as much as possible — after coverage (the default without a value) or first, before it"),
    ("plan:save_clusters", "Med --cluster-mode proposed: skriv også foreningene med de foreslåtte klyngene til denne filen (associations.csv)",
        "With --cluster-mode proposed: also write the associations with the proposed clusters to this file (associations.csv)"),
    ("runs", "Vis lagrede kjøringer, nyeste først", "List the stored runs, newest first"),
    ("runs:format", "table (tabell), csv eller xlsx (regneark: gi --out)",
        "table, csv or xlsx (a workbook: give --out)"),
    ("rota", "Vis en lagret rota som tabell, eller skriv den som CSV, regneark, JSON, kalender (iCalendar) eller kart (GeoJSON)",
        "Show a stored rota as a table, or write it as CSV, a workbook, JSON, a calendar (iCalendar) or a map (GeoJSON)"),
    ("rota:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("rota:by", "Ordne tabellen etter forening (association) eller instruktør (instructor)",
        "Group the table by association or by instructor"),
    ("rota:format", "table (tabell), csv, xlsx (regneark: gi --out), json, ics (kalender) eller geojson (kart)",
        "table, csv, xlsx (a workbook: give --out), json, ics (calendar) or geojson (map)"),
    ("rota:instructor", "Bare denne instruktørens kurs (for eksempel for en egen kalender)",
        "Only this instructor's courses (e.g. for a personal calendar)"),
    ("rota:association", "Bare denne foreningens forespørsler", "Only this association's requests"),
    ("check", "Kontroller en lagret rota på nytt med den uavhengige kontrollen",
        "Check a stored rota again with the independent checker"),
    ("check:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("approve", "Godkjenn en foreslått kjøring: en koordinator har sett på den, og den kan publiseres",
        "Approve a proposed run: a coordinator has looked at it and it may be published"),
    ("approve:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("publish", "Publiser en godkjent kjøring: den blir rotaen folk ser, i stedet for den som var publisert",
        "Publish an approved run: it becomes the rota people see, replacing the one published before"),
    ("publish:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("scenario", "Planlegg scenarioer (TOML-filer: et datasett og hva som endres), hvert lagret under sitt navn",
        "Plan scenarios (TOML files: a dataset and what to change), each stored under its name"),
    ("scenario run", "Planlegg hver scenariofil og lagre kjøringen", "Plan each scenario file and store its run"),
    ("scenario run:files", "Scenariofiler (.toml)", "Scenario files (.toml)"),
    ("compare", "Sammenlign kjøringer: nøkkeltall, dekning per forening, endringer i rotaen",
        "Compare runs side by side: key figures, coverage per association, rota changes"),
    ("compare:runs", "To eller flere kjøringer; den første er den de andre sammenlignes med",
        "Two or more run ids; the first is the one the others are compared with"),
    ("compare:format", "table (tabell), csv, xlsx (regneark: gi --out) eller json",
        "table, csv, xlsx (a workbook: give --out) or json"),
    ("report", "Skriv én selvstendig nettside som sammenligner kjøringer: tall, diagrammer og kart",
        "Write one self-contained web page comparing runs: figures, charts and maps"),
    ("report:runs", "Én eller flere kjøringer; den første er den de andre sammenlignes med",
        "One or more run ids; the first is the one the others are compared with"),
    ("report:out", "HTML-filen som skrives", "The HTML file to write"),
    ("report:trainings", "Opplæringsråd for den første kjøringen: hvor mange opplæringer (0: ingen slik del)",
        "Training advice for the first run: how many trainings (0: no such section)"),
    ("report:time_limit", "Sekunder opplæringsrådet kan lete", "Seconds the training advice may search"),
    ("explain", "Hvorfor forespørsler ikke er dekket, og enkeltendringer som ville dekket dem (prøvd ved å planlegge på nytt)",
        "Why requests are uncovered, and single changes that would cover them (tried by planning again)"),
    ("explain:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("explain:request", "Én forespørsel (standard: alle som ikke er dekket)",
        "One request (default: every uncovered request)"),
    ("suggest", "Instruktørene som kunne tatt en forespørsel, rangert, med hva hvert valg koster",
        "The instructors who could take a request, ranked, with what each choice costs"),
    ("suggest:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("suggest:request", "Forespørselen", "The request"),
    ("repair", "Reparer en kjøring med færrest mulig endringer etter et frafall, og vis hva som endret seg for hvem. Svar som er gitt, holdes",
        "Repair a run with the fewest changes after a drop-out, and list what changed for whom. Answers given are kept"),
    ("repair:run", "Kjøringen som skal repareres", "The run to repair"),
    ("repair:dataset", "Det endrede datasettet (standard: kjøringens eget)",
        "The changed dataset (default: the run's own input)"),
    ("person", "Personopplysninger om én instruktør: hent dem ut, eller slett dem overalt",
        "Personal data of one instructor: export them, or erase them everywhere"),
    ("person export", "Alt som er lagret om en instruktør, som JSON",
        "Everything stored about an instructor, as JSON"),
    ("person export:instructor", "Instruktørens id", "The instructor's id"),
    ("person export:out", "Skriv til denne filen", "Write to this file"),
    ("person erase", "Slett en instruktørs navn, hjem, tider, fravær, tilgangsnøkler og kalender fra alle lagrede data. Gamle kjøringer beholder bare id-en",
        "Erase an instructor's name, home, times, absences, tokens and calendar from all stored data. Past runs keep only the id"),
    ("person erase:instructor", "Instruktørens id", "The instructor's id"),
    ("person erase:yes", "Bekrefter slettingen (den kan ikke angres)", "Confirms the erasure (it cannot be undone)"),
    ("advise", "Hvilke opplæringer (en instruktør lærer et emne eller språk) ville dekket mest av det en kjøring mangler, bekreftet ved å planlegge på nytt",
        "Which trainings (an instructor learning a topic or language) would cover the most of what a run leaves uncovered, confirmed by planning again"),
    ("advise:run", "Kjøringens nummer (se «klynge runs»)", "The run's id (see `klynge runs`)"),
    ("advise:trainings", "Hvor mange opplæringer det er plass til", "How many trainings there is room for"),
    ("advise:time_limit", "Tidsgrense for søket, sekunder", "Time limit for the search, seconds"),
    ("offers", "Hva som finnes av digital hjelp i en kommune de neste ukene: publiserte kurs og andre tilbud (det samme som nettsiden /tilbud/KOMMUNE)",
        "What is on offer in a municipality in the coming weeks: published courses and other offers (as the page /tilbud/KOMMUNE)"),
    ("offers:municipality", "Kommunen, for eksempel Stjørdal", "The municipality, e.g. Stjørdal"),
    ("offers:from", "Første dag (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD; standard: i dag)",
        "First day (YYYY-MM-DD or DD.MM.YYYY; default: today)"),
    ("offers:weeks", "Hvor mange uker", "How many weeks"),
    ("offers:format", "text (tekst), json eller ics (kursene som kalender)",
        "text, json or ics (the courses as a calendar)"),
    ("hours", "Undervisningstimer til studieforbundet, per kurs, forening og emne",
        "Taught hours for the study association, per course, association and topic"),
    ("hours:run", "Kjøringens nummer (se «klynge runs»); eller bruk --published",
        "The run's id (see `klynge runs`); or give --published"),
    ("hours:published", "Alle publiserte kjøringer (rotaen folk følger)", "Every published run (the rota people follow)"),
    ("hours:from", "Bare økter fra og med denne dagen (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)",
        "Only sessions on or after this day (YYYY-MM-DD or DD.MM.YYYY)"),
    ("hours:to", "Bare økter til og med denne dagen", "Only sessions on or before this day"),
    ("hours:teaching_minutes", "Minutter i én undervisningstime", "Minutes in one teaching hour"),
    ("hours:min_teaching_hours", "Kurs med færre undervisningstimer enn dette flagges",
        "Courses with fewer teaching hours than this are flagged"),
    ("hours:format", "table (tabell), csv (alltid for et norsk regneark), xlsx (regneark: gi --out) eller json",
        "table, csv (always for a Norwegian spreadsheet), xlsx (a workbook: give --out) or json"),
    ("whitespots", "Kommuner ingen betjener, og små foreninger ingen hub kan hjelpe",
        "Municipalities nobody serves, and small associations no hub can help"),
    ("whitespots:dataset", "Datasettet (en mappe, .json eller .xlsx); standard: dataene i databasen",
        "The dataset (a folder, .json or .xlsx); default: the current data in the database"),
    ("whitespots:country", "Hele landet, ikke bare fylkene dataene har foreninger i",
        "All of Norway, not only the counties the data has associations in"),
    ("whitespots:detour_factor", "Veikilometer per kilometer i luftlinje", "Road km per straight-line km"),
    ("whitespots:format", "table (tabell), csv, xlsx (regneark: gi --out), json eller geojson (punkter for et kart)",
        "table, csv, xlsx (a workbook: give --out), json or geojson (points for a map)"),
    ("outbox", "Meldingene publiseringer har lagt igjen til instruktører og foreninger: hvem, status, emne, nyeste først; «send» sender dem nå",
        "The messages publications left for instructors and associations: who, status, subject, newest first; `send` delivers them now"),
    ("outbox:limit", "Hvor mange meldinger som vises", "How many messages to list"),
    ("outbox send", "Send ventende meldinger nå (og prøv de som feilet, på nytt)",
        "Send the pending messages now (and retry the failed ones)"),
    ("outbox send:url", "E-posttjeneren (SMTP) som en adresse: smtp://vert:25 (uten kryptering), smtp://bruker:passord@vert:587?tls=required (STARTTLS), smtps://bruker:passord@vert (TLS)",
        "The mail (SMTP) server as a URL: smtp://host:25 (no encryption), smtp://user:password@host:587?tls=required (STARTTLS), smtps://user:password@host (TLS)"),
    ("outbox send:from", "Avsenderadressen", "The sender address"),
    ("serve", "Start nettsidene og HTTP-API-et", "Serve the web pages and the HTTP API"),
    ("serve:dataset", "Importer dette datasettet først (som «klynge import»); uten det brukes de gjeldende dataene i databasen",
        "Import this dataset first (as `klynge import` does); without it the current data in the database are used"),
    ("serve:listen", "Adressen tjenesten lytter på", "The address to listen on"),
    ("serve:time_limit", "Tidsgrense for planlegginger startet fra tjenesten, sekunder",
        "Time limit for plans started from the service, seconds"),
    ("serve:no_worker", "Ikke kjør planlegginger her: andre prosesser («klynge worker» eller en annen «klynge serve») gjør det mot samme database",
        "Run no plans here: other processes (`klynge worker`, or another `klynge serve`) do so on the same database"),
    ("serve:url", "E-posttjeneren (SMTP) som en adresse: smtp://vert:25 (uten kryptering), smtp://bruker:passord@vert:587?tls=required (STARTTLS), smtps://bruker:passord@vert (TLS); da sendes meldinger i bakgrunnen",
        "The mail (SMTP) server as a URL: smtp://host:25 (no encryption), smtp://user:password@host:587?tls=required (STARTTLS), smtps://user:password@host (TLS); messages are then sent in the background"),
    ("serve:from", "Avsenderadressen", "The sender address"),
    ("serve:mail_every", "Hvor ofte meldinger sendes, sekunder", "How often messages are sent, seconds"),
    ("worker", "Kjør bare planlegginger og reparasjoner fra køen, ved siden av «klynge serve --no-worker» eller flere slike mot samme database",
        "Run queued plans and repairs only, beside `klynge serve --no-worker` or more workers on the same database"),
    ("worker:time_limit", "Tidsgrense for hver planlegging, sekunder", "Time limit for each plan, seconds"),
    ("token", "Lag eller trekk tilbake tilgangsnøkler til tjenesten", "Make or revoke access tokens for the service"),
    ("token create", "Lag en tilgangsnøkkel; den vises én gang og lagres bare som en kontrollsum",
        "Make a token; it is shown once and stored only as a hash"),
    ("token create:role", "Rollen: coordinator (koordinator), association (forening) eller instructor (instruktør)",
        "The role: coordinator, association or instructor"),
    ("token create:subject", "Hvem den er til: en hub-id eller * (koordinator), en forenings id, en instruktørs id",
        "Whom it is for: a hub id or * (coordinator), an association id, an instructor id"),
    ("token create:dataset", "Dataene mottakeren kontrolleres mot (standard: de gjeldende dataene)",
        "The data to check the subject against (default: the current data)"),
    ("token revoke", "Trekk tilbake en tilgangsnøkkel", "Revoke a token"),
    ("token revoke:token", "Tilgangsnøkkelen", "The token"),
    ("generate", "Skriv et oppdiktet datasett med ekte norsk geografi",
        "Write a synthetic dataset with real Norwegian geography"),
    ("generate:instructors", "Antall instruktører", "Number of instructors"),
    ("generate:requests", "Antall forespørsler (standard: 1,6 per instruktør)",
        "Number of requests (default: 1.6 per instructor)"),
    ("generate:hubs", "Antall huber, i de mest folkerike kommunene (standard: én per 40 instruktører, 1 til 40)",
        "Number of hubs, in the most populous municipalities (default: one per 40 instructors, 1 to 40)"),
    ("generate:small", "Antall små foreninger (standard: én per 3 instruktører, minst 3)",
        "Number of small associations (default: one per 3 instructors, at least 3)"),
    ("generate:county", "Bare kommunene i dette fylket, for eksempel Trøndelag (standard: hele landet)",
        "Only this county's municipalities, e.g. Trøndelag (default: all of Norway)"),
    ("generate:cluster_mode", "fixed: hver liten forening blir med i klyngen til nærmeste hub (innen 100 km); open: ingen klynger",
        "fixed: each small association joins its nearest hub's cluster (within 100 km); open: no clusters"),
    ("generate:seed", "Startverdi for tilfeldighetene: samme verdi og antall gir samme datasett",
        "Random seed: the same seed and counts give the same dataset"),
    ("generate:out", "Hvor det skrives: en mappe (CSV-filer) eller en fil som slutter på .json",
        "Output: a folder (CSV files) or a file ending in .json"),
    // The options every table-shaped output shares (`FileArgs`).
    ("*:excel", "Med --format csv: CSV for et norsk regneark (semikolon, UTF-8 med BOM, desimalkomma, dd.mm.åååå)",
        "With --format csv: a CSV for a Norwegian spreadsheet (`;`-separated, UTF-8 with BOM, decimal comma, dd.mm.yyyy)"),
    ("*:out", "Skriv til denne filen i stedet for på skjermen (må gis for --format xlsx)",
        "Write to this file instead of the screen (needed for --format xlsx)"),
    // clap's own flags.
    ("*:help", "Vis denne hjelpen", "Show this help"),
    ("help", "Vis hjelpen for klynge eller for en kommando", "Show the help of klynge or of a command"),
    ("*:version", "Vis versjonen", "Show the version"),
];

/// `(key, bokmål placeholder)` for the values of arguments: the key is `path:id` for one
/// command's argument, `*:id` for every argument of that id. clap's own placeholder is
/// the id in capitals (`<TIME_LIMIT>`), English; a test checks that bokmål help shows
/// none of those.
#[rustfmt::skip]
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("*:db", "DATABASE"),
    ("*:lang", "SPRÅK"),
    ("*:dataset", "DATASETT"),
    ("*:out", "FIL"),
    ("export:out", "MAPPE_ELLER_FIL"),
    ("generate:out", "MAPPE_ELLER_FIL"),
    ("*:limit", "ANTALL"),
    ("*:scenario", "NAVN"),
    ("*:solver", "LØSER"),
    ("*:time_limit", "SEKUNDER"),
    ("*:gap", "AVVIK"),
    ("*:max_km", "KM"),
    ("*:max_minutes", "MINUTTER"),
    ("*:detour_factor", "FAKTOR"),
    ("*:speed_kmh", "KM_T"),
    ("*:cluster_mode", "MODUS"),
    ("*:threads", "ANTALL"),
    ("*:nok_per_km", "KRONER"),
    ("*:fairness", "NÅR"),
    ("*:save_clusters", "FIL"),
    ("*:format", "FORMAT"),
    ("*:run", "KJØRING"),
    ("*:runs", "KJØRINGER"),
    ("*:by", "ETTER"),
    ("*:instructor", "INSTRUKTØR"),
    ("*:association", "FORENING"),
    ("*:files", "FILER"),
    ("*:trainings", "ANTALL"),
    ("*:request", "FORESPØRSEL"),
    ("*:municipality", "KOMMUNE"),
    ("*:from", "DAG"),
    ("outbox send:from", "AVSENDER"),
    ("serve:from", "AVSENDER"),
    ("*:to", "DAG"),
    ("*:weeks", "UKER"),
    ("*:teaching_minutes", "MINUTTER"),
    ("*:min_teaching_hours", "TIMER"),
    ("*:url", "ADRESSE"),
    ("*:listen", "ADRESSE"),
    ("*:mail_every", "SEKUNDER"),
    ("*:role", "ROLLE"),
    ("*:subject", "HVEM"),
    ("*:token", "NØKKEL"),
    ("*:instructors", "ANTALL"),
    ("*:requests", "ANTALL"),
    ("*:hubs", "ANTALL"),
    ("*:small", "ANTALL"),
    ("*:county", "FYLKE"),
    ("*:seed", "STARTVERDI"),
    ("*:subcommand", "KOMMANDO"),
];

/// The bokmål placeholder for the argument `key` (`path:id`).
fn placeholder(key: &str) -> Option<&'static str> {
    let find = |k: &str| PLACEHOLDERS.iter().find(|e| e.0 == k).map(|e| e.1);
    let (_, id) = key.split_once(':')?;
    find(key).or_else(|| find(&format!("*:{id}")))
}

/// The pair for `key`; for an argument, else the program's own (a global option such as
/// `--lang`, repeated in every subcommand), else `*:id` (an option several commands share).
fn entry(key: &str) -> Option<(&'static str, &'static str)> {
    let find = |k: &str| HELP.iter().find(|e| e.0 == k).map(|&(_, nb, en)| (nb, en));
    // clap adds a `help` subcommand to every command with subcommands: one text for all.
    let (path, arg) = key
        .split_once(':')
        .map_or((key, None), |(p, a)| (p, Some(a)));
    if path.ends_with(" help") {
        return find(&match arg {
            Some(a) => format!("help:{a}"),
            None => "help".to_owned(),
        });
    }
    find(key).or_else(|| {
        let (_, id) = key.split_once(':')?;
        find(&format!(":{id}")).or_else(|| find(&format!("*:{id}")))
    })
}

/// The command tree with every help text in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let mut cmd = cmd;
    cmd.build();
    localize_at(cmd, "", lang)
}

fn localize_at(cmd: Command, path: &str, lang: Lang) -> Command {
    let mut cmd = cmd;
    if let Some((nb, en)) = entry(path) {
        cmd = cmd.about(lang.pick(nb, en).to_owned()).long_about(None);
    }
    if lang == Lang::Nb {
        cmd = cmd
            .help_template("{about-with-newline}\nBruk: {usage}\n\n{all-args}{after-help}")
            .subcommand_help_heading("Kommandoer")
            .subcommand_value_name("KOMMANDO");
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        let key = format!("{path}:{id}");
        cmd = cmd.mut_arg(id.as_str(), |a| localize_arg(a, &key, lang));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(name.as_str(), |s| localize_at(s, &sub_path, lang));
    }
    if lang == Lang::Nb {
        // clap's usage line says "[OPTIONS]"; bokmål says "[VALG]".
        let usage = cmd.render_usage().to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        cmd = cmd.override_usage(usage.replace("[OPTIONS]", "[VALG]"));
    }
    cmd
}

fn localize_arg(a: Arg, key: &str, lang: Lang) -> Arg {
    let Some((nb, en)) = entry(key) else {
        return a;
    };
    if lang == Lang::En {
        return a.help(en.to_owned()).long_help(None::<&str>);
    }
    // clap writes "[default: …]", "[possible values: …]" and "[env: …]" in English; in
    // bokmål they are part of the text instead.
    let mut text = nb.to_owned();
    // A decimal default is written with a comma, which the number options take as well
    // (`decimal_arg`).
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| {
            let v = v.to_string_lossy();
            if v.parse::<f64>().is_ok() {
                v.replace('.', ",")
            } else {
                v.into_owned()
            }
        })
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        text.push_str(&format!(" [standard: {}]", defaults.join(", ")));
    }
    if let Some(env) = a.get_env()
        && !a.is_hide_env_set()
    {
        text.push_str(&format!(" [miljøvariabel: {}]", env.to_string_lossy()));
    }
    let positional = a.is_positional();
    // The placeholders (`<SEKUNDER>`) show in the options and the usage line: in bokmål too.
    let a = match placeholder(key) {
        Some(v) if positional || a.get_action().takes_values() => a.value_name(v),
        _ => a,
    };
    let a = a
        .help(text)
        .long_help(None::<&str>)
        .hide_default_value(true)
        .hide_env(true)
        .hide_possible_values(true);
    if positional {
        a.help_heading("Argumenter")
    } else {
        a.help_heading("Valg")
    }
}

/// Every key the tree asks for: `(key, found)`, for the test that keeps table and tree in
/// step.
#[cfg(test)]
fn keys(cmd: &Command, path: &str, out: &mut Vec<String>) {
    out.push(path.to_owned());
    for a in cmd.get_arguments() {
        out.push(format!("{path}:{}", a.get_id()));
    }
    // clap's `help` subcommand mirrors the tree (for `klynge help plan`); its copies
    // show no text of their own.
    if cmd.get_name() == "help" && !path.is_empty() {
        return;
    }
    for s in cmd.get_subcommands() {
        let sub = if path.is_empty() {
            s.get_name().to_owned()
        } else {
            format!("{path} {}", s.get_name())
        };
        keys(s, &sub, out);
    }
}

/// clap's error in `lang`: bokmål gets its own sentence around clap's facts (the flag,
/// the value, what is valid); English keeps clap's text. Help and version pass through.
pub fn error_text(e: &clap::Error, lang: Lang) -> String {
    if lang == Lang::En
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        return e.render().to_string();
    }
    let ctx = |k: ContextKind| -> Option<String> {
        match e.get(k)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = ctx(ContextKind::InvalidArg).unwrap_or_default();
    let value = ctx(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => format!("ukjent valg «{arg}»"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "ukjent kommando «{}»",
                ctx(ContextKind::InvalidSubcommand).unwrap_or(arg)
            )
        }
        ErrorKind::InvalidValue => {
            if value.is_empty() {
                format!("{arg} mangler en verdi")
            } else {
                format!("ugyldig verdi «{value}» for {arg}")
            }
        }
        ErrorKind::ValueValidation => {
            // The value parsers' own messages are bilingual ("… / er ikke en dato") or
            // clap's range text; the value and the flag say enough.
            format!("ugyldig verdi «{value}» for {arg}")
        }
        ErrorKind::MissingRequiredArgument => format!("mangler {arg}"),
        ErrorKind::MissingSubcommand => "mangler en kommando".to_owned(),
        ErrorKind::NoEquals => format!("{arg} må skrives med likhetstegn (=)"),
        ErrorKind::TooManyValues => format!("for mange verdier for {arg}: «{value}»"),
        ErrorKind::TooFewValues => format!("for få verdier for {arg}"),
        ErrorKind::WrongNumberOfValues => format!("feil antall verdier for {arg}"),
        ErrorKind::ArgumentConflict => {
            let other = ctx(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} kan ikke brukes sammen med {other}")
        }
        ErrorKind::InvalidUtf8 => "et argument er ikke gyldig UTF-8".to_owned(),
        _ => "feil i kommandolinjen".to_owned(),
    };
    if let Some(valid) = ctx(ContextKind::ValidValue) {
        msg.push_str(&format!(" (gyldige verdier: {valid})"));
    }
    if let Some(tip) = ctx(ContextKind::SuggestedArg).or(ctx(ContextKind::SuggestedSubcommand)) {
        msg.push_str(&format!("; mente du «{tip}»?"));
    }
    format!("Feil: {msg}\nSe «klynge --help» (eller «klynge KOMMANDO --help»).\n")
}

/// The language asked for before clap has parsed anything: `--lang X`, `--lang=X`, else
/// `KLYNGE_LANG`, else bokmål. An unreadable value falls back to bokmål; clap then
/// reports it.
pub fn early_lang(args: &[std::ffi::OsString]) -> Lang {
    let mut given = None;
    let mut iter = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = iter.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            given = Some(v.to_owned());
        } else if a == "--lang" {
            given = iter.next();
        }
    }
    given
        .or_else(|| std::env::var("KLYNGE_LANG").ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_command_and_option_has_help_in_both_languages_and_no_entry_is_stale() {
        let mut cmd = super::super::Cli::command();
        cmd.build();
        let mut wanted = Vec::new();
        keys(&cmd, "", &mut wanted);
        let missing: Vec<&String> = wanted.iter().filter(|k| entry(k).is_none()).collect();
        assert!(missing.is_empty(), "no help text for {missing:?}");
        let stale: Vec<&str> = HELP
            .iter()
            .map(|e| e.0)
            .filter(|k| !k.starts_with("*:") && !wanted.iter().any(|w| w == k))
            .collect();
        assert!(stale.is_empty(), "help for what does not exist: {stale:?}");
        for (k, nb, en) in HELP {
            assert!(!nb.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn help_in_bokmal_and_english() {
        let nb = localize(super::super::Cli::command(), Lang::Nb)
            .render_help()
            .to_string();
        assert!(nb.contains("Bruk:") && nb.contains("Kommandoer") && nb.contains("Valg"));
        assert!(!nb.contains("Usage:") && !nb.contains("Options:"), "{nb}");
        let en = localize(super::super::Cli::command(), Lang::En)
            .render_help()
            .to_string();
        assert!(
            en.contains("Usage:") && en.contains("Show this help"),
            "{en}"
        );
    }

    /// The placeholders in `help`: the capitalised words in `<…>` and `[…]`.
    fn placeholders_in(help: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (open, close) in [('<', '>'), ('[', ']')] {
            for piece in help.split(open).skip(1) {
                let Some((word, _)) = piece.split_once(close) else {
                    continue;
                };
                let word = word.trim_end_matches("...");
                if !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_uppercase() || c == '_' || c.is_ascii_digit())
                {
                    out.push(word.to_owned());
                }
            }
        }
        out
    }

    fn all_help(cmd: &mut Command, path: &str, out: &mut Vec<(String, String)>) {
        out.push((path.to_owned(), cmd.render_help().to_string()));
        for s in cmd.get_subcommands_mut() {
            let sub = format!("{path} {}", s.get_name()).trim().to_owned();
            all_help(s, &sub, out);
        }
    }

    #[test]
    fn every_placeholder_in_bokmal_help_is_bokmal() {
        let mut cmd = localize(super::super::Cli::command(), Lang::Nb);
        let mut helps = Vec::new();
        all_help(&mut cmd, "", &mut helps);
        // The command tree has well over twenty commands; each is looked at.
        assert!(helps.len() > 20, "{}", helps.len());
        // clap's own placeholders are the ids in capitals; these few words are the same
        // in both languages.
        let same_in_both = ["FORMAT", "DATABASE", "KM"];
        let mut ids = Vec::new();
        keys(&super::super::Cli::command(), "", &mut ids);
        let english: Vec<String> = ids
            .iter()
            .filter_map(|k| k.split_once(':'))
            .map(|(_, id)| id.to_uppercase())
            .chain(
                [
                    "FILE", "DIR", "PATH", "VALUE", "COMMAND", "OPTIONS", "URL", "N",
                ]
                .map(String::from),
            )
            .filter(|w| !same_in_both.contains(&w.as_str()))
            .collect();
        let bokmal: Vec<&str> = PLACEHOLDERS
            .iter()
            .map(|e| e.1)
            .chain(["VALG", "KOMMANDO"])
            .collect();
        let mut seen = 0;
        for (path, help) in &helps {
            for p in placeholders_in(help) {
                seen += 1;
                assert!(
                    !english.contains(&p),
                    "«klynge {path} --help» shows the English placeholder <{p}>:\n{help}"
                );
                assert!(
                    bokmal.contains(&p.as_str()),
                    "«klynge {path} --help» shows <{p}>, which is not in PLACEHOLDERS:\n{help}"
                );
            }
        }
        assert!(
            seen > 50,
            "only {seen} placeholders found: the scan is broken"
        );
        let plan = &helps.iter().find(|(p, _)| p == "plan").expect("plan").1;
        assert!(plan.contains("--time-limit <SEKUNDER>"), "{plan}");
        let en = localize(super::super::Cli::command(), Lang::En)
            .find_subcommand_mut("plan")
            .expect("plan")
            .render_help()
            .to_string();
        assert!(en.contains("--time-limit <TIME_LIMIT>"), "{en}");
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            early_lang(&args(&["klynge", "--lang", "en", "runs"])),
            Lang::En
        );
        assert_eq!(
            early_lang(&args(&["klynge", "runs", "--lang=en"])),
            Lang::En
        );
        assert_eq!(early_lang(&args(&["klynge", "--", "--lang=en"])), Lang::Nb);
    }
}
