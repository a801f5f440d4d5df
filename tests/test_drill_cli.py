"""``codetrainer drill list|cards|check``: the JSON contract, exit codes, no Textual."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_drill_list_json() -> None:
    proc = run("drill", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["id"] for r in rows] == ["abbreviations", "code-facts", "confusables", "terms"]
    for row in rows:
        assert set(row) == {"id", "kind", "title", "cards"}
        assert isinstance(row["cards"], int) and row["cards"] > 0
    by_id = {r["id"]: r for r in rows}
    assert by_id["code-facts"]["kind"] == "code-facts"
    assert by_id["code-facts"]["cards"] >= 1000
    plain = run("drill", "list")
    assert plain.returncode == 0
    assert plain.stdout.splitlines()[0].split() == ["DECK", "KIND", "CARDS", "TITLE"]


def test_drill_cards_json() -> None:
    proc = run("drill", "cards", "confusables", "--json")
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)
    assert len(cards) >= 60
    for card in cards:
        assert {"id", "prompt", "answer"} <= set(card)
        assert card["lookalikes"]
    ileum = next(c for c in cards if c["id"] == "ileum")
    assert ileum["prompt"] == "ileum"
    assert ileum["lookalikes"][0]["term"] == "ilium"


def test_drill_check_each_verdict_kind() -> None:
    cases = [
        (("confusables", "hypertension-r", "hypertension"), 0, "correct", ["correct"]),
        (("confusables", "hypertension-r", "hypertention"), 0, "correct", ["typo"]),
        (("confusables", "hypertension-r", "hypotension"), 1, "wrong", ["confusable"]),
        (("confusables", "hypertension", "blood", "pressure"), 1, "partial", ["partial"]),
        (("abbreviations", "nkda", "no", "known", "drug", "allergies"), 0, "correct", ["correct"]),
        (("abbreviations", "r-o-never", "yes"), 1, "wrong", ["wrong"]),
        (("code-facts", "billable-e11", "no"), 0, "correct", ["correct"]),
        (("code-facts", "seventh-s52521-d", "S52.521D"), 0, "correct", ["correct"]),
        (("code-facts", "seventh-s52521-d", "A"), 1, "wrong", ["wrong"]),
    ]
    for args, code, verdict, kinds in cases:
        proc = run("drill", "check", *args, "--json")
        assert proc.returncode == code, (args, proc.stdout, proc.stderr)
        out = json.loads(proc.stdout)
        assert (out["verdict"], out["kinds"]) == (verdict, kinds), args
        assert out["explanation"]
    confused = json.loads(run("drill", "check", "confusables", "ileum", "ilium", "--json").stdout)
    assert "upper part of the hip bone" in confused["explanation"]
    typo = json.loads(run("drill", "check", "terms", "cardi-o-r", "cardi/o", "--json").stdout)
    assert typo["verdict"] == "correct"


def test_drill_usage_errors_exit_2() -> None:
    assert run("drill").returncode == 2
    assert run("drill", "cards", "no-such-deck").returncode == 2
    proc = run("drill", "check", "terms", "no-such-card", "x")
    assert proc.returncode == 2
    assert "has no card 'no-such-card'" in proc.stderr
    assert run("drill", "check", "terms").returncode == 2


def test_drill_commands_import_no_ui() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from codetrainer.cli import main\n"
        "for argv in (['drill', '--help'], ['drill', 'list', '--json'],\n"
        "             ['drill', 'cards', 'terms', '--json'],\n"
        "             ['drill', 'check', 'terms', 'itis', 'inflammation', '--json']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main(argv)\n"
        "ui = ('textual', 'rich')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ui)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_the_drills_core_imports_no_ui_and_nothing_above_it() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import codetrainer.core.drills as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'codetrainer.core.drills.{m.name}')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')\n"
        "       or m.startswith(('codetrainer.tui', 'codetrainer.commands',\n"
        "                        'codetrainer.core.grading'))]\n"
        "print(','.join(sorted(bad)))\n"
        "print(len(list(pkgutil.iter_modules(d.__path__))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    bad, count = proc.stdout.splitlines()
    assert bad == ""
    assert int(count) >= 8
