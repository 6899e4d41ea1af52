"""Errors of use cases (services), shown to the user as form errors or API 422s."""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(ValueError):
    """A request a service refuses; ``field`` names what is wrong (``lines[1].units``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem
