//! `report`: a summary of a finished or running run: classification, best trial, a table of
//! the best trials, and optionally a convergence plot as SVG.
//!
//! The input may be an artifact (`run --artifact`), a journal (`run --journal`) or a state
//! file (`ask`/`tell`); the last two are turned into an artifact by the core (replay or
//! restore), so every report reads the same structure.

use std::fmt::Write as _;
use std::path::Path;

use arqonhpo_core::{Decision, RunArtifact, Solver, TrialRecord, TrialStatus};
use miette::{IntoDiagnostic, Result, WrapErr};

use crate::cli::ReportArgs;
use crate::diagnostics::file_report;
use crate::objective::value_text;

/// Reads any of the three inputs as an artifact.
pub fn load(path: &Path) -> Result<RunArtifact> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let is_journal = serde_json::from_str::<serde_json::Value>(first_line)
        .is_ok_and(|v| v.get("event").is_some());
    if is_journal {
        return Ok(crate::journal_file::read(path, &text)?.artifact());
    }
    let kind = serde_json::from_str::<TopLevelKeys>(&text).unwrap_or_default();
    if kind.space.is_some() || kind.bounds.is_some() {
        return Err(miette::miette!(
            help = "pass the --artifact, --journal or --state file of a run; check a config with `arqonhpo-cli validate`",
            "{name} is a config; report reads artifacts, journals and state files"
        ));
    }
    if kind.state_version.is_some() {
        Ok(Solver::restore(&text).map_err(|e| file_report(e, &name, &text))?.artifact())
    } else {
        RunArtifact::from_json(&text).map_err(|e| file_report(e, &name, &text))
    }
}

/// The top-level keys that tell the inputs apart, read without building the document (a
/// 100 000-trial artifact is tens of megabytes). A config has a `space` (or a 0.3 config's
/// `bounds`) at the top level; an artifact or state file nests its config.
#[derive(Default, serde::Deserialize)]
struct TopLevelKeys {
    space: Option<serde::de::IgnoredAny>,
    bounds: Option<serde::de::IgnoredAny>,
    state_version: Option<serde::de::IgnoredAny>,
}

/// `report`: prints the summary and writes the plot if asked.
pub fn report(args: &ReportArgs, out: &mut impl std::io::Write) -> Result<()> {
    if let Some(path) = &args.plot {
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            return Err(miette::miette!(
                help = "name the plot file with a .svg extension (convert it to PNG with any SVG tool if needed)",
                "the plot is drawn as SVG, but {} does not end in .svg",
                path.display()
            ));
        }
    }
    let artifact = load(&args.input)?;
    let text = summary(&artifact, args.top);
    out.write_all(text.as_bytes()).into_diagnostic()?;
    if let Some(path) = &args.plot {
        std::fs::write(path, convergence_svg(&artifact))
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write the plot {}", path.display()))?;
        writeln!(out, "\nconvergence plot written to {}", path.display()).into_diagnostic()?;
    }
    Ok(())
}

fn params_text(t: &TrialRecord) -> String {
    t.params.iter().map(|(k, v)| format!("{k}={}", value_text(v))).collect::<Vec<_>>().join(" ")
}

