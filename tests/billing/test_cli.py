"""The billing CLI contract: list, 837, show, grade, validate, schema, import-ncci/mue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from codetrainer.cli import main
from codetrainer.core.billing import refdata

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "billing"
BILLING = Path(__file__).resolve().parents[2] / "content" / "billing"


def test_billing_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["billing", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 40
    assert {r["kind"] for r in rows} == {"claim", "scrub", "denial", "posting"}
    assert all(set(r) >= {"id", "kind"} for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_billing_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["billing", "list"]) == 0
    out = capsys.readouterr().out
    assert "claim-sore-throat" in out and "posting" in out


def test_billing_837_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "claim.837"
    assert main(["billing", "837", "claim-knee-injection", "-o", str(out), "--check"]) == 0
    text = out.read_text()
    assert text.startswith("ISA*00*")
    assert "ST*837*0001*005010X222A1~" in text
    assert "SV1*HC:20610:RT*140*UN*1***1~" in text
    assert "valid 005010X222A1" in capsys.readouterr().err


def test_billing_837_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["billing", "837", "no-such-exercise"]) == 1
    assert "no exercise" in capsys.readouterr().err
    assert main(["billing", "837", "post-copay-only"]) == 1
    assert "posting exercise" in capsys.readouterr().err
    assert main(["billing", "837", "claim-sore-throat", "-o", str(tmp_path / "no" / "x")]) == 1


def test_billing_837_of_the_learners_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.837"
    args = ["billing", "837", "claim-sore-throat", "--answers", str(FIX / "answers.yaml")]
    assert main([*args, "-o", str(out)]) == 0
    assert "NM1*IL*1*MIRA*QUILL****MI*ZQX48213907~" in out.read_text()  # their own slip


def test_billing_show_pairs_segments_with_boxes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["billing", "show", "claim-uti-spouse", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    pat = next(r for r in rows if r["segment"].startswith("PAT*"))
    assert pat["segment"] == "PAT*01" and "box 6" in pat["boxes"]
    assert any(r["segment"].startswith("NM1*QC") and "box 2" in r["boxes"] for r in rows)
    assert main(["billing", "show", "claim-uti-spouse"]) == 0
    assert "box 21 A-L diagnoses" in capsys.readouterr().out


def test_grade_billing_answers_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "billing-claims", str(FIX / "answers.yaml"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pack"] == "billing-claims"
    first = result["cases"][0]
    assert first["case"] == "claim-sore-throat" and first["kind"] == "claim"
    name = next(i for i in first["items"] if i["field"] == "box 2 patient name")
    assert name["verdict"] == "wrong" and name["kinds"] == ["name_order"]
    assert set(name) >= {"field", "expected", "given", "verdict", "kinds", "explanation"}
    assert 0 < first["score"] < 100
    assert all(c["score"] == 0 for c in result["cases"][1:])  # unanswered


def test_grade_billing_by_file_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    pack = BILLING / "packs" / "claims.yaml"
    assert main(["grade", str(pack), str(FIX / "answers.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Student: Test Learner" in out and "name_order" in out


def test_grade_billing_unknown_exercise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("billing_answers:\n  - exercise: claim-sore-thraot\n")
    assert main(["grade", "billing-claims", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:15: error:" in err and "did you mean 'claim-sore-throat'" in err


def test_validate_checks_billing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--strict", str(BILLING)]) == 0
    text = (
        (BILLING / "packs" / "postings.yaml")
        .read_text()
        .replace('payment: "75.00"', 'payment: "70.00"')
    )
    broken = tmp_path / "postings.yaml"
    broken.write_text(text)
    capsys.readouterr()
    assert main(["validate", "--json", str(broken)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["kind"] == "billing"
    diag = report["diagnostics"][0]
    assert diag["rule"] == "billing-posting-arithmetic" and diag["line"] > 0
    assert "75.00" in diag["message"]


def test_validate_without_textual() -> None:
    code = (
        "import sys\nfrom codetrainer.cli import main\n"
        f"rc = main(['validate', {str(BILLING)!r}])\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("kind", ["billing", "billing-answers"])
def test_schema_accepts_the_bundled_files(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    files = (
        sorted((BILLING / "packs").glob("*.yaml")) if kind == "billing" else [FIX / "answers.yaml"]
    )
    for path in files:
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # every scalar a string
        jsonschema.validate(data, schema)
    if kind == "billing":
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"billing": {}, "exercises": []}, schema)


def test_import_ncci_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "ref"
    src = FIX / "ncci_ptp_practitioner_fixture.txt"
    assert main(["codesets", "import-ncci", str(src), "--dest", str(dest)]) == 0
    out = capsys.readouterr()
    assert "Imported 3 NCCI pairs" in out.out  # 99999/12345 not in the code sets; 17110 deleted
    assert "modifier indicator '7'" in out.err
    written = sorted(dest.glob("ncci-cms-*.yaml"))
    assert len(written) == 1
    model, problems, _ = refdata.load_reference_file(written[0])
    assert model is not None and problems == []
    pairs = {(p.column1, p.column2): p.indicator for p in model.pairs}
    assert pairs == {("93000", "93010"): "0", ("20610", "99213"): "1", ("81000", "81002"): "0"}
    merged = refdata.load_billing_reference([dest], use_memo=False)
    assert merged.pair("93010", "93000") == ("93000", "93010", "0")
    assert main(["codesets", "import-ncci", str(src), "--dest", str(dest), "--all"]) == 0
    assert "Imported 4 NCCI pairs" in capsys.readouterr().out


def test_import_mue_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "ref"
    src = FIX / "mue_practitioner_fixture.csv"
    assert main(["codesets", "import-mue", str(src), "--dest", str(dest)]) == 0
    out = capsys.readouterr()
    assert "Imported 4 MUE limits" in out.out
    assert "'x' is not a number" in out.err
    merged = refdata.load_billing_reference([dest], use_memo=False)
    assert merged.mue == {"36415": 2, "99213": 1, "20610": 2, "J1030": 4}


def test_import_refuses_files_in_another_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("hello\nworld\n")
    assert main(["codesets", "import-ncci", str(other), "--dest", str(tmp_path)]) == 1
    assert main(["codesets", "import-mue", str(other), "--dest", str(tmp_path)]) == 1
    assert "no MUE header row" in capsys.readouterr().err
    assert list(tmp_path.glob("*.yaml")) == []
    assert main(["codesets", "import-mue", str(tmp_path / "missing.csv")]) == 2


def test_user_billing_packs_are_listed(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from codetrainer.core.billing.loading import user_billing_dir

    folder = user_billing_dir()
    folder.mkdir(parents=True)
    text = (BILLING / "packs" / "postings.yaml").read_text()
    text = text.replace("id: billing-postings", "id: my-postings").replace("id: post-", "id: mine-")
    (folder / "mine.yaml").write_text(text)
    assert main(["billing", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["pack"] == "my-postings" and r["id"] == "mine-copay-only" for r in rows)
