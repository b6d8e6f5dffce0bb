"""A CloudFormation template as data: resources, intrinsic functions and the dependency graph.

Nothing here talks to AWS or moto. The resolver asks a ``Lookup`` (the deployment in progress) for
the physical id (``Ref``) and attributes (``Fn::GetAtt``) of resources it has already created; the
dependency order guarantees they exist by the time they are asked for.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

DEFAULT_REGION: Final = "us-east-1"
DEFAULT_ACCOUNT_ID: Final = "123456789012"  # moto's default account


class TemplateError(ValueError):
    """The template cannot be read, ordered or resolved."""


class _NoValue:
    """``AWS::NoValue``: the property it stands for is removed."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    properties: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


class Lookup(Protocol):
    """What the resolver needs from the deployment: values of resources created so far."""

    def ref(self, logical_id: str) -> Any: ...

    def get_att(self, logical_id: str, attribute: str) -> Any: ...


@dataclass
class Template:
    """A parsed template. ``resources`` keeps the template's own order (used to break ties)."""

    resources: dict[str, Resource]
    parameters: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(cls, path: str | Path) -> Template:
        path = Path(path)
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise TemplateError(f"template not found: {path}") from exc
        except json.JSONDecodeError as exc:
            raise TemplateError(f"template is not JSON: {path}: {exc}") from exc
        template = cls.from_dict(body)
        template.path = path
        return template

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Template:
        raw_resources = body.get("Resources")
        if not isinstance(raw_resources, Mapping) or not raw_resources:
            raise TemplateError("template has no Resources")
        resources: dict[str, Resource] = {}
        for logical_id, raw in raw_resources.items():
            if not isinstance(raw, Mapping) or "Type" not in raw:
                raise TemplateError(f"resource {logical_id} has no Type")
            depends_on = raw.get("DependsOn", ())
            resources[logical_id] = Resource(
                logical_id=logical_id,
                type=str(raw["Type"]),
                properties=raw.get("Properties") or {},
                depends_on=(depends_on,) if isinstance(depends_on, str) else tuple(depends_on),
                condition=raw.get("Condition"),
                metadata=raw.get("Metadata") or {},
            )
        return cls(
            resources=resources,
            parameters=dict(body.get("Parameters") or {}),
            mappings=dict(body.get("Mappings") or {}),
            conditions=dict(body.get("Conditions") or {}),
            outputs=dict(body.get("Outputs") or {}),
        )

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type in types]

    def dependencies(self, logical_id: str) -> set[str]:
        """Logical ids that ``logical_id`` needs first: Ref, Fn::GetAtt, Fn::Sub variables, DependsOn."""
        resource = self.resources[logical_id]
        found = set(resource.depends_on)
        found.update(name for name in references(resource.properties) if name in self.resources)
        for name in resource.depends_on:
            if name not in self.resources:
                raise TemplateError(f"{logical_id} DependsOn unknown resource {name}")
        found.discard(logical_id)
        return found

    def deployment_order(self) -> list[str]:
        """Every logical id after the ones it depends on; ties keep template order. Raises on cycles."""
        position = {name: index for index, name in enumerate(self.resources)}
        pending = {name: self.dependencies(name) for name in self.resources}
        order: list[str] = []
        ready = sorted((n for n, deps in pending.items() if not deps), key=position.__getitem__)
        dependents: dict[str, list[str]] = {name: [] for name in self.resources}
        for name, deps in pending.items():
            for dep in deps:
                dependents[dep].append(name)
        while ready:
            current = ready.pop(0)
            order.append(current)
            for child in dependents[current]:
                pending[child].discard(current)
                if not pending[child]:
                    ready.append(child)
            ready.sort(key=position.__getitem__)
        if len(order) != len(self.resources):
            stuck = {name: deps for name, deps in pending.items() if deps}
            raise TemplateError(f"dependency cycle: {' -> '.join(_find_cycle(stuck))}")
        return order


def _find_cycle(graph: Mapping[str, set[str]]) -> list[str]:
    """One cycle in a graph where every node still has unresolved dependencies (so one exists)."""
    path: list[str] = []
    node = min(graph)
    while node not in path:
        path.append(node)
        node = min(dep for dep in graph[node] if dep in graph)
    return [*path[path.index(node) :], node]


