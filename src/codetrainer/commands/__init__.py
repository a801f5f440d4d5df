"""One module per subcommand: ``register(subparsers)`` adds it, ``handler`` runs it.

Keep module top-levels light (argparse only): the heavy imports go inside the handler.
"""

from __future__ import annotations

import sys


def write_output(text: str, output: str | None, command: str) -> bool:
    """``text`` to standard output, or atomically to the file ``output``.

    The file's folder must exist (a mistyped ``-o`` path creates nothing). On failure
    the reason goes to stderr as ``codetrainer COMMAND: error: cannot write ...`` and
    the result is False (the caller exits 1).
    """
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    from codetrainer.fileio import write_text_atomic

    try:
        write_text_atomic(output, text, make_parents=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"codetrainer {command}: error: cannot write {output}: {reason}", file=sys.stderr)
        return False
    return True
