"""``codetrainer class ...``: set up a class in a PostgreSQL database (school admins).

``class init URL`` creates (or upgrades) the schema, the group roles and the row-level
security policies; ``class add-student NAME`` and ``class add-instructor NAME`` create
logins; ``class roster`` lists the students. URL defaults to ``--store`` /
``CODETRAINER_STORE``. Passwords that are generated are printed once, on standard output.
Exit status: 0 done, 1 the database refused or cannot be reached, 2 usage errors.
Never imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``class`` subcommand and its actions."""
    p = subparsers.add_parser(
        "class",
        help="set up a class in a PostgreSQL database (school admins)",
        description=(
            "Set up a shared PostgreSQL progress store for a school: the schema, one "
            "database login per student (who can read and write only their own attempts) "
            "and instructor logins that read their cohorts. Needs the postgres extra: "
            "pip install 'codetrainer[postgres]'. See docs/running-a-class.md."
        ),
    )
    actions = p.add_subparsers(dest="class_action", metavar="ACTION")
    init = actions.add_parser(
        "init", help="create or upgrade the schema, roles and policies (idempotent)"
    )
    init.add_argument("url", nargs="?", metavar="URL", help="postgresql:// URL of the owner")
    init.set_defaults(handler=_init)

    for kind in ("student", "instructor"):
        a = actions.add_parser(f"add-{kind}", help=f"create a {kind} login (or update it)")
        a.add_argument("name", metavar="NAME", help="login name: lowercase letters, digits, _")
        if kind == "student":
            a.add_argument("--cohort", default="default", help="the student's cohort")
        else:
            a.add_argument(
                "--cohort",
                action="append",
                dest="cohorts",
                default=None,
                help="a cohort this instructor reads (repeat for several; default 'default')",
            )
        a.add_argument(
            "--password",
            default=None,
            help="the login's password (default: a random one, printed once)",
        )
        a.add_argument("--url", default=None, help="the admin's postgresql:// URL")
        a.set_defaults(handler=_add_student if kind == "student" else _add_instructor)

    roster = actions.add_parser("roster", help="list the students and their cohorts")
    roster.add_argument("--url", default=None, help="the admin's postgresql:// URL")
    roster.set_defaults(handler=_roster)
    p.set_defaults(handler=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _url(given: str | None) -> str | None:
    from codetrainer.core.stores import is_postgres_url, store_target

    url = store_target(given)
    if url is None or not is_postgres_url(url):
        print(
            "codetrainer class: error: give the class database as a postgresql:// URL "
            "(argument, --url, --store or CODETRAINER_STORE)",
            file=sys.stderr,
        )
        return None
    return url


def _init(args: argparse.Namespace) -> int:
    from codetrainer.core.store import StoreError
    from codetrainer.core.stores.classroom import init_class

    url = _url(args.url)
    if url is None:
        return 2
    try:
        setup = init_class(url)
    except StoreError as exc:
        print(f"codetrainer class: error: {exc}", file=sys.stderr)
        return 1
    if setup.before == setup.after:
        print(f"{setup.url}: the class schema is up to date (version {setup.after})")
    else:
        print(f"{setup.url}: class schema version {setup.before} -> {setup.after}")
    for role in setup.created_roles:
        print(f"created group role {role}")
    return 0


def _add(args: argparse.Namespace, kind: str) -> int:
    from codetrainer.core.store import StoreError
    from codetrainer.core.stores.classroom import add_instructor, add_student

    url = _url(args.url)
    if url is None:
        return 2
    try:
        if kind == "student":
            login = add_student(url, args.name, cohort=args.cohort, password=args.password)
        else:
            login = add_instructor(
                url, args.name, cohorts=tuple(args.cohorts or ("default",)), password=args.password
            )
    except ValueError as exc:
        print(f"codetrainer class: error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"codetrainer class: error: {exc}", file=sys.stderr)
        return 1
    verb = "created" if login.created else "updated"
    print(
        f"{verb} {kind} {login.name} (cohort{'s' if len(login.cohorts) > 1 else ''} "
        f"{', '.join(login.cohorts)})"
    )
    if args.password is None:
        print(f"password: {login.password}")
    return 0


def _add_student(args: argparse.Namespace) -> int:
    return _add(args, "student")


def _add_instructor(args: argparse.Namespace) -> int:
    return _add(args, "instructor")


def _roster(args: argparse.Namespace) -> int:
    from codetrainer.core.store import StoreError
    from codetrainer.core.stores.classroom import roster

    url = _url(args.url)
    if url is None:
        return 2
    try:
        rows = roster(url)
    except StoreError as exc:
        print(f"codetrainer class: error: {exc}", file=sys.stderr)
        return 1
    for student, cohort in rows:
        print(f"{cohort}\t{student}")
    return 0