/// The text summary.
pub fn summary(a: &RunArtifact, top: usize) -> String {
    let count = |s: TrialStatus| a.trials.iter().filter(|t| t.status == s).count();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "run: {} parameter(s), budget {}, seed {}, engine {}",
        a.config.space.len(),
        a.config.budget,
        a.config.seed,
        a.engine_version
    );
    let _ = writeln!(
        s,
        "trials: {} handed out, {} completed, {} failed, {} pending",
        a.trials.len(),
        count(TrialStatus::Completed),
        count(TrialStatus::Failed),
        count(TrialStatus::Pending)
    );
    let _ = writeln!(s, "phase: {}", a.phase);
    match &a.classification {
        // Every probe result was a failure, so there was no landscape to judge.
        Some(_) if count(TrialStatus::Completed) == 0 => {
            let _ = writeln!(s, "classification: none (no trial completed)");
        }
        // The score decided the label: the reason states the comparison.
        Some(c) if c.decided_by == Decision::Score => {
            let _ = writeln!(s, "classification: {}: {}", c.label.as_str(), c.reason);
        }
        // A rule decided before the score was compared (too few points, categorical
        // parameters, a coarse integer lattice, noise): the reason names it.
        Some(c) => {
            let _ = writeln!(s, "classification: {} by rule: {}", c.label.as_str(), c.reason);
        }
        None => {
            let _ = writeln!(s, "classification: not yet (the probe is not complete)");
        }
    }
    match &a.best {
        Some(b) => {
            let _ = writeln!(
                s,
                "best: trial {} value {} ({})",
                b.id,
                b.value.unwrap_or(f64::NAN),
                params_text(b)
            );
        }
        None => {
            let _ = writeln!(s, "best: none (no trial completed)");
        }
    }
    let mut done: Vec<&TrialRecord> =
        a.trials.iter().filter(|t| t.status == TrialStatus::Completed).collect();
    done.sort_by(|x, y| {
        x.value
            .unwrap_or(f64::INFINITY)
            .total_cmp(&y.value.unwrap_or(f64::INFINITY))
            .then(x.id.cmp(&y.id))
    });
    if !done.is_empty() && top > 0 {
        let rows: Vec<[String; 5]> = done
            .iter()
            .take(top)
            .enumerate()
            .map(|(rank, t)| {
                let stage = format!("{}/{}", t.stage.as_str(), t.method.as_str());
                [
                    (rank + 1).to_string(),
                    t.id.to_string(),
                    format!("{}", t.value.unwrap_or(f64::NAN)),
                    stage,
                    params_text(t),
                ]
            })
            .collect();
        let header = ["rank", "trial", "value", "stage/method", "params"];
        let widths: Vec<usize> = (0..5)
            .map(|c| rows.iter().map(|r| r[c].len()).chain([header[c].len()]).max().unwrap_or(0))
            .collect();
        let _ = writeln!(s, "\nbest {} of {} completed trial(s):", rows.len(), done.len());
        for row in std::iter::once(header.map(String::from)).chain(rows) {
            let line: Vec<String> =
                row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            let _ = writeln!(s, "  {}", line.join("  ").trim_end());
        }
    }
    let failed: Vec<&TrialRecord> =
        a.trials.iter().filter(|t| t.status == TrialStatus::Failed).collect();
    if let Some(first) = failed.first() {
        let _ = writeln!(
            s,
            "\nfailures: {} (first: trial {}: {})",
            failed.len(),
            first.id,
            first.reason.as_deref().unwrap_or("no reason recorded")
        );
    }
    s
}

/// Best value so far after each tell, in tell order: `(told index, value of the trial told,
/// best so far)`; failed trials have no value.
pub fn convergence(a: &RunArtifact) -> Vec<(u64, Option<f64>, Option<f64>)> {
    let mut told: Vec<&TrialRecord> = a.trials.iter().filter(|t| t.told_index.is_some()).collect();
    told.sort_by_key(|t| t.told_index);
    let mut best: Option<f64> = None;
    told.iter()
        .enumerate()
        .map(|(i, t)| {
            let v = if t.status == TrialStatus::Completed { t.value } else { None };
            if let Some(v) = v {
                best = Some(best.map_or(v, |b| b.min(v)));
            }
            (i as u64 + 1, v, best)
        })
        .collect()
}

