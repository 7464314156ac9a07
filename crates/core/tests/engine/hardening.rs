//! Regressions found by adversarial testing: each test failed before its fix.

use arqonhpo_core::{Error, Param, Solver, SolverConfig, Space, StrategyChoice};

use crate::common::num;

/// A float range wider than the largest double (`high - low` overflows) still spreads the
/// suggestions over the range, for every strategy, and values told back round-trip.
#[test]
fn float_ranges_wider_than_f64_max_do_not_collapse_to_the_bound() {
    for (low, high) in [(-1e308, 1e308), (-1.7e308, 1.7e308), (-f64::MAX, f64::MAX)] {
        for strategy in [
            StrategyChoice::Auto,
            StrategyChoice::NelderMead,
            StrategyChoice::Tpe,
            StrategyChoice::Random,
            StrategyChoice::Cmaes,
        ] {
            let space = Space::new().with("x", Param::float(low, high));
            let mut config = SolverConfig::new(space, 40, 3);
            config.strategy = strategy;
            let mut solver = Solver::new(config).unwrap();
            let mut xs = Vec::new();
            while let Some(t) = solver.ask() {
                let x = num(&t.params, "x");
                assert!(x.is_finite() && (low..=high).contains(&x), "{x} outside the range");
                xs.push(x);
                solver.tell_value(t.id, (x / high - 0.25).abs()).unwrap();
            }
            let positive = xs.iter().filter(|&&x| x > 0.0).count();
            assert!(
                positive > 0 && positive < xs.len(),
                "{strategy:?} on [{low}, {high}]: every suggestion on one side: {xs:?}"
            );
            let distinct =
                xs.iter().map(|x| x.to_bits()).collect::<std::collections::BTreeSet<_>>();
            assert!(distinct.len() > xs.len() / 2, "{strategy:?}: suggestions collapsed: {xs:?}");
            // The optimum is x = high / 4; a refinement that sees the encoded values finds it.
            let best = solver.best().and_then(|t| t.value).unwrap();
            assert!(best < 0.2, "{strategy:?} on [{low}, {high}]: best {best}");
        }
    }
}

/// A parameter name containing NUL cannot be passed through C strings unchanged: rejected.
#[test]
fn parameter_names_with_nul_are_rejected_by_validation() {
    let space = Space::new().with("a\0b", Param::float(0.0, 1.0));
    let err = SolverConfig::new(space, 10, 0).validate().unwrap_err();
    let Error::Config { issues } = &err else { panic!("a config error, got {err}") };
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].path.starts_with("space."), "{:?}", issues[0]);
    assert!(issues[0].message.contains("NUL"), "{:?}", issues[0]);
}
