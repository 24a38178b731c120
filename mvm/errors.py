"""The exception hierarchy every stage raises, and the caret excerpts that diagnostics print.

Input: a message, a location (file, line, column, end column) and the source text.
Output: an exception whose ``str()`` is the full diagnostic a user reads.
"""

from __future__ import annotations


def caret_excerpt(source: str | None, line: int, col: int, end_col: int | None = None) -> str:
    """Return the source line with a caret under columns ``col..end_col`` (1-based, end exclusive)."""
    if not source or line < 1:
        return ""
    lines = source.split("\n")          # as the lexer counts lines: only \n ends one
    if line > len(lines):
        return ""
    text = lines[line - 1].rstrip("\r")
    width = max(1, (end_col or col + 1) - col)
    width = min(width, max(1, len(text) - col + 1))
    gutter = f"{line:>5} | "
    pad = "".join("\t" if ch == "\t" else " " for ch in text[: col - 1])
    return f"{gutter}{text}\n{' ' * 5} | {pad}{'^' * width}"


class MVMError(Exception):
    """Base of every error mvm reports about a model, its parameters or its bytecode."""

    kind = "error"

    def __init__(self, message: str, *, file: str | None = None, line: int = 0, col: int = 0,
                 end_col: int | None = None, source: str | None = None, hint: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        self.end_col = end_col
        self.source = source
        self.hint = hint
        super().__init__(self.render())

    @property
    def location(self) -> str:
        """``file:line:col`` of the error, or just the file when there is no position."""
        where = self.file or "<source>"
        return f"{where}:{self.line}:{self.col}" if self.line else where

    def render(self) -> str:
        """The full diagnostic: location, kind, message, (traceback,) caret excerpt and hint."""
        parts = [f"{self.location}: {self.kind}: {self.message}", *self._context()]
        excerpt = caret_excerpt(self.source, self.line, self.col, self.end_col)
        if excerpt:
            parts.append(excerpt)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)

    def _context(self) -> list[str]:
        """Lines between the message and the excerpt (a runtime error's traceback)."""
        return []


class MVMSyntaxError(MVMError):
    """The model text does not follow the grammar."""

    kind = "syntax error"


class MVMTypeError(MVMError):
    """The model parses but is not well typed, or names something that does not exist."""

    kind = "type error"


class ParameterError(MVMError):
    """A run was given an unknown parameter, a value of the wrong type, or one out of its range."""

    kind = "parameter error"


class BytecodeError(MVMError):
    """A program failed verification: names the function, the pc and the rule broken."""

    kind = "bytecode error"

    def __init__(self, message: str, *, function: str | None = None, pc: int | None = None,
                 rule: str | None = None, **kw):
        self.function = function
        self.pc = pc
        self.rule = rule
        where = []
        if function is not None:
            where.append(f"function {function!r}")
        if pc is not None:
            where.append(f"pc {pc}")
        if rule is not None:
            where.append(f"rule {rule}")
        full = f"{message} ({', '.join(where)})" if where else message
        super().__init__(full, **kw)


class MVMRuntimeError(MVMError):
    """A model failed while running; ``traceback`` lists the DSL frames, innermost last."""

    kind = "runtime error"

    def __init__(self, message: str, *, traceback: list[str] | None = None, **kw):
        self.traceback = list(traceback or [])
        super().__init__(message, **kw)

    def _context(self) -> list[str]:
        """One line per DSL frame, outermost first."""
        if not self.traceback:
            return []
        return ["model traceback (most recent call last):", *(f"  {t}" for t in self.traceback)]


class LimitExceeded(MVMRuntimeError):
    """A run hit one of its limits (fuel, heap bytes, call depth, wall time); ``limit`` names it."""

    kind = "limit exceeded"

    def __init__(self, message: str, *, limit: str, **kw):
        self.limit = limit
        super().__init__(message, **kw)


class Cancelled(MVMRuntimeError):
    """A run was cancelled through its cancel flag."""

    kind = "cancelled"
