//! Solve time and quality on generated instances of growing size, for the optimiser and
//! for the greedy baseline.
//!
//!     cargo bench --bench solve                       # 50, 200 and 500 instructors
//!     KLYNGE_BENCH_SIZES=1000 cargo bench --bench solve
//!
//! Criterion reports the time; the quality of each solver on each instance (weighted
//! coverage, requests covered, round-trip km, largest load, worst stage gap) is printed
//! once per instance before it is timed.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use klynge::generate::generate;
use klynge::plan::{Params, SolverKind, plan};

fn sizes() -> Vec<usize> {
    std::env::var("KLYNGE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 200, 500])
}

fn solve(c: &mut Criterion) {
    let mut group = c.benchmark_group("solve");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let params = Params {
        time_limit_s: 60.0,
        ..Params::default()
    };
    for n in sizes() {
        let ds = generate(n, 1);
        for solver in [SolverKind::Milp, SolverKind::Greedy] {
            let o = plan(&ds, &params, solver, &|_| {});
            let f = &o.figures;
            let worst_gap = o.stages.iter().map(|s| s.gap).fold(0.0, f64::max);
            eprintln!(
                "quality n={n} solver={solver:?}: weighted {}/{} ({:.1} %), requests {}/{}, km {:.0}, max load {}, worst gap {:.3} %",
                f.weighted_covered,
                f.weighted_total,
                100.0 * f.weighted_covered / f.weighted_total,
                f.requests_covered,
                f.requests_total,
                f.total_km,
                f.max_load,
                100.0 * worst_gap
            );
            let name = match solver {
                SolverKind::Milp => "milp",
                SolverKind::Greedy => "greedy",
            };
            group.bench_with_input(BenchmarkId::new(name, n), &ds, |b, ds| {
                b.iter(|| black_box(plan(ds, &params, solver, &|_| {})))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, solve);
criterion_main!(benches);
