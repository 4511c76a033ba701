//! What planning tells its caller while it runs: stages as they start and end in each
//! component, and components as they finish. The CLI draws a bar on a terminal and prints a
//! line every few seconds elsewhere; the service keeps the job's progress text.

use super::outcome::{Stage, StageStatus};
use crate::i18n::Lang;

/// One step of planning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Progress {
    /// A stage of component `component` (1-based, of `components`) started (`ended` is
    /// `None`) or ended, with its status and relative gap.
    Stage {
        component: usize,
        components: usize,
        stage: Stage,
        ended: Option<(StageStatus, f64)>,
    },
    /// `done` of `total` components are solved.
    Component { done: usize, total: usize },
}

/// A callback told every step; planning runs on several threads.
pub type OnProgress<'a> = &'a (dyn Fn(Progress) + Sync);

/// Ignores progress.
pub fn quiet(_: Progress) {}

impl Progress {
    /// The step as a line for a log: "component 2 of 75: stage 3 (travel, round-trip km)
    /// done, optimal, gap 0.00 %".
    pub fn line(&self, lang: Lang) -> String {
        match *self {
            Progress::Stage {
                component,
                components,
                stage,
                ended,
            } => {
                let what = format!(
                    "{} {component} {} {components}: {} {} ({})",
                    lang.pick("komponent", "component"),
                    lang.pick("av", "of"),
                    lang.pick("trinn", "stage"),
                    stage.label(),
                    stage.name(lang)
                );
                match ended {
                    None => format!("{what} {}", lang.pick("pågår", "running")),
                    Some((status, gap)) => format!(
                        "{what} {}, {}, gap {} %",
                        lang.pick("ferdig", "done"),
                        match status {
                            StageStatus::Optimal => lang.pick("optimal", "optimal"),
                            StageStatus::TimeLimit => lang.pick("tidsgrensen nådd", "time limit"),
                            StageStatus::Failed => lang.pick("feilet", "failed"),
                        },
                        if gap.is_finite() {
                            lang.number(100.0 * gap, 2)
                        } else {
                            "–".into()
                        }
                    ),
                }
            }
            Progress::Component { done, total } => format!(
                "{done} {} {total} {}",
                lang.pick("av", "of"),
                lang.pick("komponenter ferdige", "components done")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_in_both_languages_with_norwegian_numbers() {
        let p = Progress::Stage {
            component: 2,
            components: 75,
            stage: Stage::Travel,
            ended: Some((StageStatus::Optimal, 0.0125)),
        };
        assert_eq!(
            p.line(Lang::Nb),
            "komponent 2 av 75: trinn 3 (reise, km tur-retur) ferdig, optimal, gap 1,25 %"
        );
        assert_eq!(
            p.line(Lang::En),
            "component 2 of 75: stage 3 (travel, round-trip km) done, optimal, gap 1.25 %"
        );
        let running = Progress::Stage {
            component: 1,
            components: 1,
            stage: Stage::Balance,
            ended: None,
        };
        assert!(running.line(Lang::Nb).ends_with("pågår"));
        assert_eq!(
            Progress::Component { done: 3, total: 4 }.line(Lang::En),
            "3 of 4 components done"
        );
    }
}
