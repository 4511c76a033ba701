//! One run's map on its own, for the service's run page: the report's projection and marks
//! (`map`), drawn in a picture that scales to its box and has a text alternative.

use askama::Template;

use super::{Map, map};
use crate::i18n::Lang;
use crate::run::Run;

#[derive(Template)]
#[template(path = "run_map.html")]
struct RunMap<'a> {
    m: Map,
    label: &'a str,
}

/// The run's associations, instructors' trips and clusters as an SVG element; `label` is
/// its text alternative (what the map shows, in the reader's language), `lang` the
/// language of the trips' titles.
pub fn run_map_svg(run: &Run, label: &str, lang: Lang) -> String {
    RunMap {
        m: map(run, lang),
        label,
    }
    .render()
    .unwrap_or_default()
}
