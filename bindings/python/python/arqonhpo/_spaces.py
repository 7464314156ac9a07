"""Search spaces written for other libraries, translated to ArqonHPO parameters.

The integrations share it: a value is an ``arqonhpo.Float``/``Int``/``Choice`` (kept), a list
of options (a ``Choice`` over their indices, so any Python object can be an option), or a
scipy.stats ``uniform``/``loguniform``/``randint`` distribution. What does not map is a
TypeError naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._solver import Choice, Float, Int, ParamValue

__all__ = ["Translated", "translate_space"]


class Translated:
    """A space in ArqonHPO terms plus the way back to the user's values."""

    def __init__(self, space: dict[str, Float | Int | Choice], options: dict[str, list[Any]]):
        self.space = space
        self.options = options
        """For list-valued parameters: the original options, indexed by the Choice value."""

    def decode(self, params: Mapping[str, ParamValue]) -> dict[str, Any]:
        """A trial's params with list options mapped back to the user's objects."""
        out: dict[str, Any] = {}
        for name, value in params.items():
            opts = self.options.get(name)
            out[name] = opts[int(value)] if opts is not None else value
        return out

    def encode(self, values: Mapping[str, Any]) -> dict[str, ParamValue]:
        """The user's values as trial params (for warm starts); ValueError if an option is
        not one of the list's."""
        out: dict[str, ParamValue] = {}
        for name, value in values.items():
            opts = self.options.get(name)
            if opts is None:
                out[name] = value
                continue
            for i, option in enumerate(opts):
                if option is value or _same(option, value):
                    out[name] = i
                    break
            else:
                raise ValueError(f"{name}={value!r} is not one of the options {opts!r}")
        return out


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return False


def _from_scipy(name: str, dist: Any) -> Float | Int:
    """A frozen scipy.stats distribution, when it is one that maps: its support becomes the
    bounds (uniform, loguniform on a log scale, randint whose upper end scipy excludes)."""
    kind = getattr(getattr(dist, "dist", None), "name", None)
    low, high = dist.support()
    if kind == "uniform":
        return Float(float(low), float(high))
    if kind in ("loguniform", "reciprocal"):
        return Float(float(low), float(high), log=True)
    if kind == "randint":
        return Int(int(low), int(high))
    raise TypeError(
        f"parameter {name!r}: scipy.stats.{kind} does not map to ArqonHPO; use uniform, "
        "loguniform or randint, a list of options, or arqonhpo.Float/Int/Choice"
    )


def translate_space(spec: Mapping[str, Any]) -> Translated:
    """Translates a ``{name: spec}`` mapping (see the module docstring)."""
    if not isinstance(spec, Mapping) or not spec:
        raise TypeError(f"the space must be a non-empty dict of name -> spec, got {spec!r}")
    space: dict[str, Float | Int | Choice] = {}
    options: dict[str, list[Any]] = {}
    for name, value in spec.items():
        if isinstance(value, (Float, Int, Choice)):
            space[name] = value
        elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            if not value:
                raise ValueError(f"parameter {name!r} has an empty list of options")
            options[name] = list(value)
            space[name] = Choice(list(range(len(value))))
        elif hasattr(value, "rvs") and hasattr(value, "dist"):
            space[name] = _from_scipy(name, value)
        else:
            raise TypeError(
                f"parameter {name!r}: expected arqonhpo.Float/Int/Choice, a list of options or a "
                f"scipy.stats distribution, got {type(value).__name__} ({value!r})"
            )
    return Translated(space, options)