/// The convergence plot: each trial's value (dots) and the best so far (a step line) against
/// the number of trials told. Values are plotted on a log scale when all are positive and
/// span more than two decades.
pub fn convergence_svg(a: &RunArtifact) -> String {
    let points = convergence(a);
    let (w, h, left, right, top, bottom) = (720.0, 420.0, 80.0, 20.0, 40.0, 50.0);
    let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let log = lo > 0.0 && hi / lo > 100.0;
    let tf = |v: f64| if log { v.log10() } else { v };
    let (ylo, yhi) = if values.is_empty() {
        (0.0, 1.0)
    } else if tf(hi) - tf(lo) < 1e-12 {
        (tf(lo) - 0.5, tf(hi) + 0.5)
    } else {
        (tf(lo), tf(hi))
    };
    let n = points.len().max(1) as f64;
    let x = |i: f64| left + (w - left - right) * if n > 1.0 { (i - 1.0) / (n - 1.0) } else { 0.5 };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (tf(v) - ylo) / (yhi - ylo));
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">Convergence ({} trials told{})</text>"#,
        w / 2.0,
        points.len(),
        if log { ", log scale" } else { "" }
    );
    let _ = writeln!(
        svg,
        r##"<path d="M{left} {top} V{} H{}" fill="none" stroke="#333333"/>"##,
        h - bottom,
        w - right
    );
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let v = ylo + (yhi - ylo) * f;
        let shown = if log { 10f64.powf(v) } else { v };
        let py = top + (h - top - bottom) * (1.0 - f);
        let _ = writeln!(
            svg,
            r##"<path d="M{left} {py:.1} H{}" stroke="#dddddd"/><text x="{}" y="{:.1}" text-anchor="end">{shown:.3e}</text>"##,
            w - right,
            left - 6.0,
            py + 4.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">trials told</text>"#,
        (left + w - right) / 2.0,
        h - 12.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="{left}" y="{}" text-anchor="middle">1</text><text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        h - bottom + 16.0,
        w - right,
        h - bottom + 16.0,
        points.len()
    );
    for (i, v, _) in &points {
        if let Some(v) = v {
            let _ = writeln!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="#8fb3d9"/>"##,
                x(*i as f64),
                y(*v)
            );
        }
    }
    let mut path = String::new();
    let mut last: Option<(f64, f64)> = None;
    for (i, _, best) in &points {
        if let Some(b) = best {
            let (px, py) = (x(*i as f64), y(*b));
            match last {
                None => {
                    let _ = write!(path, "M{px:.1} {py:.1}");
                }
                Some((_, ly)) => {
                    let _ = write!(path, " H{px:.1}");
                    if (ly - py).abs() > 1e-9 {
                        let _ = write!(path, " V{py:.1}");
                    }
                }
            }
            last = Some((px, py));
        }
    }
    if !path.is_empty() {
        let _ =
            writeln!(svg, r##"<path d="{path}" fill="none" stroke="#c0392b" stroke-width="2"/>"##);
    }
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="end" fill="#c0392b">best so far</text>"##,
        w - right - 4.0,
        top + 14.0
    );
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use arqonhpo_core::{Param, SolverConfig, Space};

    fn artifact() -> RunArtifact {
        let space = Space::new().with("x", Param::float(-3.0, 3.0));
        let mut s = Solver::new(SolverConfig::new(space, 12, 3)).unwrap();
        while let Some(t) = s.ask() {
            let x = t.params.get("x").and_then(|v| v.as_f64()).unwrap_or_default();
            if t.id == 2 {
                s.tell_failed(t.id, "exit status 1").unwrap();
            } else {
                s.tell_value(t.id, x * x).unwrap();
            }
        }
        s.artifact()
    }

    #[test]
    fn convergence_is_the_running_minimum_in_tell_order() {
        let a = artifact();
        let c = convergence(&a);
        assert_eq!(c.len(), 12);
        assert_eq!(c[2].1, None, "the failed trial has no value");
        for w in c.windows(2) {
            assert!(w[1].2 <= w[0].2 || w[0].2.is_none());
        }
        assert_eq!(c.last().and_then(|p| p.2), a.best.as_ref().and_then(|b| b.value));
    }

    #[test]
    fn the_summary_lists_the_best_trials_in_order() {
        let a = artifact();
        let text = summary(&a, 3);
        assert!(text.contains("12 handed out, 11 completed, 1 failed, 0 pending"), "{text}");
        let best = a.best.as_ref().map(|b| b.id).unwrap_or_default();
        assert!(text.contains(&format!("best: trial {best} ")), "{text}");
        let rank1 = text.lines().find(|l| l.trim_start().starts_with("1 ")).unwrap_or_default();
        assert!(rank1.split_whitespace().nth(1) == Some(&best.to_string()), "{text}");
        assert!(text.contains("failures: 1 (first: trial 2: exit status 1)"), "{text}");
    }

    #[test]
    fn the_plot_is_an_svg_with_one_dot_per_completed_trial() {
        let svg = convergence_svg(&artifact());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 11);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
