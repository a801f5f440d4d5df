"""The UI-free core of codetrainer: loading, code formats, reference data, grading, progress.

Nothing in this package may import textual or rich (a test enforces it), so the CLI's
non-interactive commands stay fast and the logic can be tested on its own.
"""

__all__: list[str] = []
