"""``codetrainer lookup`` and ``codetrainer codesets`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HCPCS_FILE = FIXTURES / "hcpcs" / "HCPC2026_JAN_ANWEB_sample.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def rows(proc: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, list)
    return data


def test_sore_throat_json_top_five() -> None:
    found = rows(run("lookup", "sore throat", "--json"))
    assert "J02.9" in [r["code"] for r in found[:5]]
    for row in found:
        assert {"system", "code", "description", "billable", "score"} <= set(row)
        assert isinstance(row["billable"], bool) and isinstance(row["score"], float)


def test_branch_json_lists_billable_codes() -> None:
    found = rows(run("lookup", "E11.", "--json"))
    billable = [r["code"] for r in found if r["billable"]]
    assert "E11.00" in billable and len(billable) >= 10
    assert all(str(code).startswith("E11.") for code in billable)


def test_words_without_quotes_and_system_filter() -> None:
    found = rows(run("lookup", "blood", "glucose", "strips", "--json", "--limit", "3"))
    assert found[0]["code"] == "A4253" and len(found) <= 3
    cpt = rows(run("lookup", "office visit", "--system", "cpt", "--json"))
    assert cpt and all(r["system"] == "CPT" for r in cpt)


def test_plain_table() -> None:
    proc = run("lookup", "j029")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["CODE", "SYSTEM", "BILL", "SCORE", "DESCRIPTION"]
    assert lines[2].split()[:4] == ["J02.9", "ICD-10-CM", "yes", "100.0"]
    assert "Acute pharyngitis, unspecified" in lines[2]
    table = run("lookup", "M17.1").stdout.splitlines()
    starts = {line.index(line.split()[1]) for line in table[2:]}
    assert len(starts) == 1  # the SYSTEM column is aligned
    assert "\x1b[" not in proc.stdout


def test_codes_awaiting_a_seventh_character_say_what_completes_them() -> None:
    found = rows(run("lookup", "sprain", "left", "ankle", "--json", "--limit", "5"))
    by_code = {r["code"]: r for r in found}
    assert by_code["S93.402"]["billable"] is False
    assert by_code["S93.402"]["seventh"] == ["A", "D", "S"]
    scalp = rows(run("lookup", "S01.01", "--json", "--limit", "3"))
    assert scalp[0]["code"] == "S01.01" and scalp[0]["seventh"] == ["XA", "XD", "XS"]
    assert "seventh" not in scalp[1]  # S01.01XA is complete
    table = run("lookup", "sprain left ankle", "--limit", "3").stdout.splitlines()
    assert table[2].split()[:3] == ["S93.402", "ICD-10-CM", "+7th"]
    assert table[-1].startswith("+7th: not billable until a 7th character is added")


def test_exit_codes() -> None:
    nothing = run("lookup", "zzqxv")
    assert nothing.returncode == 1 and "nothing matches" in nothing.stderr
    assert run("lookup", "pain", "--limit", "0").returncode == 2
    assert run("lookup", "pain", "--system", "loinc").returncode == 2
    assert run("lookup").returncode == 2


def test_lookup_never_imports_the_ui() -> None:
    probe = (
        "import sys\n"
        "from codetrainer.cli import main\n"
        "assert main(['lookup', 'j029', '--json']) == 0\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "print('BAD', bad)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "BAD []" in proc.stdout


def test_codesets_list_bundled() -> None:
    proc = run("codesets", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["counts"]["HCPCS"] > 0 and data["counts"]["CPT"] > 0
    assert {s["origin"] for s in data["sets"]} == {"bundled"}
    plain = run("codesets", "list")
    assert plain.returncode == 0 and "Codes per system:" in plain.stdout


def test_codesets_without_action_shows_help() -> None:
    proc = run("codesets")
    assert proc.returncode == 2 and "import-hcpcs" in proc.stderr


def test_import_hcpcs_then_lookup(isolated_home: Path) -> None:
    proc = run("codesets", "import-hcpcs", str(HCPCS_FILE))
    assert proc.returncode == 0, proc.stderr
    assert "Imported 6 HCPCS Level II codes and 4 modifiers." in proc.stdout
    user_dir = isolated_home / "data" / "codesets"
    assert sorted(p.name for p in user_dir.iterdir()) == [
        "hcpcs-cms-2026.yaml",
        "modifiers-cms-2026.yaml",
    ]
    listed = json.loads(run("codesets", "list", "--json").stdout)
    assert {s["id"] for s in listed["sets"] if s["origin"] == "user"} == {
        "hcpcs-cms-2026",
        "modifiers-cms-2026",
    }
    found = rows(run("lookup", "G0008", "--json"))
    assert found[0]["code"] == "G0008" and "influenza" in str(found[0]["description"])
    mods = rows(run("lookup", "liability waiver", "--system", "modifier", "--json"))
    assert mods[0]["code"] == "GA"


def test_import_cpt_cli(tmp_path: Path, isolated_home: Path) -> None:
    good = tmp_path / "cpt.csv"
    good.write_text("code,description\n99213,LICENSED TEXT 99213\n")
    proc = run("codesets", "import-cpt", str(good), "--id", "cpt-school")
    assert proc.returncode == 0, proc.stderr
    assert (isolated_home / "data" / "codesets" / "cpt-school.yaml").is_file()
    found = rows(run("lookup", "99213", "--json"))
    assert found[0]["description"] == "LICENSED TEXT 99213"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,description\n9921,short\n")
    failed = run("codesets", "import-cpt", str(bad))
    assert failed.returncode == 1
    assert f"{bad}:2:" in failed.stderr and "Traceback" not in failed.stderr


@pytest.mark.parametrize("action", ["import-hcpcs", "import-cpt"])
def test_import_missing_file(action: str, tmp_path: Path) -> None:
    proc = run("codesets", action, str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
