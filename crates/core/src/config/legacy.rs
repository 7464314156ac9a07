//! Reading configs written for the arqonhpo 0.3 releases.
//!
//! Those configs looked like `{"seed": 42, "budget": 100, "probe_ratio": 0.2, "bounds":
//! {"x": {"min": -10, "max": 10, "scale": "Linear"}, "lr": {"min": 1e-4, "max": 1, "scale":
//! "Log"}}}`: every parameter a float. [`SolverConfig::from_json`] recognises the layout (a
//! `bounds` object and no `space`) and converts it here, so that users can bring their configs
//! over unchanged. The result is validated like any other config.

use alloc::format;
use alloc::string::String;

use serde::Deserialize;

use super::{Named, Param, ProbeConfig, SolverConfig, Space};
use crate::error::{ConfigIssue, Error, JsonSource};

/// The 0.3 layout, field for field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyConfig {
    #[serde(default)]
    seed: u64,
    budget: u64,
    bounds: Named<LegacyBound>,
    #[serde(default)]
    probe_ratio: Option<f64>,
    /// Accepted only when absent or null: 0.3's per-strategy knobs have no meaning here.
    #[serde(default)]
    strategy_params: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyBound {
    min: f64,
    max: f64,
    #[serde(default)]
    scale: Option<String>,
}

/// Whether parsed JSON has the 0.3 layout.
pub(crate) fn is_legacy(value: &serde_json::Value) -> bool {
    value.as_object().is_some_and(|o| o.contains_key("bounds") && !o.contains_key("space"))
}

/// Converts 0.3 config text (already known to have the legacy layout) to a [`SolverConfig`].
pub(crate) fn convert(text: &str) -> Result<SolverConfig, Error> {
    let legacy: LegacyConfig =
        serde_json::from_str(text).map_err(|e| Error::json(JsonSource::LegacyConfig, e, text))?;
    let mut issues = alloc::vec::Vec::new();
    if legacy.strategy_params.as_ref().is_some_and(|v| !v.is_null()) {
        issues.push(ConfigIssue {
            path: "strategy_params".into(),
            message: "is a 0.3 setting with no equivalent; remove it (use `strategy` in the current layout)".into(),
        });
    }
    let mut space = Space::new();
    for (name, bound) in legacy.bounds.iter() {
        let log = match bound.scale.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("linear") => false,
            Some("log") => true,
            Some(_) => {
                let got = bound.scale.as_deref().unwrap_or_default();
                issues.push(ConfigIssue {
                    path: format!("bounds.{name}.scale"),
                    message: format!("must be \"Linear\" or \"Log\", got {got:?}"),
                });
                false
            }
        };
        space.push(name, Param::Float { low: bound.min, high: bound.max, log });
    }
    if let Some(name) = legacy.bounds.duplicate_name() {
        issues.push(ConfigIssue {
            path: format!("bounds.{name}"),
            message: "is defined more than once".into(),
        });
    }
    if !issues.is_empty() {
        return Err(Error::Config { issues });
    }
    let mut config = SolverConfig::new(space, legacy.budget, legacy.seed);
    if let Some(fraction) = legacy.probe_ratio {
        config.probe = ProbeConfig { fraction, ..ProbeConfig::default() };
    }
    // Validated here so that problems are reported in the user's own (0.3) field names.
    config.validate().map_err(|e| match e {
        Error::Config { issues } => {
            Error::Config { issues: issues.into_iter().map(legacy_path).collect() }
        }
        other => other,
    })?;
    Ok(config)
}

/// Renames a validation issue to the 0.3 layout: `space.x.low` is `bounds.x.min`, and the
/// message speaks of `min` and `max`.
fn legacy_path(issue: ConfigIssue) -> ConfigIssue {
    let message = if issue.path.starts_with("space") {
        issue.message.replace("low", "min").replace("high", "max")
    } else {
        issue.message.clone()
    };
    let path = match issue.path.as_str() {
        "probe.fraction" => "probe_ratio".into(),
        p => match p.strip_prefix("space") {
            Some(rest) => {
                let rest = rest
                    .strip_suffix(".low")
                    .map(|r| format!("{r}.min"))
                    .unwrap_or_else(|| rest.into());
                let rest = rest.strip_suffix(".high").map(|r| format!("{r}.max")).unwrap_or(rest);
                format!("bounds{rest}")
            }
            None => p.into(),
        },
    };
    ConfigIssue { path, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_03_config_converts_to_floats_with_the_same_scales() {
        let text = r#"{"seed": 42, "budget": 100, "probe_ratio": 0.25,
            "bounds": {"x": {"min": -10.0, "max": 10.0}, "lr": {"min": 0.001, "max": 1.0, "scale": "Log"}}}"#;
        let config = SolverConfig::from_json(text).unwrap();
        assert_eq!((config.seed, config.budget, config.probe.fraction), (42, 100, 0.25));
        let params: alloc::vec::Vec<_> = config.space.iter().collect();
        assert_eq!(params[0], ("x", &Param::float(-10.0, 10.0)));
        assert_eq!(params[1], ("lr", &Param::log_float(0.001, 1.0)));
    }

    #[test]
    fn unknown_scales_and_strategy_params_are_named() {
        let text = r#"{"budget": 10, "strategy_params": {"nm": 1},
            "bounds": {"a": {"min": 0, "max": 1, "scale": "Periodic"}}}"#;
        let err = SolverConfig::from_json(text).err().unwrap_or_else(|| panic!("must fail"));
        let paths: alloc::vec::Vec<&str> =
            err.config_issues().iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["strategy_params", "bounds.a.scale"]);
        assert!(err.to_string().contains("\"Periodic\""), "{err}");
    }

    #[test]
    fn validation_problems_use_the_03_field_names() {
        let text = r#"{"budget": 0, "probe_ratio": 2.0, "bounds": {"lr": {"min": 0, "max": 1, "scale": "Log"}, "x": {"min": 3, "max": 1}}}"#;
        let err = SolverConfig::from_json(text).err().unwrap_or_else(|| panic!("must fail"));
        let paths: alloc::vec::Vec<&str> =
            err.config_issues().iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["budget", "bounds.lr.min", "bounds.x", "probe_ratio"], "{err}");
        assert!(
            err.to_string().contains("bounds.x: needs min < max, got min = 3, max = 1"),
            "{err}"
        );
    }
}
