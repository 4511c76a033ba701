//! `klynge worker`: runs queued plans and repairs, and serves nothing. Start as many as the
//! machines allow beside `klynge serve` on one PostgreSQL database; each job is run once.

use clap::Args;

use klynge::app::jobs::run_worker;
use klynge::i18n::Lang;

use super::Failure;
use super::serve::service;

#[derive(Args, Debug)]
pub struct WorkerArgs {
    /// Time limit for each plan, seconds.
    #[arg(long, default_value_t = 30.0, value_parser = super::decimal_arg)]
    time_limit: f64,
}

pub async fn worker(db: &str, lang: Lang, a: WorkerArgs) -> Result<(), Failure> {
    let state = service(db, a.time_limit).await?;
    eprintln!(
        "{} ({})",
        lang.pick(
            "klynge venter på jobber i køen",
            "klynge is waiting for queued jobs"
        ),
        lang.pick("Ctrl-C stopper", "Ctrl-C stops")
    );
    run_worker(state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
