//! `klynge --help` and every subcommand's help in the reader's language, and clap's own
//! errors (unknown flag, missing value) said in bokmål.
//!
//! The texts are one table (in `table`), keyed by the command's path and the argument's
//! id, each entry a `(bokmål, English)` pair side by side; `localize` sets them on the
//! command tree that clap derives, before parsing (`Command::mut_arg`, `mut_subcommand`).
//! A test keeps the table and the tree in step: every command and argument has its pair,
//! and no pair names something that is gone. The doc comments on the argument structs are
//! for programmers.

mod table;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};

use self::table::{entry, placeholder};
use klynge::i18n::Lang;

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

    use super::table::{HELP, PLACEHOLDERS};
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
