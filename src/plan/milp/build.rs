//! The rows of docs/model.md §5 for one component, in the document's order: staffing and
//! languages, proposed clusters, training advice, conflicts (the cliques of
//! `conflicts`), weekly and total limits with round trips, lending caps, load, fairness, answers
//! and the repair reference. Apart from the stages, which only choose an objective and
//! hold what earlier stages reached.

use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

use super::Model;
use crate::plan::conflicts::cliques;
use crate::plan::decompose::Component;
use crate::plan::eligibility::Eligibility;
use crate::plan::instance::{Instance, iso_week};
use crate::plan::load::{trips, weekly_teaching};
use crate::plan::params::ClusterMode;

impl Model {
    pub(super) fn build(inst: &Instance, elig: &Eligibility, comp: &Component) -> Model {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = comp
            .pairs
            .iter()
            .map(|_| vars.add(variable().binary()))
            .collect();
        // y(r) ∈ {0,1}, or the desks staffed of a one-to-one block ∈ {0..desks}.
        let y: Vec<Variable> = comp
            .requests
            .iter()
            .map(|&r| match inst.units[r].most {
                1 => vars.add(variable().binary()),
                most => vars.add(variable().integer().min(0).max(most)),
            })
            .collect();
        let z = vars.add(variable().min(0));
        let f = inst
            .params
            .fairness
            .is_on()
            .then(|| vars.add(variable().min(0).max(1)));
        let local_pair = |p: usize| comp.pairs.binary_search(&p).expect("pair in component");

        let mut constraints = Vec::new();
        let mut coverage = Expression::from(0);
        let mut travel = Expression::from(0);
        let mut travel_terms = Vec::new();
        let mut u = Vec::new();

        // 1. Σᵢ x(i,r) = k(r)·y(r) (k = 1 per desk of a one-to-one block).
        for (ry, &r) in comp.requests.iter().enumerate() {
            let k = f64::from(inst.units[r].staff);
            let staffed: Expression = elig.by_request[r].iter().map(|&p| x[local_pair(p)]).sum();
            constraints.push(constraint!(staffed == k * y[ry]));
            coverage += inst.weight[r] * y[ry];
            // (1a) A drop-in in several languages: Σ_{i speaks ℓ} x(i,r) ≥ y(r) for each ℓ.
            for l in &inst.units[r].cover {
                let speakers: Expression = elig.by_request[r]
                    .iter()
                    .filter(|&&p| inst.ds.instructors[elig.pairs[p].i].languages.contains(l))
                    .map(|&p| x[local_pair(p)])
                    .sum();
                constraints.push(constraint!(speakers >= y[ry]));
            }
        }

        // Proposed clusters (docs/model.md §7): c(a,h) = 1 when small association a joins
        // hub h; exactly one hub per association, and x(i,r) ≤ c(a(r), hub(i)).
        let mut hub_of: Vec<(usize, usize)> = Vec::new();
        if inst.cluster_mode == ClusterMode::Proposed {
            let mut c: std::collections::HashMap<(usize, usize), Variable> = Default::default();
            for (local, &p) in comp.pairs.iter().enumerate() {
                let pair = &elig.pairs[p];
                let key = (inst.requester(pair.r), inst.hub_of(pair.i));
                let joined = *c.entry(key).or_insert_with(|| {
                    hub_of.push(key);
                    vars.add(variable().binary())
                });
                constraints.push(constraint!(x[local] <= joined));
            }
            let mut joins: std::collections::BTreeMap<usize, Expression> = Default::default();
            for (&(a, _), &joined) in &c {
                *joins.entry(a).or_default() += joined;
            }
            for (_, one) in joins {
                constraints.push(constraint!(one == 1));
            }
        }

        // Training advice (docs/model.md §10b): a pair that needs trainings is usable only
        // if they are chosen, t(i,skill) ≥ x(i,r), and at most `budget` are chosen.
        if let Some(tr) = &inst.params.trainings {
            let t: Vec<Variable> = tr
                .candidates
                .iter()
                .map(|_| vars.add(variable().binary()))
                .collect();
            for (local, &p) in comp.pairs.iter().enumerate() {
                let pair = &elig.pairs[p];
                let (ins, req) = (&inst.ds.instructors[pair.i], inst.request(pair.r));
                for k in tr.needed(&ins.id, req) {
                    constraints.push(constraint!(x[local] <= t[k]));
                }
            }
            let chosen: Expression = t.iter().copied().sum();
            constraints.push(constraint!(chosen <= tr.budget as f64));
        }

        for &i in &comp.instructors {
            let ins = &inst.ds.instructors[i];
            // 2. One row per maximal clique of overlapping (travel-widened) sessions. An
            // instructor allowed one session a week needs none: the members of a clique
            // meet on one date, so each has a session in its week, and that week's row
            // (3) already lets at most one of them be taken (docs/model.md §5).
            let cliques = if ins.max_sessions_per_week <= 1 {
                Vec::new()
            } else {
                cliques(inst, elig, i)
            };
            for clique in cliques {
                let together: Expression = clique.iter().map(|&p| x[local_pair(p)]).sum();
                constraints.push(constraint!(together <= 1));
            }
            // 3. Weekly sessions and hours; total sessions.
            let mut weeks: std::collections::BTreeMap<u32, (Expression, u32, Expression, f64)> =
                Default::default();
            let empty = || (Expression::from(0), 0, Expression::from(0), 0.0);
            let mut total = Expression::from(0);
            let mut total_max = 0usize;
            for &p in &elig.by_instructor[i] {
                let pair = &elig.pairs[p];
                let xv = x[local_pair(p)];
                let n = inst.sessions[pair.r].len();
                total += n as f64 * xv;
                total_max += n;
                for (w, (sessions, hours)) in weekly_teaching(inst, pair.r) {
                    let e = weeks.entry(w).or_insert_with(empty);
                    e.0 += f64::from(sessions) * xv;
                    e.1 += sessions;
                    e.2 += hours * xv;
                    e.3 += hours;
                }
            }
            // Round trips, one per venue-day: u(i,v,D) ≥ Σ_{r∈K} x(i,r) for every set K of
            // requests of G(i,v,D) of which i can take at most one; the sum itself when K is
            // all of G(i,v,D) (one request, or none two of which go together). Days with the
            // same G share one u.
            for trip in trips(inst, elig, i) {
                // (HiGHS column, variable) of the terms that count the trips.
                let went: Vec<(usize, Variable)> = match trip.one_of.as_slice() {
                    [all] => all
                        .iter()
                        .map(|&p| (local_pair(p), x[local_pair(p)]))
                        .collect(),
                    many => {
                        let column = vars.len();
                        let uv = vars.add(variable().min(0).max(1));
                        let one_of: Vec<Vec<usize>> = many
                            .iter()
                            .map(|k| k.iter().map(|&p| local_pair(p)).collect())
                            .collect();
                        for k in &one_of {
                            let sum: Expression = k.iter().map(|&l| x[l]).sum();
                            constraints.push(constraint!(uv >= sum));
                        }
                        u.push((column, one_of));
                        vec![(column, uv)]
                    }
                };
                let km = 2.0 * trip.km * trip.dates.len() as f64;
                let mut hours: std::collections::BTreeMap<u32, f64> = Default::default();
                for d in &trip.dates {
                    *hours.entry(iso_week(*d)).or_default() += 2.0 * f64::from(trip.minutes) / 60.0;
                }
                for (column, went) in went {
                    travel += km * went;
                    travel_terms.push((column, km));
                    for (&w, &h) in &hours {
                        let e = weeks.entry(w).or_insert_with(empty);
                        e.2 += h * went;
                        e.3 += h;
                    }
                }
            }
            for (_, (sessions, most_sessions, hours, most_hours)) in weeks {
                if most_sessions > ins.max_sessions_per_week {
                    constraints.push(constraint!(sessions <= ins.max_sessions_per_week));
                }
                if let Some(h) = ins.max_hours_per_week.filter(|&h| most_hours > h) {
                    constraints.push(constraint!(hours <= h));
                }
            }
            if let Some(t) = ins.max_sessions_total.filter(|&t| total_max > t as usize) {
                constraints.push(constraint!(total.clone() <= t));
            }
            // Stage 4's load variable: z ≥ sessions given to i.
            constraints.push(constraint!(total <= z));
        }
        // 4. Lending caps (open mode): the sessions a capped hub's instructors give outside
        // its cluster. Rows that cannot bind are left out.
        let mut lent: std::collections::BTreeMap<usize, (Expression, usize, u32)> =
            Default::default();
        for (local, &p) in comp.pairs.iter().enumerate() {
            let pair = &elig.pairs[p];
            if let Some((h, cap)) = inst.capped_lending(pair.i, pair.r) {
                let n = inst.sessions[pair.r].len();
                let e = lent
                    .entry(h)
                    .or_insert_with(|| (Expression::from(0), 0, cap));
                e.0 += n as f64 * x[local];
                e.1 += n;
            }
        }
        for (_, (sessions, most, cap)) in lent {
            if most > cap as usize {
                constraints.push(constraint!(sessions <= cap));
            }
        }

        // Fairness: Σ_{r of a} a(r)·y(r) ≥ f · Σ_{r of a} a(r)·most(r) for every association
        // a with a request in the component; a(r) is sessions, or slots per desk.
        if let Some(f) = f {
            let mut by_assoc: std::collections::BTreeMap<&str, (Expression, f64)> =
                Default::default();
            for (ry, &r) in comp.requests.iter().enumerate() {
                let n = inst.units[r].amount;
                let e = by_assoc
                    .entry(inst.request(r).association.as_str())
                    .or_insert_with(|| (Expression::from(0), 0.0));
                e.0 += n * y[ry];
                e.1 += n * f64::from(inst.units[r].most);
            }
            for (_, (covered, requested)) in by_assoc {
                constraints.push(constraint!(covered >= requested * f));
            }
        }
        // Answers are law: an accepted pair is pinned in every plan. (A declined pair is
        // not eligible, so it has no x at all.) An answer is given to (request, instructor):
        // for a course that is its one x; for a request in parts, the parts the instructor
        // holds in the rota being repaired, or else at least one of them (docs/model.md §4).
        // The rota being repaired as (unit, instructor) indices, and as (request,
        // instructor) for answers given to a whole request: looked up once per pair.
        let reference: std::collections::HashSet<(usize, usize)> = inst
            .params
            .repair
            .iter()
            .flat_map(|rep| &rep.reference)
            .filter_map(|h| {
                let unit = inst.unit_of(&h.request, h.part)?;
                Some((unit, *inst.instructor_index.get(h.instructor.as_str())?))
            })
            .collect();
        let held_by: std::collections::HashSet<(usize, usize)> = reference
            .iter()
            .map(|&(u, i)| (inst.units[u].request, i))
            .collect();
        let mut parts_of_answer: std::collections::BTreeMap<(usize, usize), Vec<usize>> =
            Default::default();
        for (k, &p) in comp.pairs.iter().enumerate() {
            let pair = &elig.pairs[p];
            if !inst.is_accepted(pair.i, pair.r) {
                continue;
            }
            if inst.units[pair.r].part.is_none() || reference.contains(&(pair.r, pair.i)) {
                constraints.push(constraint!(x[k] == 1));
            }
            parts_of_answer
                .entry((inst.units[pair.r].request, pair.i))
                .or_default()
                .push(k);
        }
        for ((r, i), ks) in parts_of_answer {
            if inst.ds.requests[r].format.is_course() || held_by.contains(&(r, i)) {
                continue;
            }
            let some: Expression = ks.iter().map(|&k| x[k]).sum();
            constraints.push(constraint!(some >= 1));
        }
        // Repair mode: stage 2 counts the changes from the reference rota:
        // Σ_{(i,r) in the reference} (1 − x) + Σ_{(i,r) not in it} x.
        // A reference pair of this component's units that is not eligible any more (a
        // decline, a drop-out) has no x: it changes for certain, a constant 1.
        let changes = inst.params.repair.as_ref().map(|rep| {
            let mut changes = Expression::from(0);
            let mut with_x = 0usize;
            for (k, &p) in comp.pairs.iter().enumerate() {
                if reference.contains(&(elig.pairs[p].r, elig.pairs[p].i)) {
                    changes += 1.0 - x[k];
                    with_x += 1;
                } else {
                    changes += x[k];
                }
            }
            let of_component = rep
                .reference
                .iter()
                .filter(|h| {
                    inst.request_index
                        .get(h.request.as_str())
                        .is_some_and(|units| {
                            units.iter().any(|&u| {
                                inst.units[u].part == h.part
                                    && comp.requests.binary_search(&u).is_ok()
                            })
                        })
                })
                .count();
            changes + (of_component - with_x.min(of_component)) as f64
        });
        Model {
            vars,
            x,
            y,
            z,
            f,
            hub_of,
            u,
            changes,
            constraints,
            coverage,
            travel,
            travel_terms,
        }
    }
}
