//! Rotated classic functions at budget 100·D: `auto` against forced Nelder–Mead, TPE and
//! CMA-ES, median log10 regret over seeds.
//!
//! The study behind the CMA-ES strategy and its place in `auto`'s selection. Each seed is
//! an instance: a random rotation and a random optimum in `[-4, 4]^D` (BBOB style; the slope
//! has its optimum at a random corner and is not rotated). Functions: an ellipsoid of
//! condition 1e6, Rastrigin, Schaffer's F7, Weierstrass, Ackley and Levy (all rotated), a
//! sphere, and a linear slope whose optimum is on the boundary. Regret below 1e-10 counts as 1e-10.
//!
//! ```console
//! nice -n 10 cargo run --release -p arqonhpo-core --example cmaes_study -- 5,10 15
//! ```
//! (dimensions, then seeds, `N` or a range `A..B`, then optionally a comma list of the
//! columns to run, then a comma list of budgets per dimension; without arguments: D = 5 and
//! 10, seeds 0..15, every column, budget 100·D). The small-budget study behind the trust
//! region runs `2,5,10 15 auto,nelder_mead,cmaes,trust_region 10,20`, the one behind the GP
//! `2,5 15 auto,nelder_mead,trust_region,gp 10,20`. A line per
//! run is written to stderr when `ARQON_STUDY_RUNS` is set, with the classifier's verdict and
//! features, for studying the selection rule.

use std::error::Error;

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice};

const FLOOR: f64 = 1e-10;

/// A deterministic instance generator (SplitMix64 and Box–Muller), independent of the engine.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (1.0 - self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A random orthogonal matrix (Gram–Schmidt on a Gaussian matrix), rows.
fn rotation(g: &mut Gen, d: usize) -> Vec<Vec<f64>> {
    let mut rows: Vec<Vec<f64>> = Vec::new();
    while rows.len() < d {
        let mut v: Vec<f64> = (0..d).map(|_| g.normal()).collect();
        for r in &rows {
            let dot: f64 = v.iter().zip(r).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(r).for_each(|(a, b)| *a -= dot * b);
        }
        let n = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if n > 1e-6 {
            rows.push(v.into_iter().map(|a| a / n).collect());
        }
    }
    rows
}

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Sphere,
    Ellipsoid,
    Rastrigin,
    Schaffer,
    Weierstrass,
    Slope,
    Ackley,
    Levy,
}

impl Family {
    const ALL: [Family; 8] = [
        Family::Sphere,
        Family::Ellipsoid,
        Family::Rastrigin,
        Family::Schaffer,
        Family::Weierstrass,
        Family::Slope,
        Family::Ackley,
        Family::Levy,
    ];
    fn name(self) -> &'static str {
        match self {
            Family::Sphere => "sphere",
            Family::Ellipsoid => "ellipsoid",
            Family::Rastrigin => "rastrigin",
            Family::Schaffer => "schaffer",
            Family::Weierstrass => "weierstrass",
            Family::Slope => "slope",
            Family::Ackley => "ackley",
            Family::Levy => "levy",
        }
    }
}

/// One problem instance: the regret of a point.
struct Instance {
    family: Family,
    rot: Vec<Vec<f64>>,
    opt: Vec<f64>,
}

impl Instance {
    fn new(family: Family, d: usize, seed: u64) -> Self {
        let mut g = Gen(seed.wrapping_mul(1_000_003).wrapping_add(family as u64 * 7919 + d as u64));
        let rot = rotation(&mut g, d);
        let opt = (0..d)
            .map(|_| {
                if family == Family::Slope {
                    if g.uniform() < 0.5 {
                        -5.0
                    } else {
                        5.0
                    }
                } else {
                    8.0 * g.uniform() - 4.0
                }
            })
            .collect();
        Self { family, rot, opt }
    }

    fn z(&self, x: &[f64], scale: f64) -> Vec<f64> {
        self.rot
            .iter()
            .map(|r| {
                r.iter().zip(x.iter().zip(&self.opt)).map(|(a, (x, o))| a * (x - o)).sum::<f64>()
                    * scale
            })
            .collect()
    }

