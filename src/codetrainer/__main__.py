"""Allow ``python -m codetrainer``."""

from codetrainer.cli import main

raise SystemExit(main())
