"""Bad input: each gets its exception, a message naming the field and the value, and leaves
the solver exactly as it was."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import arqonhpo as aq


def base_config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "seed": 0,
        "budget": 10,
        "space": {"x": {"type": "float", "low": 0.0, "high": 1.0}},
    }
    config.update(overrides)
    return config


FLOAT = {"type": "float", "low": 0.0, "high": 1.0}

# (case id, config, expected path, text that must appear in the message)
CONFIG_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("budget_zero", base_config(budget=0), "budget", "got 0"),
    ("space_empty", base_config(space={}), "space", "empty"),
    ("too_many_params", base_config(space={f"p{i}": FLOAT for i in range(257)}), "space", "257"),
    ("empty_name", base_config(space={"": FLOAT}), "space", "empty name"),
    (
        "float_infinite_bound",
        base_config(space={"x": {"type": "float", "low": 0.0, "high": float("inf")}}),
        "space.x.high",
        "inf",
    ),
    (
        "float_nan_bound",
        base_config(space={"x": {"type": "float", "low": float("nan"), "high": 1.0}}),
        "space.x.low",
        "nan",
    ),
    (
        "int_fractional_bound",
        base_config(space={"n": {"type": "int", "low": 0.5, "high": 4}}),
        "space.n.low",
        "0.5",
    ),
    (
        "int_huge_bound",
        base_config(space={"n": {"type": "int", "low": 0, "high": 2.0**60}}),
        "space.n.high",
        "2^53",
    ),
    (
        "low_not_below_high",
        base_config(space={"x": {"type": "float", "low": 2.0, "high": 1.0}}),
        "space.x",
        "low = 2",
    ),
    (
        "low_equals_high",
        base_config(space={"n": {"type": "int", "low": 3, "high": 3}}),
        "space.n",
        "high = 3",
    ),
    (
        "log_nonpositive_low",
        base_config(space={"x": {"type": "float", "low": 0.0, "high": 1.0, "log": True}}),
        "space.x.low",
        "low = 0",
    ),
    (
        "choice_empty",
        base_config(space={"c": {"type": "choice", "choices": []}}),
        "space.c.choices",
        "empty",
    ),
    (
        "choice_repeated",
        base_config(space={"c": {"type": "choice", "choices": ["a", "b", "a"]}}),
        "space.c.choices[2]",
        '"a"',
    ),
    (
        "choice_nan_option",
        base_config(space={"c": {"type": "choice", "choices": ["a", float("nan")]}}),
        "space.c.choices[1]",
        "nan",
    ),
    (
        "choice_int_float_repeat",
        base_config(space={"c": {"type": "choice", "choices": [1, 1.0]}}),
        "space.c.choices[1]",
        "1",
    ),
    ("probe_fraction_zero", base_config(probe={"fraction": 0.0}), "probe.fraction", "got 0"),
    ("probe_fraction_above_one", base_config(probe={"fraction": 1.5}), "probe.fraction", "1.5"),
    ("probe_min_points_zero", base_config(probe={"min_points": 0}), "probe.min_points", "got 0"),
    (
        "threshold_out_of_range",
        base_config(classifier={"threshold": 1.2}),
        "classifier.threshold",
        "1.2",
    ),
    (
        "warm_start_nan_value",
        base_config(warm_start=[{"params": {"x": 0.5}, "value": float("nan")}]),
        "warm_start[0].value",
        "nan",
    ),
    (
        "warm_start_unknown_param",
        base_config(warm_start=[{"params": {"x": 0.5, "y": 1.0}, "value": 1.0}]),
        "warm_start[0].params.y",
        "not a parameter",
    ),
    (
        "warm_start_missing_param",
        base_config(warm_start=[{"params": {}, "value": 1.0}]),
        "warm_start[0].params.x",
        "missing",
    ),
    (
        "warm_start_out_of_bounds",
        base_config(warm_start=[{"params": {"x": 3.0}, "value": 1.0}]),
        "warm_start[0].params.x",
        "got 3",
    ),
    ("unknown_field", base_config(budgett=3), "json", "budgett"),
    ("unknown_strategy", base_config(strategy="bayesopt"), "json", "bayesopt"),
    ("unknown_param_type", base_config(space={"x": {"type": "complex"}}), "json", "complex"),
]


@pytest.mark.parametrize(
    "config,path,needle", [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_config_errors_name_field_and_value(config: dict[str, Any], path: str, needle: str) -> None:
    with pytest.raises(aq.ConfigError) as info:
        aq.ArqonSolver.from_config(config)
    err = info.value
    assert isinstance(err, aq.ArqonError) and isinstance(err, ValueError)
    paths = [p for p, _ in err.issues]
    assert path in paths, f"{path} not in {paths}: {err}"
    assert needle.lower() in str(err).lower(), str(err)


LEGACY_CASES: list[tuple[str, str, str, str]] = [
    (
        "bad_scale",
        '{"budget": 5, "bounds": {"a": {"min": 0, "max": 1, "scale": "Cubic"}}}',
        "bounds.a.scale",
        "Cubic",
    ),
    (
        "min_above_max",
        '{"budget": 5, "bounds": {"a": {"min": 2, "max": 1}}}',
        "bounds.a",
        "min = 2",
    ),
    ("zero_budget", '{"budget": 0, "bounds": {"a": {"min": 0, "max": 1}}}', "budget", "got 0"),
    (
        "unknown_field",
        '{"budget": 5, "bounds": {"a": {"min": 0, "max": 1}}, "probe_rate": 0.2}',
        "json",
        "probe_rate",
    ),
    ("malformed", '{"budget": 5, "bounds": {"a": {"min": 0, "max": }}}', "json", "line 1"),
]


@pytest.mark.parametrize(
    "text,path,needle", [c[1:] for c in LEGACY_CASES], ids=[c[0] for c in LEGACY_CASES]
)
def test_legacy_03_config_errors_are_config_errors(text: str, path: str, needle: str) -> None:
    with pytest.raises(aq.ConfigError) as info:
        aq.ArqonSolver.from_config(text)
    assert path in [p for p, _ in info.value.issues], str(info.value)
    assert needle.lower() in str(info.value).lower(), str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    config = base_config(budget=0, probe={"fraction": 2.0}, classifier={"threshold": -1.0})
    with pytest.raises(aq.ConfigError) as info:
        aq.ArqonSolver.from_config(config)
    assert {p for p, _ in info.value.issues} == {"budget", "probe.fraction", "classifier.threshold"}
    assert "3 problems" in str(info.value)


def test_duplicate_parameter_names_in_json_text() -> None:
    text = '{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}, "x": {"type": "float", "low": 0, "high": 2}}}'
    with pytest.raises(aq.ConfigError, match=r"space\.x"):
        aq.ArqonSolver.from_config(text)


def test_malformed_json_reports_line_and_column() -> None:
    with pytest.raises(aq.ConfigError, match=r"line 2, column"):
        aq.ArqonSolver.from_config('{"budget": 5,\n "space": }')


def test_missing_config_file() -> None:
    with pytest.raises(FileNotFoundError):
        aq.ArqonSolver.from_config("/nonexistent/arqon.json")


@pytest.mark.parametrize(
    "make",
    [
        lambda: aq.Float("0", 1),
        lambda: aq.Float(0, None),
        lambda: aq.Float(True, 2),
        lambda: aq.Float(0, 1, log="yes"),
        lambda: aq.Int(0.5, 3),
        lambda: aq.Int(0, "9"),
        lambda: aq.Int(False, 3),
        lambda: aq.Choice("abc"),
        lambda: aq.Choice([object()]),
        lambda: aq.ArqonSolver([aq.Float(0, 1)], budget=3),
        lambda: aq.ArqonSolver({"x": (0, 1)}, budget=3),
        lambda: aq.ArqonSolver({1: aq.Float(0, 1)}, budget=3),
        lambda: aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3.5),
        lambda: aq.ArqonSolver({"x": aq.Float(0, 1)}, budget="3"),
        lambda: aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3, seed="s"),
        lambda: aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3, strategy=None),
        lambda: aq.ArqonSolver.from_config(42),
    ],
)
def test_wrong_python_types_raise_type_error(make: Any) -> None:
    with pytest.raises(TypeError):
        make()


def test_type_error_names_the_field() -> None:
    with pytest.raises(TypeError, match=r"Float\.low must be a real number, got str"):
        aq.Float("0", 1)
    with pytest.raises(TypeError, match=r"space\['x'\] must be arqonhpo.Float"):
        aq.ArqonSolver({"x": (0, 1)}, budget=3)


@pytest.fixture
def solver() -> aq.ArqonSolver:
    s = aq.ArqonSolver({"x": aq.Float(0, 1), "n": aq.Int(1, 4)}, budget=10, seed=3)
    a = s.ask()
    assert a is not None
    s.tell(a, 1.0)
    s.ask()
    return s


@pytest.mark.parametrize(
    "call,exc,needle",
    [
        (lambda s: s.tell(99, 1.0), aq.TrialError, "unknown trial id 99"),
        (lambda s: s.tell(-1, 1.0), aq.TrialError, "unknown trial id -1"),
        (lambda s: s.tell(2**70, 1.0), aq.TrialError, "unknown trial id"),
        (lambda s: s.tell(0, 2.0), aq.TrialError, "already told"),
        (lambda s: s.tell(0, failed=True), aq.TrialError, "already told"),
        (lambda s: s.tell(1), TypeError, "needs the objective value"),
        (lambda s: s.tell(1, "0.5"), TypeError, "value must be a real number, got str"),
        (lambda s: s.tell(1, True), TypeError, "value must be a real number, got bool"),
        (lambda s: s.tell(1, [1.0]), TypeError, "value must be a real number, got list"),
        (lambda s: s.tell(1, np.bool_(True)), TypeError, "value must be a real number"),
        (lambda s: s.tell(np.bool_(True), 1.0), TypeError, "trial must be a Trial or an integer"),
        (lambda s: s.tell(1, 1.0, failed=True), ValueError, "not both"),
        (lambda s: s.tell(1, 1.0, reason="x"), ValueError, "only for failed"),
        (lambda s: s.tell(1, failed=True, reason=3), TypeError, "reason must be a string"),
        (lambda s: s.tell("1", 1.0), TypeError, "trial must be a Trial or an integer"),
        (lambda s: s.tell(1.0, 1.0), TypeError, "trial must be a Trial or an integer"),
        (lambda s: s.tell(True, 1.0), TypeError, "trial must be a Trial or an integer"),
        (lambda s: s.tell(None, 1.0), TypeError, "trial must be a Trial or an integer"),
        (lambda s: s.ask_batch(-1), ValueError, "non-negative"),
        (lambda s: s.ask_batch(2.0), TypeError, "n must be a non-negative integer"),
        (lambda s: s.ask_batch("2"), TypeError, "n must be a non-negative integer"),
    ],
)
def test_bad_calls_raise_and_leave_the_solver_unchanged(
    solver: aq.ArqonSolver, call: Any, exc: type, needle: str
) -> None:
    before = solver.snapshot()
    with pytest.raises(exc) as info:
        call(solver)
    assert needle in str(info.value)
    assert solver.snapshot() == before


def test_trial_error_is_a_key_error_with_the_id(solver: aq.ArqonSolver) -> None:
    with pytest.raises(KeyError) as info:
        solver.tell(7, 1.0)
    assert isinstance(info.value, aq.TrialError) and info.value.trial_id == 7
    assert str(info.value).startswith("unknown trial id 7"), (
        "readable, not quoted like a plain KeyError"
    )


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"state_version": 99}',
        "{}",
    ],
)
def test_bad_snapshots_raise_resume_error(text: str) -> None:
    with pytest.raises(aq.ResumeError):
        aq.ArqonSolver.restore(text)


def test_damaged_artifact_raises_resume_error(solver: aq.ArqonSolver, tmp_path: Any) -> None:
    artifact = solver.artifact()
    artifact["trials"][0]["params"]["x"] = 0.123456  # no longer what the engine would suggest
    with pytest.raises(aq.ResumeError, match="does not replay identically"):
        aq.ArqonSolver.from_artifact(artifact)
    artifact = solver.artifact()
    artifact["schema_version"] = 999
    path = tmp_path / "a.json"
    path.write_text(json.dumps(artifact))
    with pytest.raises(aq.ResumeError, match="schema version 999"):
        aq.ArqonSolver.load(path)
    path.write_text("{")
    with pytest.raises(aq.ResumeError):
        aq.ArqonSolver.load(path)


def test_a_rust_panic_becomes_an_arqon_error() -> None:
    from arqonhpo import _core

    with pytest.raises(aq.ArqonError, match="internal error") as info:
        _core._panic_for_tests()
    assert type(info.value) is aq.ArqonError


def test_config_numbers_follow_the_same_rules_as_tell() -> None:
    # One coercion for config numbers and tell(): numpy scalars pass, bools never do.
    with pytest.raises(TypeError, match=r"^Float.low must be a real number, got bool "):
        aq.Float(np.bool_(True), 1.0)
    with pytest.raises(TypeError, match=r"^Int.high must be an integer, got float \(2.0\)$"):
        aq.Int(0, 2.0)
    assert aq.Int(np.int8(1), 3).low == 1
    assert type(aq.Float(np.float32(0.5), 1.0).low) is float


def test_a_non_finite_config_value_is_reported_in_the_engines_words() -> None:
    config = base_config(warm_start=[{"params": {"x": 0.5}, "value": float("inf")}])
    with pytest.raises(aq.ConfigError) as info:
        aq.ArqonSolver.from_config(config)
    # The same message layout as every config error the engine finds (`invalid configuration
    # (N problems):` then one `  - path: message` line each).
    assert str(info.value) == (
        "invalid configuration (1 problem):\n  - warm_start[0].value: must be a finite number, got inf"
    )
    assert info.value.issues == [("warm_start[0].value", "must be a finite number, got inf")]
