"""Progress lines of the long Pol.is commands."""

from collections.abc import Callable

from django.core.management.base import OutputWrapper


def progress_to(stdout: OutputWrapper) -> Callable[[str], None]:
    """Write each line to the command's output and flush it at once: piped or logged, the
    lines still come as the work goes."""

    def say(line: str) -> None:
        stdout.write(line)
        stdout.flush()

    return say