    fn regret(&self, x: &[f64]) -> f64 {
        let d = x.len();
        let dm1 = (d - 1).max(1) as f64;
        match self.family {
            Family::Sphere => self.z(x, 1.0).iter().map(|z| z * z).sum(),
            Family::Ackley => {
                let z = self.z(x, 1.0);
                let n = d as f64;
                let sq = (z.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
                let cs = z.iter().map(|v| (std::f64::consts::TAU * v).cos()).sum::<f64>() / n;
                (-20.0 * (-0.2 * sq).exp() - cs.exp() + 20.0 + std::f64::consts::E).max(0.0)
            }
            Family::Levy => {
                let w: Vec<f64> = self.z(x, 1.0).iter().map(|v| 1.0 + v / 4.0).collect();
                let pi = std::f64::consts::PI;
                let s2 = |v: f64| v.sin().powi(2);
                let last = w[d - 1];
                s2(pi * w[0])
                    + w[..d - 1]
                        .iter()
                        .map(|&v| (v - 1.0).powi(2) * (1.0 + 10.0 * s2(pi * v + 1.0)))
                        .sum::<f64>()
                    + (last - 1.0).powi(2) * (1.0 + s2(2.0 * pi * last))
            }
            Family::Ellipsoid => self
                .z(x, 1.0)
                .iter()
                .enumerate()
                .map(|(i, z)| 10f64.powf(6.0 * i as f64 / dm1) * z * z)
                .sum(),
            Family::Rastrigin => self
                .z(x, 1.0)
                .iter()
                .map(|z| z * z + 10.0 * (1.0 - (std::f64::consts::TAU * z).cos()))
                .sum(),
            Family::Schaffer => {
                let z = self.z(x, 1.0);
                let sum: f64 = z
                    .windows(2)
                    .map(|w| {
                        let s = (w[0] * w[0] + w[1] * w[1]).sqrt();
                        s.sqrt() * (1.0 + (50.0 * s.powf(0.2)).sin().powi(2))
                    })
                    .sum();
                (sum / dm1).powi(2)
            }
            Family::Weierstrass => {
                let z = self.z(x, 0.1);
                let term = |v: f64| -> f64 {
                    (0..12)
                        .map(|k| {
                            0.5f64.powi(k)
                                * (std::f64::consts::TAU * 3f64.powi(k) * (v + 0.5)).cos()
                        })
                        .sum()
                };
                let base: f64 = (0..12)
                    .map(|k| 0.5f64.powi(k) * (std::f64::consts::PI * 3f64.powi(k)).cos())
                    .sum();
                z.iter().map(|&v| term(v) - base).sum()
            }
            Family::Slope => x
                .iter()
                .zip(&self.opt)
                .enumerate()
                .map(|(i, (x, o))| {
                    let s = o.signum() * 10f64.powf(i as f64 / dm1);
                    s * (o - x)
                })
                .sum(),
        }
    }
}

struct Outcome {
    log_regret: f64,
    verdict: String,
}

fn run(
    inst: &Instance,
    d: usize,
    seed: u64,
    strategy: StrategyChoice,
    per_dim: u64,
) -> Result<Outcome, Box<dyn Error>> {
    let mut space = Space::new();
    for i in 0..d {
        space.push(format!("x{i}"), Param::float(-5.0, 5.0));
    }
    let mut config = SolverConfig::new(space, per_dim * d as u64, seed);
    config.strategy = strategy;
    let mut solver = Solver::new(config)?;
    let mut best = f64::INFINITY;
    while let Some(t) = solver.ask() {
        let x: Vec<f64> = t.params.iter().map(|(_, v)| v.as_f64().unwrap_or(0.0)).collect();
        let r = inst.regret(&x);
        best = best.min(r);
        solver.tell_value(t.id, r)?;
    }
    let verdict = solver.classification().map_or_else(String::new, |c| {
        let f = &c.features;
        format!(
            "{} {} score={:.3} q2={:?} fdc={:.3} rough={:?} disp={:.3}",
            c.label.as_str(),
            solver.strategy().map_or("-", |m| m.as_str()),
            c.score,
            f.quad_q2.map(|v| (v * 1000.0).round() / 1000.0),
            f.fdc,
            f.roughness.map(|v| (v * 1000.0).round() / 1000.0),
            f.top_dispersion
        )
    });
    Ok(Outcome { log_regret: best.max(FLOOR).log10(), verdict })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dims: Vec<usize> =
        args.first().map_or_else(|| Ok(vec![5, 10]), |a| a.split(',').map(str::parse).collect())?;
    // `N` for seeds 0..N, or `A..B` for a held-out range.
    let seeds: std::ops::Range<u64> = match args.get(1).map(|a| a.split_once("..")) {
        None => 0..15,
        Some(None) => 0..args[1].parse()?,
        Some(Some((a, b))) => a.parse()?..b.parse()?,
    };
    let trace = std::env::var_os("ARQON_STUDY_RUNS").is_some();
    let only: Option<Vec<String>> = args.get(2).map(|a| a.split(',').map(String::from).collect());
    let methods: Vec<(&str, StrategyChoice)> = [
        ("auto", StrategyChoice::Auto),
        ("nelder_mead", StrategyChoice::NelderMead),
        ("tpe", StrategyChoice::Tpe),
        ("cmaes", StrategyChoice::Cmaes),
        ("trust_region", StrategyChoice::TrustRegion),
        ("gp", StrategyChoice::Gp),
    ]
    .into_iter()
    .filter(|(name, _)| only.as_ref().is_none_or(|o| o.iter().any(|m| m == name)))
    .collect();
    let budgets: Vec<u64> =
        args.get(3).map_or_else(|| Ok(vec![100]), |a| a.split(',').map(str::parse).collect())?;
    for per_dim in budgets {
        println!(
            "median log10 regret, budget {per_dim}·D, seeds {}..{} (lower is better)\n",
            seeds.start, seeds.end
        );
        let names: Vec<&str> = methods.iter().map(|(n, _)| *n).collect();
        println!("| function | D | {} | auto picked |", names.join(" | "));
        println!("|---|---|{}---|", "---|".repeat(names.len()));
        for &d in &dims {
            for family in Family::ALL {
                let mut cells = Vec::new();
                let mut picked = std::collections::BTreeMap::<String, u32>::new();
                for &(name, strategy) in &methods {
                    let mut logs = Vec::new();
                    for seed in seeds.clone() {
                        let inst = Instance::new(family, d, seed);
                        let out = run(&inst, d, seed, strategy, per_dim)?;
                        if trace {
                            eprintln!(
                                "{} {d} {per_dim} {seed} {name} {:.3} {}",
                                family.name(),
                                out.log_regret,
                                out.verdict
                            );
                        }
                        if strategy == StrategyChoice::Auto {
                            let m = out.verdict.split(' ').nth(1).unwrap_or("-").to_string();
                            *picked.entry(m).or_default() += 1;
                        }
                        logs.push(out.log_regret);
                    }
                    cells.push(format!("{:+.2}", median(logs)));
                }
                let picked: Vec<String> = picked.iter().map(|(m, n)| format!("{m} {n}")).collect();
                println!(
                    "| {} | {d} | {} | {} |",
                    family.name(),
                    cells.join(" | "),
                    picked.join(", ")
                );
            }
        }
        println!();
    }
    Ok(())
}