def references(value: Any) -> Iterator[str]:
    """Every logical name a template fragment refers to (resources, parameters and pseudo names)."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            (key, arg), *_ = value.items()
            if key == "Ref" and isinstance(arg, str):
                yield arg
                return
            if key == "Fn::GetAtt":
                target = arg.split(".", 1)[0] if isinstance(arg, str) else arg[0]
                if isinstance(target, str):
                    yield target
                return
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                for name in _sub_names(text):
                    if name not in variables:
                        yield name
                yield from references(variables)
                return
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def _sub_names(text: str) -> Iterator[str]:
    for match in _SUB_VARIABLE.finditer(text):
        body = match.group(1)
        if not body.startswith("!"):
            yield body.split(".", 1)[0]


class Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters and a ``Lookup``."""

    def __init__(
        self,
        template: Template,
        lookup: Lookup,
        *,
        stack_name: str,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.lookup = lookup
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self._parameter_overrides = dict(parameters or {})
        self._condition_cache: dict[str, bool] = {}

    # -- pseudo parameters and parameters -------------------------------------------------------
    def pseudo(self, name: str) -> Any:
        values: dict[str, Any] = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name not in values:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return values[name]

    def parameter(self, name: str) -> Any:
        if name in self._parameter_overrides:
            return self._parameter_overrides[name]
        spec = self.template.parameters[name]
        if "Default" not in spec:
            raise TemplateError(f"parameter {name} has no Default and no value was given")
        value = spec["Default"]
        if str(spec.get("Type", "")).startswith(("CommaDelimitedList", "List<")) and isinstance(value, str):
            return [item.strip() for item in value.split(",")]
        return value

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.template.parameters:
            return self.parameter(name)
        if name in self.template.resources:
            return self.lookup.ref(name)
        raise TemplateError(f"Ref to unknown name {name}")

    # -- conditions -----------------------------------------------------------------------------
    def condition(self, name: str) -> bool:
        if name not in self._condition_cache:
            if name not in self.template.conditions:
                raise TemplateError(f"unknown condition {name}")
            self._condition_cache[name] = bool(self.resolve(self.template.conditions[name]))
        return self._condition_cache[name]

    def is_active(self, resource: Resource) -> bool:
        return resource.condition is None or self.condition(resource.condition)

    # -- resolution -----------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, arg), *_ = value.items()
                function = _INTRINSICS.get(key)
                if function is not None:
                    return function(self, arg)
            resolved_map = {key: self.resolve(item) for key, item in value.items()}
            return {key: item for key, item in resolved_map.items() if item is not NO_VALUE}
        if isinstance(value, list):
            resolved_list = [self.resolve(item) for item in value]
            return [item for item in resolved_list if item is not NO_VALUE]
        return value

    def _get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            logical_id, _, attribute = arg.partition(".")
        else:
            logical_id, attribute = arg[0], self.resolve(arg[1])
        if logical_id not in self.template.resources:
            raise TemplateError(f"Fn::GetAtt on unknown resource {logical_id}")
        return self.lookup.get_att(logical_id, str(attribute))

    def _join(self, arg: Any) -> str:
        delimiter, items = arg
        values = self.resolve(items)
        if not isinstance(values, list):
            raise TemplateError(f"Fn::Join needs a list, got {values!r}")
        return str(delimiter).join(_as_text(item) for item in values)

    def _sub(self, arg: Any) -> str:
        if isinstance(arg, str):
            text, variables = arg, {}
        else:
            text, variables = arg[0], self.resolve(arg[1])

        def replace(match: re.Match[str]) -> str:
            body = match.group(1)
            if body.startswith("!"):
                return "${" + body[1:] + "}"
            if body in variables:
                return _as_text(variables[body])
            if "." in body and not body.startswith("AWS::"):
                logical_id, attribute = body.split(".", 1)
                return _as_text(self.lookup.get_att(logical_id, attribute))
            return _as_text(self.ref(body))

        return _SUB_VARIABLE.sub(replace, text)

    def _select(self, arg: Any) -> Any:
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        try:
            return items[int(index)]
        except (IndexError, ValueError, TypeError) as exc:
            raise TemplateError(f"Fn::Select index {index!r} out of {items!r}") from exc

    def _split(self, arg: Any) -> list[str]:
        delimiter, source = arg[0], self.resolve(arg[1])
        return _as_text(source).split(delimiter)

    def _if(self, arg: Any) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(name) else when_false)

    def _find_in_map(self, arg: Any) -> Any:
        map_name, top, second = (self.resolve(item) for item in arg[:3])
        try:
            return self.template.mappings[map_name][top][second]
        except KeyError as exc:
            raise TemplateError(f"Fn::FindInMap: no {map_name}/{top}/{second}") from exc

    def _equals(self, arg: Any) -> bool:
        left, right = (self.resolve(item) for item in arg)
        return _as_text(left) == _as_text(right)

    def _import_value(self, arg: Any) -> Any:
        raise TemplateError(f"Fn::ImportValue {self.resolve(arg)!r}: cross-stack imports are not emulated")


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise TemplateError(f"cannot use {value!r} as a string")


_INTRINSICS: dict[str, Any] = {
    "Ref": lambda r, arg: r.ref(arg),
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Join": Resolver._join,
    "Fn::Sub": Resolver._sub,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::If": Resolver._if,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::Base64": lambda r, arg: base64.b64encode(_as_text(r.resolve(arg)).encode()).decode(),
    "Fn::GetAZs": lambda r, arg: [f"{r.resolve(arg) or r.region}{zone}" for zone in "abc"],
    "Fn::ImportValue": Resolver._import_value,
    "Fn::ToJsonString": lambda r, arg: json.dumps(r.resolve(arg), separators=(",", ":")),
    "Fn::Length": lambda r, arg: len(r.resolve(arg)),
    "Fn::Equals": Resolver._equals,
    "Fn::Not": lambda r, arg: not r.resolve(arg[0]),
    "Fn::And": lambda r, arg: all(r.resolve(item) for item in arg),
    "Fn::Or": lambda r, arg: any(r.resolve(item) for item in arg),
    "Condition": lambda r, arg: r.condition(arg),
}
