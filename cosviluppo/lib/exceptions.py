"""Domain errors: raised by services with a translated, user-facing message."""


class DomainError(Exception):
    """A business rule refused an operation; `message` can be shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """A status change that the lifecycle does not allow."""
