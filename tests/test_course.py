"""The course file: loading, located errors, the bundled course, steps and progress, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading_fixtures import REPO, bundled_packs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.core.curriculum.course import (
    Course,
    Step,
    bundled_course_paths,
    load_course,
    looks_like_course,
    packs_by_id,
    plan_course,
)

COURSE = REPO / "content" / "courses" / "coding-foundations.yaml"
PACKS = packs_by_id([p for _, p in bundled_packs()])


def write(tmp_path: Path, text: str, name: str = "course.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def at(path: Path, line: int, col: int) -> str:
    """The file's text from a diagnostic's position to the end of that line."""
    return path.read_text(encoding="utf-8").splitlines()[line - 1][col - 1 :]


SMALL = """\
course:
  id: small
  title: Small course
units:
  - id: one
    title: One
    items:
      - pack: outpatient-basics
        cases: [htn-routine-follow-up, sore-throat-strep-negative]
  - id: two
    title: Two
    items:
      - pack: outpatient-basics
"""


def test_bundled_course_is_clean_and_covers_every_bundled_case() -> None:
    assert bundled_course_paths() == [COURSE]
    loaded = load_course(COURSE, packs=PACKS)
    assert loaded.diagnostics == [] and loaded.value is not None
    plan = plan_course(loaded.value, PACKS)
    steps = plan.steps
    assert len(steps) == len(set(steps))
    every = {Step(pid, c.id) for pid, p in PACKS.items() for c in p.cases}
    # a bundled pack that the course does not list fails here: list it in a unit
    assert set(steps) == every, sorted({s.pack_id for s in every - set(steps)})
    first = plan.units[0]
    assert first.steps[0] == Step("outpatient-basics", "sore-throat-strep-negative")
    difficulties = [PACKS[s.pack_id].case(s.case_id).difficulty for s in first.steps]  # type: ignore[union-attr]
    assert max(difficulties) == 1  # the first week is first-week material
    last = plan.units[-1]
    assert all(PACKS[s.pack_id].case(s.case_id).difficulty == 5 for s in last.steps)  # type: ignore[union-attr]


def test_whole_pack_items_take_the_cases_listed_nowhere_else(tmp_path: Path) -> None:
    loaded = load_course(write(tmp_path, SMALL), packs=PACKS)
    assert loaded.value is not None, loaded.diagnostics
    plan = plan_course(loaded.value, PACKS)
    one, two = plan.units
    assert [s.case_id for s in one.steps] == ["htn-routine-follow-up", "sore-throat-strep-negative"]
    rest = [
        c.id for c in PACKS["outpatient-basics"].cases if c.id not in {s.case_id for s in one.steps}
    ]
    assert [s.case_id for s in two.steps] == rest


def test_progress_and_next_step_follow_the_course(tmp_path: Path) -> None:
    loaded = load_course(write(tmp_path, SMALL), packs=PACKS)
    assert loaded.value is not None
    plan = plan_course(loaded.value, PACKS)
    solved: dict[str, set[str]] = {}

    def lookup(pack_id: str) -> set[str]:
        return solved.get(pack_id, set())

    assert plan.next_step(lookup) == Step("outpatient-basics", "htn-routine-follow-up")
    assert plan.units[0].progress(lookup) == (0, 2)
    solved["outpatient-basics"] = {"htn-routine-follow-up"}
    assert plan.next_step(lookup) == Step("outpatient-basics", "sore-throat-strep-negative")
    assert plan.units[0].progress(lookup) == (1, 2)
    after = Step("outpatient-basics", "sore-throat-strep-negative")
    assert plan.next_step(lookup, after=after) == plan.units[1].steps[0]
    solved["outpatient-basics"] = {c.id for c in PACKS["outpatient-basics"].cases}
    assert plan.next_step(lookup) is None
    total = len(PACKS["outpatient-basics"].cases)
    assert plan.progress(lookup) == (total, total)


def test_packs_outside_the_loaded_set_are_left_out_of_the_plan(tmp_path: Path) -> None:
    text = SMALL + "      - pack: later-pack\n"
    loaded = load_course(write(tmp_path, text))  # no packs given: only the schema is checked
    assert loaded.value is not None and loaded.diagnostics == []
    plan = plan_course(loaded.value, PACKS)
    assert "later-pack" not in plan.pack_ids


def test_unknown_pack_and_case_ids_are_located_errors(tmp_path: Path) -> None:
    text = """\
    course:
      id: broken
      title: Broken
    units:
      - id: one
        title: One
        items:
          - pack: outpatient-basic
          - pack: office-procedures
            cases: [uti-dipstick, no-such-case]
    """
    path = write(tmp_path, text)
    loaded = load_course(path, packs=PACKS)
    assert loaded.value is None
    by_rule = {d.rule: d for d in loaded.diagnostics}
    assert set(by_rule) == {"course-unknown-pack", "course-unknown-case"}
    pack = by_rule["course-unknown-pack"]
    assert (pack.line, pack.severity) == (8, "error")
    assert at(path, pack.line, pack.col) == "outpatient-basic"
    assert "outpatient-basics" in pack.message  # the known ids are listed
    case = by_rule["course-unknown-case"]
    assert case.line == 10 and at(path, case.line, case.col).startswith("no-such-case")
    assert re.fullmatch(
        r".+:10:\d+: error: pack 'office-procedures' has no case 'no-such-case'", case.format()
    )


def test_duplicates_are_reported(tmp_path: Path) -> None:
    text = """\
    course:
      id: dup
      title: Dup
    units:
      - id: one
        title: One
        items:
          - pack: outpatient-basics
            cases: [htn-routine-follow-up]
          - pack: office-procedures
      - id: one
        title: Again
        items:
          - pack: outpatient-basics
            cases: [htn-routine-follow-up]
          - pack: office-procedures
    """
    loaded = load_course(write(tmp_path, text), packs=PACKS)
    rules = sorted(d.rule for d in loaded.diagnostics)
    assert rules == ["course-duplicate-case", "course-duplicate-pack", "course-duplicate-unit"]
    severities = {d.rule: d.severity for d in loaded.diagnostics}
    assert severities["course-duplicate-pack"] == "warning"
    assert severities["course-duplicate-case"] == "error"


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        (
            "course:\n  id: x\n  title: X\nunits:\n  - id: a\n    title: A\n    item: []\n",
            "schema-extra_forbidden",
            7,
        ),
        (
            "course:\n  id: x\n  title: X\nunits:\n  - id: a\n    title: A\n    items: []\n",
            "schema-too_short",
            7,
        ),
        ("course:\n  id: X Y\n  title: X\nunits: []\n", "schema-value_error", 2),
        ("course:\n  id: x\n  id: y\n", "yaml-duplicate-key", 3),
        ("course: &a\n  id: x\n", "yaml-anchor", 1),
    ],
)
def test_schema_and_loader_errors_are_located(
    tmp_path: Path, text: str, rule: str, line: int
) -> None:
    loaded = load_course(write(tmp_path, text), packs=PACKS)
    assert loaded.value is None
    found = [d for d in loaded.diagnostics if d.rule.startswith(rule)]
    assert found, loaded.diagnostics
    assert found[0].line == line and found[0].severity == "error"


def test_looks_like_course(tmp_path: Path) -> None:
    assert looks_like_course(COURSE)
    assert not looks_like_course(REPO / "content" / "packs" / "outpatient-basics.yaml")
    assert not looks_like_course(tmp_path / "missing.yaml")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codetrainer", *args], capture_output=True, text=True, timeout=600
    )


def test_validate_cli_checks_courses(tmp_path: Path) -> None:
    bad = write(tmp_path, SMALL.replace("htn-routine-follow-up", "htn-routine"))
    proc = run("validate", "--no-reference", str(bad))
    assert proc.returncode == 1
    assert re.search(
        rf"^{re.escape(str(bad))}:9:\d+: error: "
        r"pack 'outpatient-basics' has no case 'htn-routine'$",
        proc.stdout,
        re.M,
    )
    good = write(tmp_path, SMALL, "good.yaml")
    proc = run("validate", "--no-reference", "--json", str(good))
    assert proc.returncode == 0, proc.stdout
    data = json.loads(proc.stdout)
    assert data["files"] == [{"path": str(good), "kind": "course", "errors": 0, "warnings": 0}]


def test_a_new_pack_is_added_by_listing_it(tmp_path: Path) -> None:
    """The lead's merge step: a new pack file and one more course item validate together."""
    source = (REPO / "content" / "packs" / "outpatient-basics.yaml").read_text(encoding="utf-8")
    pack = tmp_path / "later-pack.yaml"
    pack.write_text(source.replace("id: outpatient-basics", "id: later-pack", 1), "utf-8")
    course = write(tmp_path, SMALL + "      - pack: later-pack\n", "course.yaml")
    alone = run("validate", "--no-reference", str(course))
    assert alone.returncode == 1 and "unknown pack id 'later-pack'" in alone.stdout
    together = run("validate", "--no-reference", str(pack), str(course))
    assert together.returncode == 0, together.stdout + together.stderr


