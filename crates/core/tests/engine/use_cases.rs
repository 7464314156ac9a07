//! The two use cases that define success.
//!
//! Sim Tuning: three PID gains on a second-order plant, smooth, expensive: the probe must call
//! it smooth, Nelder–Mead must refine, and the result must land near the known optimum.
//! Sklearn-like Tuning: a rugged, noisy objective over float, int and choice parameters: the
//! probe must call it rugged, TPE must refine, and it must beat random search on average.

use arqonhpo_core::{Landscape, Method, Param, Phase, SolverConfig, Space, StrategyChoice, Value};

use crate::common::{best_value, noise, num, run};

/// ITAE of the unit-step response plus a control-effort penalty, for the plant
/// `x'' + 0.6 x' + x = u` under PID control (derivative on measurement), Euler, 10 s.
fn pid_cost(kp: f64, ki: f64, kd: f64) -> f64 {
    let (dt, steps) = (0.01, 1000);
    let (mut x, mut v, mut integral, mut cost) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for k in 0..steps {
        let t = k as f64 * dt;
        let e = 1.0 - x;
        integral += e * dt;
        let u = kp * e + ki * integral - kd * v;
        v += (u - 0.6 * v - x) * dt;
        x += v * dt;
        cost += (t * e.abs() + 0.03 * u * u) * dt;
        if !cost.is_finite() || cost > 1e3 {
            return 1e3;
        }
    }
    cost
}

/// Found by a 101³ grid over the space followed by a coordinate pattern search to 1e-9.
const PID_OPTIMUM: f64 = 0.705_905_643_852_921_2;
const PID_ARGMIN: [f64; 3] = [7.244_037_599_605_114_5, 1.694_361_590_175_810_7, 3.908_730_272_428_378];

fn pid_space() -> Space {
    Space::new()
        .with("kp", Param::log_float(0.1, 10.0))
        .with("ki", Param::float(0.0, 5.0))
        .with("kd", Param::float(0.0, 5.0))
}

#[test]
fn pid_reference_optimum_is_what_the_simulation_gives() {
    let [kp, ki, kd] = PID_ARGMIN;
    assert!((pid_cost(kp, ki, kd) - PID_OPTIMUM).abs() < 1e-12);
    // And it is a local minimum: small moves only make it worse.
    for d in 0..3 {
        for s in [-1e-3, 1e-3] {
            let mut p = PID_ARGMIN;
            p[d] += s;
            assert!(pid_cost(p[0], p[1], p[2]) > PID_OPTIMUM);
        }
    }
}

#[test]
fn sim_tuning_is_classified_smooth_and_nelder_mead_lands_near_the_optimum() {
    let mut smooth_runs = 0;
    let mut gaps = Vec::new();
    for seed in 0..10 {
        let solver = run(SolverConfig::new(pid_space(), 80, seed), |_, p| {
            pid_cost(num(p, "kp"), num(p, "ki"), num(p, "kd"))
        });
        let c = solver.classification().unwrap_or_else(|| panic!("classified"));
        if c.label == Landscape::Smooth {
            smooth_runs += 1;
            assert_eq!(solver.phase(), Phase::Done);
            assert!(solver.trials().iter().any(|t| t.method == Method::NelderMead));
        }
        gaps.push(best_value(&solver) / PID_OPTIMUM - 1.0);
    }
    gaps.sort_by(f64::total_cmp);
    assert!(smooth_runs >= 8, "only {smooth_runs}/10 seeds classified smooth");
    // Median within 3% of the optimum and nine runs in ten within 10%. The cost has a second,
    // local minimum near (kp, ki, kd) = (7.8, 4.6, 2.8) with cost 1.14, walled off from the
    // global one, and a local method started in its basin stays there at this budget.
    assert!(gaps[5] < 0.03, "median gap {:.4}: {gaps:?}", gaps[5]);
    assert!(gaps[8] < 0.10, "second-worst gap {:.4}: {gaps:?}", gaps[8]);
}

/// A rugged, noisy objective: Rastrigin-like in two floats, a quadratic in an int, an offset
/// per choice, and noise.
fn rugged(id: u64, seed: u64, x: f64, y: f64, n: f64, kind: &Value) -> f64 {
    let ras = |z: f64| z * z - 10.0 * libm::cos(std::f64::consts::TAU * z) + 10.0;
    let offset = match kind {
        Value::Str(s) if s == "b" => 0.0,
        Value::Str(s) if s == "a" => 8.0,
        _ => 15.0,
    };
    ras(x - 0.7) + ras(y + 1.3) + 0.5 * (n - 6.0) * (n - 6.0) + offset + 1.5 * noise(seed * 100_003 + id)
}

fn rugged_space(with_choice: bool) -> Space {
    let space = Space::new()
        .with("x", Param::float(-5.12, 5.12))
        .with("y", Param::float(-5.12, 5.12))
        .with("n", Param::int(0, 12));
    if with_choice {
        space.with("kind", Param::choice(["a", "b", "c"]))
    } else {
        space
    }
}

fn rugged_run(seed: u64, strategy: StrategyChoice, with_choice: bool) -> arqonhpo_core::Solver {
    let mut config = SolverConfig::new(rugged_space(with_choice), 120, seed);
    config.strategy = strategy;
    let b = Value::from("b");
    run(config, |id, p| {
        rugged(id, seed, num(p, "x"), num(p, "y"), num(p, "n"), p.get("kind").unwrap_or(&b))
    })
}

#[test]
fn sklearn_like_tuning_is_rugged_and_tpe_beats_random_search() {
    let seeds = 0..12;
    let (mut tpe_total, mut random_total, mut tpe_wins) = (0.0, 0.0, 0);
    for seed in seeds.clone() {
        let auto = rugged_run(seed, StrategyChoice::Auto, true);
        let c = auto.classification().unwrap_or_else(|| panic!("classified"));
        assert_eq!(c.label, Landscape::Rugged, "{}", c.reason);
        assert_eq!(auto.phase(), Phase::Done);
        assert!(auto.trials().iter().any(|t| t.method == Method::Tpe));
        let random = rugged_run(seed, StrategyChoice::Random, true);
        tpe_total += best_value(&auto);
        random_total += best_value(&random);
        tpe_wins += u32::from(best_value(&auto) < best_value(&random));
    }
    let n = seeds.count() as f64;
    assert!(tpe_total / n < 0.8 * random_total / n, "TPE mean {} vs random mean {}", tpe_total / n, random_total / n);
    assert!(tpe_wins >= 8, "TPE won only {tpe_wins}/12 seeds");
}

#[test]
fn rugged_landscape_is_detected_from_features_alone() {
    // Without the categorical parameter the verdict must come from the probe's features.
    let mut rugged_runs = 0;
    for seed in 0..10 {
        let s = rugged_run(seed, StrategyChoice::Auto, false);
        let c = s.classification().unwrap_or_else(|| panic!("classified"));
        assert_eq!(c.features.categorical, 0);
        rugged_runs += u32::from(c.label == Landscape::Rugged);
    }
    assert!(rugged_runs >= 8, "only {rugged_runs}/10 seeds classified rugged");
}
