//! Human names for what the data keeps as codes: course topics and ISO 639-1 languages,
//! so that forms offer named choices instead of asking for codes.

use crate::i18n::Lang;

/// (code, bokmål, English)
const TOPICS: [(&str, &str, &str); 8] = [
    ("smarttelefon", "Smarttelefon", "Smartphone"),
    ("nettbank", "Nettbank", "Online banking"),
    ("bankid", "BankID", "BankID"),
    ("helsenorge", "Helsenorge", "Helsenorge (health portal)"),
    ("epost", "E-post", "E-mail"),
    ("pc-grunnkurs", "PC-grunnkurs", "PC basics"),
    (
        "digital-sikkerhet",
        "Digital sikkerhet",
        "Staying safe online",
    ),
    ("digihjelp", "Digital hjelp", "Digital help"),
];

/// (code, bokmål, English): the languages of Norway's seniors and its larger immigrant
/// groups.
const LANGUAGES: [(&str, &str, &str); 20] = [
    ("nb", "norsk (bokmål)", "Norwegian (Bokmål)"),
    ("nn", "norsk (nynorsk)", "Norwegian (Nynorsk)"),
    ("se", "nordsamisk", "Northern Sami"),
    ("en", "engelsk", "English"),
    ("sv", "svensk", "Swedish"),
    ("da", "dansk", "Danish"),
    ("de", "tysk", "German"),
    ("fr", "fransk", "French"),
    ("es", "spansk", "Spanish"),
    ("pl", "polsk", "Polish"),
    ("lt", "litauisk", "Lithuanian"),
    ("uk", "ukrainsk", "Ukrainian"),
    ("ru", "russisk", "Russian"),
    ("ar", "arabisk", "Arabic"),
    ("so", "somali", "Somali"),
    ("ti", "tigrinja", "Tigrinya"),
    ("fa", "persisk", "Persian"),
    ("ur", "urdu", "Urdu"),
    ("tr", "tyrkisk", "Turkish"),
    ("vi", "vietnamesisk", "Vietnamese"),
];

/// A topic's name; an unknown topic is shown as it is written.
pub fn topic(code: &str, lang: Lang) -> String {
    TOPICS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, nb, en)| lang.pick(nb, en))
        .to_owned()
}

/// A language's name; an unknown code is shown as it is.
pub fn language(code: &str, lang: Lang) -> String {
    LANGUAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, nb, en)| lang.pick(nb, en))
        .to_owned()
}

/// The topics to choose from: the known ones and any other the data uses, as (code, name).
pub fn topics(used: impl IntoIterator<Item = String>, lang: Lang) -> Vec<(String, String)> {
    choices(TOPICS.iter().map(|t| t.0), used, |c| topic(c, lang), false)
}

/// The languages to choose from: those the data uses (Norwegian always), as (code, name),
/// sorted by name with bokmål first.
pub fn languages(used: impl IntoIterator<Item = String>, lang: Lang) -> Vec<(String, String)> {
    choices(["nb"].into_iter(), used, |c| language(c, lang), true)
}

fn choices<'a>(
    first: impl Iterator<Item = &'a str>,
    used: impl IntoIterator<Item = String>,
    name: impl Fn(&str) -> String,
    sort: bool,
) -> Vec<(String, String)> {
    let mut codes: Vec<String> = first.map(str::to_owned).collect();
    let fixed = codes.len();
    for c in used {
        if !c.is_empty() && !codes.contains(&c) {
            codes.push(c);
        }
    }
    let mut out: Vec<(String, String)> = codes
        .into_iter()
        .map(|c| {
            let n = name(&c);
            (c, n)
        })
        .collect();
    if sort {
        out[fixed.min(1)..].sort_by(|a, b| a.1.cmp(&b.1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_names_and_unknown_codes_stay() {
        assert_eq!(language("ar", Lang::Nb), "arabisk");
        assert_eq!(language("xx", Lang::Nb), "xx");
        assert_eq!(topic("epost", Lang::En), "E-mail");
        let l = languages(["en".to_owned(), "ar".into(), "nb".into()], Lang::Nb);
        assert_eq!(
            l.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
            ["nb", "ar", "en"],
            "bokmål first, then by name"
        );
        let t = topics(["nettbank".to_owned(), "sy".into()], Lang::Nb);
        assert_eq!(
            t.len(),
            TOPICS.len() + 1,
            "the known topics and the one only the data uses"
        );
    }
}
