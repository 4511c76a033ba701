//! Progress on standard error while a plan runs: a bar on a terminal; elsewhere (a log, a
//! pipe, cron) a line every few seconds with the stage, the component and the gap, so that
//! a long national plan is never silent. `explain` of a whole run counts its requests the
//! same way.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use klynge::app::plan::Progress as Sink;
use klynge::i18n::Lang;
use klynge::plan::Progress;

/// Seconds between progress lines when standard error is not a terminal;
/// `KLYNGE_PROGRESS_SECONDS` changes it (the tests use a fraction of a second).
const DEFAULT_INTERVAL: f64 = 5.0;

/// Shows progress while it lives.
pub(super) struct Bar {
    bar: ProgressBar,
    log: Option<Arc<Log>>,
}

/// The latest step, printed by a ticker thread every interval while something runs.
struct Log {
    lang: Lang,
    /// What is going on, before the seconds: "planlegger," / "planning,".
    doing: (&'static str, &'static str),
    started: Instant,
    latest: Mutex<Option<String>>,
    done: AtomicBool,
}

impl Bar {
    pub(super) fn new(lang: Lang) -> Bar {
        Bar::showing(
            lang,
            lang.pick("Optimerer komponenter", "Optimising components"),
            ("planlegger,", "planning,"),
        )
    }

    /// A bar for `total` explanations, moved by `explained`.
    pub(super) fn explaining(lang: Lang, total: usize) -> Bar {
        let bar = Bar::showing(
            lang,
            lang.pick("Forklarer", "Explaining"),
            ("forklarer,", "explaining,"),
        );
        bar.bar.set_length(total as u64);
        bar
    }

    /// One more of `total` requests explained.
    pub(super) fn explained(&self, done: usize, total: usize) {
        self.bar.set_position(done as u64);
        self.tell(format!(
            "{done} {} {total} {}",
            self.lang().pick("av", "of"),
            self.lang()
                .pick("forespørsler forklart", "requests explained")
        ));
    }

    /// Runs `f` (printing to standard output) with the bar cleared, so that the two do
    /// not mix on one terminal.
    pub(super) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    fn lang(&self) -> Lang {
        self.log.as_ref().map_or(Lang::En, |l| l.lang)
    }

    fn tell(&self, line: String) {
        if let Some(log) = &self.log
            && let Ok(mut latest) = log.latest.lock()
        {
            *latest = Some(line);
        }
    }

    fn showing(lang: Lang, message: &str, doing: (&'static str, &'static str)) -> Bar {
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        let log = (!terminal).then(|| {
            let log = Arc::new(Log {
                lang,
                doing,
                started: Instant::now(),
                latest: Mutex::new(None),
                done: AtomicBool::new(false),
            });
            let ticker = log.clone();
            std::thread::spawn(move || ticker.tick(interval()));
            log
        });
        Bar { bar, log }
    }

    /// The callback that moves the bar and feeds the log.
    pub(super) fn progress(&self) -> Sink {
        let bar = self.bar.clone();
        let log = self.log.clone();
        Arc::new(move |step: Progress| {
            if let Progress::Component { done, total } = step {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            if let Some(log) = &log
                && let Ok(mut latest) = log.latest.lock()
            {
                *latest = Some(step.line(log.lang));
            }
        })
    }
}

fn interval() -> Duration {
    let seconds = std::env::var("KLYNGE_PROGRESS_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(DEFAULT_INTERVAL);
    Duration::from_secs_f64(seconds.min(3600.0))
}

impl Log {
    /// Prints the latest step every `every` until the plan ends.
    fn tick(&self, every: Duration) {
        let mut next = Instant::now() + every;
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50).min(every));
            if Instant::now() < next {
                continue;
            }
            next += every;
            let latest = self.latest.lock().ok().and_then(|l| l.clone());
            if let Some(line) = latest {
                eprintln!(
                    "klynge: {} {} s: {line}",
                    self.lang.pick(self.doing.0, self.doing.1),
                    self.lang.number(self.started.elapsed().as_secs_f64(), 0),
                );
            }
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Some(log) = &self.log {
            log.done.store(true, Ordering::Relaxed);
        }
    }
}
