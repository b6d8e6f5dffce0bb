"""Event pattern matching: the subset Lambda event filtering (``FilterCriteria``) accepts.

A pattern mirrors the event's structure. At a leaf, a list of matchers is OR-ed; sibling keys are
AND-ed. Supported matchers: exact strings, numbers, booleans and null; ``prefix``, ``suffix``,
``equals-ignore-case``, ``exists``, ``anything-but`` (a value, a list, or a ``prefix``/``suffix``),
``numeric`` (``=``, ``<``, ``<=``, ``>``, ``>=``), and ``$or`` between sub-patterns. When the event
value is an array, a matcher matches if it matches any element.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

_MISSING: Final = object()


class PatternError(ValueError):
    """A filter pattern is not valid JSON or uses something this matcher does not support."""


def parse_filters(filter_criteria: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The patterns of an event source mapping's ``FilterCriteria`` (each ``Pattern`` is a JSON string)."""
    patterns = []
    for entry in (filter_criteria or {}).get("Filters") or []:
        raw = entry.get("Pattern", "")
        try:
            pattern = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise PatternError(f"filter pattern is not JSON: {raw!r}") from exc
        if not isinstance(pattern, dict):
            raise PatternError(f"filter pattern must be a JSON object: {raw!r}")
        patterns.append(pattern)
    return patterns


def matches_any(patterns: Sequence[Mapping[str, Any]], event: Mapping[str, Any]) -> bool:
    """True when there are no patterns, or at least one of them matches ``event``."""
    return not patterns or any(matches(pattern, event) for pattern in patterns)


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(branch, event) for branch in expected):
                return False
            continue
        actual = event.get(key, _MISSING) if isinstance(event, Mapping) else _MISSING
        if isinstance(expected, Mapping):
            if actual is _MISSING or not _matches_nested(expected, actual):
                return False
        elif isinstance(expected, list):
            if not _matches_leaf(expected, actual):
                return False
        else:
            raise PatternError(f"pattern value for {key!r} must be an object or a list, got {expected!r}")
    return True


def _matches_nested(pattern: Mapping[str, Any], actual: Any) -> bool:
    if isinstance(actual, list):
        return any(matches(pattern, item) for item in actual)
    return matches(pattern, actual)


def _matches_leaf(matchers: list[Any], actual: Any) -> bool:
    for matcher in matchers:
        if isinstance(matcher, Mapping) and "exists" in matcher:
            if (actual is not _MISSING) == bool(matcher["exists"]):
                return True
            continue
        if actual is _MISSING:
            continue
        values: Iterable[Any] = actual if isinstance(actual, list) else (actual,)
        if isinstance(matcher, Mapping) and "anything-but" in matcher:
            if _anything_but(matcher["anything-but"], actual):
                return True
            continue
        if any(_matches_value(matcher, value) for value in values):
            return True
    return False


def _matches_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return _equal(matcher, value)
    if "prefix" in matcher:
        return isinstance(value, str) and _affix(matcher["prefix"], value, str.startswith)
    if "suffix" in matcher:
        return isinstance(value, str) and _affix(matcher["suffix"], value, str.endswith)
    if "equals-ignore-case" in matcher:
        return isinstance(value, str) and value.casefold() == str(matcher["equals-ignore-case"]).casefold()
    if "numeric" in matcher:
        return _numeric(matcher["numeric"], value)
    raise PatternError(f"unsupported matcher {dict(matcher)!r}")


def _affix(expected: Any, value: str, test: Any) -> bool:
    if isinstance(expected, Mapping) and "equals-ignore-case" in expected:
        return bool(test(value.casefold(), str(expected["equals-ignore-case"]).casefold()))
    return bool(test(value, str(expected)))


def _equal(expected: Any, value: Any) -> bool:
    if expected is None or value is None:
        return expected is None and value is None
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float) and isinstance(value, int | float):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _anything_but(excluded: Any, actual: Any) -> bool:
    values = actual if isinstance(actual, list) else [actual]
    if isinstance(excluded, Mapping):
        return not any(_matches_value(excluded, value) for value in values)
    excluded_list = excluded if isinstance(excluded, list) else [excluded]
    return not any(_equal(item, value) for item in excluded_list for value in values)


_COMPARE: Final = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _numeric(spec: Sequence[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if len(spec) % 2:
        raise PatternError(f"numeric matcher needs operator/value pairs: {spec!r}")
    for operator, operand in zip(spec[::2], spec[1::2], strict=True):
        if operator not in _COMPARE:
            raise PatternError(f"unsupported numeric operator {operator!r}")
        if not _COMPARE[operator](float(value), float(operand)):
            return False
    return True
