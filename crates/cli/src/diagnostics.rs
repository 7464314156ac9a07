//! Error reports that point into the user's file.
//!
//! Core errors already say what is wrong and where (`space.lr.low: must be ...`). This module
//! adds the file: a JSON syntax error is labelled at the byte core reports, and each config
//! issue is labelled at the JSON value its path names, found by a small span-tracking scan of
//! the text (serde does not keep positions). An issue whose path cannot be found in the text
//! (a missing field, a legacy config) is still listed in the message, just without a label.

use std::path::Path;

use arqonhpo_core::{Error, SolverConfig};
use miette::{IntoDiagnostic, LabeledSpan, MietteDiagnostic, NamedSource, Report, Result, WrapErr};

/// Reads, parses and validates a config file; errors are labelled reports into its text.
pub fn load_config(path: &Path) -> Result<SolverConfig> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the config file {}", path.display()))?;
    parse_config(&path.display().to_string(), &text)
}

/// Checks that the trials of `config` reach `command` unambiguously (see
/// [`crate::objective::interface_problems`]); every problem is listed.
pub fn check_interface(name: &str, config: &SolverConfig, command: &[String]) -> Result<()> {
    let problems = crate::objective::interface_problems(&config.space, command);
    if problems.is_empty() {
        return Ok(());
    }
    let list = problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n");
    Err(miette::miette!(
        code = "arqonhpo::interface",
        help = "parameters reach the program as {name} placeholders and ARQON_<NAME> variables; \
                each must name exactly one parameter",
        "{name}: {} problem(s) with how trials reach the program:\n{list}",
        problems.len()
    ))
}

/// Parses and validates config text named `name` (for reports).
pub fn parse_config(name: &str, text: &str) -> Result<SolverConfig> {
    let config = SolverConfig::from_json(text).map_err(|e| file_report(e, name, text))?;
    config.validate().map_err(|e| file_report(e, name, text))?;
    Ok(config)
}

/// Turns a core error about `text` into a report with labels into the text.
pub fn file_report(error: Error, name: &str, text: &str) -> Report {
    let diagnostic = match &error {
        Error::Json { what, message, line, column, span, .. } => MietteDiagnostic::new(format!("{name}: {what} is not valid JSON for this format: {message} (line {line}, column {column})"))
            .with_code("arqonhpo::json")
            .with_help("fix the JSON at the marked position; `arqonhpo-cli schema config` prints the expected format")
            .with_label(LabeledSpan::at(span.0..span.0 + span.1, message.clone())),
        Error::Config { issues } => {
            let labels = issues.iter().filter_map(|issue| locate_path(text, &issue.path).map(|span| LabeledSpan::at(span, issue.to_string())));
            MietteDiagnostic::new(format!("{name}: {error}"))
                .with_code("arqonhpo::config")
                .with_help("fix the fields listed above; `arqonhpo-cli schema config` prints the full schema")
                .with_labels(labels)
        }
        _ => return Report::new(error),
    };
    Report::new(diagnostic)
        .with_source_code(NamedSource::new(name, text.to_string()).with_language("json"))
}

/// One step of an issue path: an object key or an array index.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Splits `space.lr.low` / `warm_start[2].params.x` / `space.k.choices[1]` into segments.
fn split_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.find('[').map_or((part, ""), |i| (&part[..i], &part[i..]));
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                out.push(Segment::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

/// Byte range of the JSON value at `path` in `text`, or of the deepest enclosing value found.
/// `None` when not even the first segment is present.
fn locate_path(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    let segments = split_path(path);
    (1..=segments.len())
        .rev()
        .find_map(|n| Scanner { text: text.as_bytes(), pos: 0 }.find(&segments[..n]))
}

/// A minimal JSON scanner that tracks byte positions (it trusts that the text parsed).
struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    /// The span of the value at `path` below the value starting here.
    fn find(&mut self, path: &[Segment]) -> Option<std::ops::Range<usize>> {
        self.ws();
        let start = self.pos;
        let Some((first, rest)) = path.split_first() else {
            self.skip_value()?;
            return Some(start..self.pos);
        };
        match (self.peek()?, first) {
            (b'{', Segment::Key(wanted)) => {
                self.pos += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        b'}' => return None,
                        b',' => self.pos += 1,
                        b'"' => {
                            let key_start = self.pos;
                            self.skip_string()?;
                            let key: String =
                                serde_json::from_slice(&self.text[key_start..self.pos]).ok()?;
                            self.ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.pos += 1;
                            if key == *wanted {
                                return self.find(rest);
                            }
                            self.ws();
                            self.skip_value()?;
                        }
                        _ => return None,
                    }
                }
            }
            (b'[', Segment::Index(wanted)) => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.ws();
                    match self.peek()? {
                        b']' => return None,
                        b',' => {
                            self.pos += 1;
                            index += 1;
                        }
                        _ if index == *wanted => return self.find(rest),
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => None,
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        while self.pos < self.text.len() {
            match self.text[self.pos] {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => self.pos += 1,
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        c if c == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while self.pos < self.text.len()
                    && !matches!(
                        self.text[self.pos],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "budget": 0,
  "space": {
    "lr": {"type": "float", "low": 1.0, "high": 0.5},
    "k": {"type": "choice", "choices": ["a", "b, \"c\"]", "a"]}
  },
  "warm_start": [{"params": {"lr": 0.7}, "value": 1}]
}"#;

    fn at(path: &str) -> Option<&'static str> {
        locate_path(TEXT, path).map(|r| &TEXT[r])
    }

    #[test]
    fn paths_point_at_their_values() {
        assert_eq!(at("budget"), Some("0"));
        assert_eq!(at("space.lr.low"), Some("1.0"));
        assert_eq!(at("space.k.choices[2]"), Some("\"a\""));
        assert_eq!(at("warm_start[0].params.lr"), Some("0.7"));
        assert_eq!(at("warm_start[0].value"), Some("1"));
    }

    #[test]
    fn missing_fields_fall_back_to_the_enclosing_value() {
        assert_eq!(at("warm_start[0].params.k"), Some("{\"lr\": 0.7}"));
        assert_eq!(at("space.lr"), Some("{\"type\": \"float\", \"low\": 1.0, \"high\": 0.5}"));
        assert_eq!(at("probe.fraction"), None);
    }

    #[test]
    fn issues_become_labels_in_the_report() {
        let report = parse_config("tune.json", TEXT).expect_err("the config is invalid");
        let labels: Vec<String> = report
            .labels()
            .into_iter()
            .flatten()
            .filter_map(|l| l.label().map(str::to_string))
            .collect();
        assert!(labels.iter().any(|l| l.starts_with("budget:")), "{labels:?}");
        assert!(labels.iter().any(|l| l.starts_with("space.lr:")), "{labels:?}");
        assert!(labels.iter().any(|l| l.starts_with("space.k.choices[2]:")), "{labels:?}");
    }

    #[test]
    fn a_syntax_error_is_labelled_where_the_parser_stopped() {
        let text = "{\"budget\": 5,, \"space\": {}}";
        let report = parse_config("bad.json", text).expect_err("the config is invalid");
        let span = report.labels().into_iter().flatten().next().map(|l| l.offset());
        assert_eq!(span, Some(13));
    }
}
