//! Progress on standard error while a plan runs: a bar on a terminal; elsewhere (a log, a
//! pipe, cron) a line every few seconds with the stage, the component and the gap, so that
//! a long national plan is never silent.

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
    started: Instant,
    latest: Mutex<Option<Progress>>,
    done: AtomicBool,
}

impl Bar {
    pub(super) fn new(lang: Lang) -> Bar {
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
        bar.set_message(
            lang.pick("Optimerer komponenter", "Optimising components")
                .to_string(),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        let log = (!terminal).then(|| {
            let log = Arc::new(Log {
                lang,
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
                *latest = Some(step);
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
            let latest = self.latest.lock().ok().and_then(|l| *l);
            if let Some(step) = latest {
                eprintln!(
                    "klynge: {} {} s: {}",
                    self.lang.pick("planlegger,", "planning,"),
                    self.lang.number(self.started.elapsed().as_secs_f64(), 0),
                    step.line(self.lang)
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
