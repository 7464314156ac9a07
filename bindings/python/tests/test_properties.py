"""Property tests of the space types: every suggestion is inside its bounds, integers are
integral, choices are valid, and the budget is never exceeded, for any space and strategy."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arqonhpo as aq


@st.composite
def float_params(draw: Any) -> aq.Float:
    log = draw(st.booleans())
    if log:
        low = draw(st.floats(1e-6, 1e3))
        high = low * draw(st.floats(1.001, 1e6))
    else:
        low = draw(st.floats(-1e6, 1e6))
        high = low + draw(st.floats(1e-3, 1e6))
    return aq.Float(low, high, log=log)


@st.composite
def int_params(draw: Any) -> aq.Int:
    log = draw(st.booleans())
    low = draw(st.integers(1, 1000) if log else st.integers(-(10**6), 10**6))
    high = low + draw(st.integers(1, 10**6))
    return aq.Int(low, high, log=log)


options = st.one_of(
    st.text(max_size=5), st.integers(-100, 100), st.booleans(), st.floats(-10, 10, allow_nan=False)
)


@st.composite
def choice_params(draw: Any) -> aq.Choice:
    raw = draw(st.lists(options, min_size=1, max_size=5))
    distinct: list = []
    for v in raw:
        if not any(type(v) is type(d) and v == d for d in distinct) and not any(
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            and isinstance(d, (int, float))
            and not isinstance(d, bool)
            and v == d
            for d in distinct
        ):
            distinct.append(v)
    return aq.Choice(distinct)


spaces = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=4),
    st.one_of(float_params(), int_params(), choice_params()),
    min_size=1,
    max_size=5,
)


def check(space: dict[str, Any], params: dict[str, Any]) -> None:
    assert list(params) == list(space)
    for name, p in space.items():
        v = params[name]
        if isinstance(p, aq.Float):
            assert isinstance(v, float) and math.isfinite(v)
            assert p.low <= v <= p.high, (name, p, v)
        elif isinstance(p, aq.Int):
            assert isinstance(v, int) and not isinstance(v, bool)
            assert p.low <= v <= p.high, (name, p, v)
        else:
            assert any(type(v) is type(c) and v == c for c in p.choices), (name, p, v)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    space=spaces,
    budget=st.integers(1, 40),
    seed=st.integers(0, 2**64 - 1),
    strategy=st.sampled_from(
        ["auto", "nelder_mead", "tpe", "random", "cmaes", "trust_region", "gp"]
    ),
    batch=st.integers(1, 4),
)
def test_suggestions_are_valid(
    space: dict[str, Any], budget: int, seed: int, strategy: str, batch: int
) -> None:
    solver = aq.ArqonSolver(space, budget=budget, seed=seed, strategy=strategy)
    asked = 0
    while trials := solver.ask_batch(batch):
        for t in trials:
            check(space, t.params)
            asked += 1
            solver.tell(t, float(sum(len(repr(v)) for v in t.params.values())))
    assert asked == budget
    assert solver.is_done


@settings(max_examples=25, deadline=None)
@given(space=spaces, seed=st.integers(0, 2**32))
def test_same_seed_same_suggestions(space: dict[str, Any], seed: int) -> None:
    def stream() -> tuple[Any, ...]:
        s = aq.ArqonSolver(space, budget=15, seed=seed)
        out = []
        while (t := s.ask()) is not None:
            out.append(tuple(t.params.items()))
            s.tell(t, float(len(out) % 5))
        return tuple(out)

    assert stream() == stream()
