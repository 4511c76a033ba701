//! Errors from below klynge — the operating system, serde/JSON, the CSV reader — come as
//! English text (`No such file or directory (os error 2)`, `missing field `id` at line 3
//! column 1`). A bokmål reader gets them said in bokmål, with the detail that helps (the
//! field, the line and column) kept; an English reader gets them as they are. The text is
//! what is translated, not the error value, because by the time a problem is shown it is
//! often only text (a stored `Problem`, a wrapped error).

use super::Lang;

/// An error from the OS, serde or the CSV reader, in `lang`.
pub fn foreign_error(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_owned();
    }
    let (core, place) = split_place(text);
    let said = os_error(core)
        .or_else(|| serde_error(core))
        .or_else(|| csv_error(core))
        .unwrap_or_else(|| format!("ukjent feil ({core})"));
    match place {
        Some((line, column)) => format!("{said} (linje {line}, kolonne {column})"),
        None => said,
    }
}

/// An I/O error in `lang`.
pub fn io_error(e: &std::io::Error, lang: Lang) -> String {
    foreign_error(&e.to_string(), lang)
}

/// serde_json's "… at line 3 column 7" split off the message.
fn split_place(text: &str) -> (&str, Option<(&str, &str)>) {
    if let Some((core, place)) = text.rsplit_once(" at line ")
        && let Some((line, column)) = place.split_once(" column ")
        && line.chars().all(|c| c.is_ascii_digit())
        && column.chars().all(|c| c.is_ascii_digit())
    {
        return (core, Some((line, column)));
    }
    (text, None)
}

/// `… (os error N)` by its number (the same on Linux and macOS for these).
fn os_error(text: &str) -> Option<String> {
    let code = text
        .rsplit_once("(os error ")?
        .1
        .trim_end_matches(')')
        .parse::<i32>()
        .ok()?;
    let said = match code {
        2 => "finner ikke filen eller mappen",
        13 | 1 => "du har ikke tilgang til filen eller mappen",
        17 => "filen finnes allerede",
        20 => "en del av stien er ikke en mappe",
        21 => "dette er en mappe, ikke en fil",
        28 => "disken er full",
        30 => "filsystemet kan bare leses",
        36 => "navnet er for langt",
        39 => "mappen er ikke tom",
        111 => "tilkoblingen ble avvist",
        _ => return Some(format!("systemfeil nummer {code}")),
    };
    Some(said.to_owned())
}

/// The value between the first pair of backticks: serde's way of naming a field.
fn quoted(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once('`')?;
    Some(rest.split_once('`')?.0)
}

fn serde_error(text: &str) -> Option<String> {
    let t = text.trim();
    let said = if t.starts_with("missing field") {
        format!("feltet «{}» mangler", quoted(t).unwrap_or("?"))
    } else if t.starts_with("unknown field") {
        format!("ukjent felt «{}»", quoted(t).unwrap_or("?"))
    } else if t.starts_with("duplicate field") {
        format!("feltet «{}» står to ganger", quoted(t).unwrap_or("?"))
    } else if t.starts_with("unknown variant") {
        format!("ukjent verdi «{}»", quoted(t).unwrap_or("?"))
    } else if t.starts_with("invalid type") {
        "en verdi har feil type (for eksempel tekst der det skal stå et tall)".to_owned()
    } else if t.starts_with("invalid value") {
        "en verdi er ugyldig".to_owned()
    } else if t.starts_with("invalid length") {
        "en liste har feil antall elementer".to_owned()
    } else if t.contains("out of range") {
        "et tall er for stort eller for lite".to_owned()
    } else if t.starts_with("EOF while parsing") {
        "teksten slutter før JSON-en er ferdig".to_owned()
    } else if t.starts_with("expected")
        || t.starts_with("trailing")
        || t.starts_with("key must be")
        || t.starts_with("control character")
        || t.starts_with("invalid escape")
        || t.starts_with("invalid number")
        || t.starts_with("lone leading surrogate")
        || t.starts_with("recursion limit")
    {
        "teksten er ikke gyldig JSON".to_owned()
    } else if t.contains("did not contain valid UTF-8") || t.contains("invalid utf-8") {
        "filen er ikke UTF-8-tekst".to_owned()
    } else {
        return None;
    };
    Some(said)
}

fn csv_error(text: &str) -> Option<String> {
    let t = text.trim();
    if t.contains("found record with") {
        let numbers: Vec<&str> = t
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        // "CSV error: record 3 (line: 4, byte: 50): found record with 2 fields, but the
        // previous record has 3 fields": the last two numbers are the field counts.
        if let [.., got, want] = numbers.as_slice() {
            return Some(format!(
                "raden har {got} felt, men raden over har {want} felt"
            ));
        }
    }
    if t.contains("invalid UTF-8") {
        return Some("filen er ikke UTF-8-tekst".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Lang, foreign_error};

    #[test]
    fn os_serde_and_csv_errors_in_bokmal() {
        let e = std::io::Error::from_raw_os_error(2).to_string();
        assert_eq!(
            foreign_error(&e, Lang::Nb),
            "finner ikke filen eller mappen"
        );
        assert_eq!(foreign_error(&e, Lang::En), e);
        let json = serde_json::from_str::<f64>("1e999").expect_err("out of range");
        assert_eq!(
            foreign_error(&json.to_string(), Lang::Nb),
            "et tall er for stort eller for lite (linje 1, kolonne 5)"
        );
        let json = serde_json::from_str::<u8>("300").expect_err("too big for u8");
        assert_eq!(
            foreign_error(&json.to_string(), Lang::Nb),
            "en verdi er ugyldig (linje 1, kolonne 3)"
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Needs {
            id: String,
        }
        let missing = serde_json::from_str::<Needs>("{}").expect_err("missing");
        assert_eq!(
            foreign_error(&missing.to_string(), Lang::Nb),
            "feltet «id» mangler (linje 1, kolonne 2)"
        );
        assert_eq!(
            foreign_error(
                "CSV error: record 2 (line: 3, byte: 40): found record with 2 fields, but the previous record has 3 fields",
                Lang::Nb
            ),
            "raden har 2 felt, men raden over har 3 felt"
        );
        assert_eq!(
            foreign_error("something new", Lang::Nb),
            "ukjent feil (something new)"
        );
    }
}
