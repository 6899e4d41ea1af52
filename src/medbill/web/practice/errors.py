"""Errors of use cases (services), shown to the user as form errors or API 422s."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ServiceError", "ServiceErrors"]


class ServiceError(ValueError):
    """A request a service refuses; ``field`` names what is wrong (``lines[1].units``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem

    @property
    def errors(self) -> tuple[ServiceError, ...]:
        """Every refusal this error carries: itself, or each of ``ServiceErrors``."""
        return (self,)


class ServiceErrors(ServiceError):
    """Several refusals of one request at once (every wrong line of an entry), so a form
    shows them together rather than one per try. Its own ``field`` and ``problem`` are
    the first's, for a caller that shows one."""

    def __init__(self, errors: Sequence[ServiceError]) -> None:
        if not errors:
            raise ValueError("ServiceErrors needs at least one error")
        super().__init__(errors[0].field, errors[0].problem)
        self.args = ("; ".join(str(e) for e in errors),)
        self._errors = tuple(e for error in errors for e in error.errors)

    @property
    def errors(self) -> tuple[ServiceError, ...]:
        return self._errors

    @classmethod
    def of(cls, errors: Sequence[ServiceError]) -> ServiceError:
        """One error as itself, several as ``ServiceErrors``."""
        return errors[0] if len(errors) == 1 else cls(errors)