def test_schema_course(tmp_path: Path) -> None:
    proc = run("schema", "course")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert set(schema["required"]) == {"course", "units"}
    assert "CourseItem" in schema["$defs"]


# -- properties ------------------------------------------------------------------------


PACK_IDS = sorted(PACKS)


@st.composite
def courses(draw: st.DrawFn) -> Course:
    units = []
    for u in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 3))):
            pack_id = draw(st.sampled_from([*PACK_IDS, "not-loaded"]))
            ids = [c.id for c in PACKS[pack_id].cases] if pack_id in PACKS else ["x"]
            cases = draw(st.one_of(st.just([]), st.lists(st.sampled_from(ids), unique=True)))
            items.append({"pack": pack_id, "cases": cases})
        units.append({"id": f"u{u}", "title": f"Unit {u}", "items": items})
    return Course.model_validate({"course": {"id": "c", "title": "C"}, "units": units})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(course=courses())
def test_plan_lists_each_loaded_case_once_and_whole_packs_complete(course: Course) -> None:
    plan = plan_course(course, PACKS)
    steps = plan.steps
    assert len(steps) == len(set(steps))
    for step in steps:
        assert PACKS[step.pack_id].case(step.case_id) is not None
    explicit = {
        Step(i.pack, c) for u in course.units for i in u.items for c in i.cases if i.pack in PACKS
    }
    whole = {i.pack for u in course.units for i in u.items if not i.cases and i.pack in PACKS}
    expected = explicit | {Step(p, c.id) for p in whole for c in PACKS[p].cases}
    assert set(steps) == expected
    # progress and next_step agree with each other for any solved set
    solved = {s.pack_id: set() for s in steps}
    for s in steps[::2]:
        solved[s.pack_id].add(s.case_id)
    done, total = plan.progress(lambda p: solved.get(p, set()))
    assert total == len(steps) and done == len(steps[::2])
    nxt = plan.next_step(lambda p: solved.get(p, set()))
    assert (nxt is None) == (done == total)
