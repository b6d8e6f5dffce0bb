"""Domain errors. Each carries the HTTP status it maps to, so the API maps them without branching."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    field: str
    message: str
    type: str = "value_error"


@dataclass
class DomainError(Exception):
    detail: str
    status: int = 400
    title: str = "Bad request"
    errors: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail


class InvalidInput(DomainError):
    def __init__(self, field_name: str, message: str, type_: str = "value_error") -> None:
        super().__init__(
            detail=f"{field_name}: {message}",
            status=422,
            title="Invalid request",
            errors=[FieldProblem(field_name, message, type_)],
        )


class NotFound(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, status=404, title="Not found")


class Conflict(DomainError):
    def __init__(self, detail: str, field_name: str | None = None) -> None:
        problems = [FieldProblem(field_name, detail, "conflict")] if field_name else []
        super().__init__(detail=detail, status=409, title="Conflict", errors=problems)


class RevisionConflict(Exception):
    """A conditional write lost to a newer state: the caller re-reads and decides."""


class SlugTaken(Exception):
    """The slug is claimed by another article."""


class Gone(DomainError):
    """The article existed and was taken down (RFC 9110 410)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, status=410, title="Gone")


class PreconditionRequired(DomainError):
    def __init__(self, detail: str, header: str = "if-match") -> None:
        super().__init__(
            detail=detail,
            status=428,
            title="Precondition required",
            errors=[FieldProblem(header, detail, "precondition_required")],
        )


class PreconditionFailed(DomainError):
    def __init__(self, detail: str, current_revision: int, header: str = "if-match") -> None:
        super().__init__(
            detail=detail,
            status=412,
            title="Precondition failed",
            errors=[FieldProblem(header, detail, "stale")],
        )
        self.current_revision = current_revision


class Unauthorized(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, status=401, title="Unauthorized")


class Forbidden(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail, status=403, title="Forbidden")


class UnprocessableRequest(DomainError):
    """Well-formed but not acceptable as a whole (e.g. an Idempotency-Key reused with another body)."""

    def __init__(self, detail: str, field_name: str, type_: str) -> None:
        super().__init__(
            detail=detail, status=422, title="Unprocessable request", errors=[FieldProblem(field_name, detail, type_)]
        )
