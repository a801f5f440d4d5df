"""The course file: units -> packs -> cases, from the first week to exam level.

A course is one YAML file, read by the project's strict loader::

    course:
      id: coding-foundations
      title: Coding foundations
      description: From the first office visit to exam-level hospital stays.
    units:
      - id: week-1
        title: "Week 1: one office visit, one code"
        items:
          - pack: outpatient-basics          # specific cases, in this order
            cases: [sore-throat-strep-negative, htn-routine-follow-up]
      - id: week-2
        title: "Week 2: symptoms, queries and follow-ups"
        items:
          - pack: outpatient-basics          # the whole pack: every case of it that the
                                             # course does not list anywhere else

A whole-pack item takes, in pack order, the pack's cases that no ``cases:`` list of the
course names, so a unit can pick a few cases of a pack and a later unit "the rest"; a pack
that grows later (new cases) needs no edit of the course. A new pack is added by listing
it in a unit.

Validation (``codetrainer validate``) reports unknown pack and case ids at the exact
``PATH:LINE:COL``, against the packs loaded in the same run and the bundled packs. In the
trainer, items whose pack is not loaded are left out, so a course never stops the trainer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, ValidationError

from codetrainer.core.diagnostics import CodetrainerError, Diagnostic, count_errors
from codetrainer.core.models import OptText, Pack, Slug, Text, _Model
from codetrainer.core.yamlio import DEFAULT_MAX_BYTES, YamlDocument, load_yaml_file

__all__ = [
    "Course",
    "CourseInfo",
    "CourseItem",
    "CoursePlan",
    "LoadedCourse",
    "Step",
    "Unit",
    "UnitPlan",
    "bundled_course_paths",
    "bundled_packs",
    "check_course",
    "check_course_files",
    "is_course_data",
    "load_course",
    "looks_like_course",
    "packs_by_id",
    "plan_course",
]


class CourseItem(_Model):
    """One pack of a unit: the whole pack (its cases the course lists nowhere else), or
    the listed cases in the listed order."""

    pack: Slug = Field(description="The pack id (pack.id in the pack file).")
    cases: list[Slug] = Field(
        default_factory=list,
        description="Case ids of the pack, in the order to practise them; leave out for the "
        "whole pack (every case of it that no other item lists).",
    )


class Unit(_Model):
    """A step of the course (a week, a topic): packs and cases in order."""

    id: Slug
    title: Text
    description: OptText = ""
    items: list[CourseItem] = Field(min_length=1)


class CourseInfo(_Model):
    """The ``course:`` header."""

    id: Slug
    title: Text
    description: OptText = ""


class Course(_Model):
    """A course file."""

    course: CourseInfo
    units: list[Unit] = Field(min_length=1)


_COURSE_TOP = re.compile(r"^(course|units)[ \t]*:", re.M)
_OTHER_TOP = re.compile(r"^(pack|cases|codeset|codes|answers)[ \t]*:", re.M)


def looks_like_course(path: str | Path) -> bool:
    """A cheap look at the top-level keys (no YAML parse): is this a course file?"""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return bool(_COURSE_TOP.search(head)) and not _OTHER_TOP.search(head)


def is_course_data(data: Any) -> bool:
    """A loaded document is a course when it has a top-level ``course:`` or ``units:``."""
    return isinstance(data, dict) and ("course" in data or "units" in data)


@dataclass(slots=True)
class LoadedCourse:
    """A course file loaded: the model (None when it has errors) and its diagnostics."""

    path: str
    value: Course | None
    diagnostics: list[Diagnostic]
    document: YamlDocument | None = None


def load_course(
    path: str | Path,
    *,
    packs: Mapping[str, Pack] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    display_path: str | None = None,
) -> LoadedCourse:
    """Load and check a course; with ``packs`` (id -> pack) unknown ids are errors too."""

    shown = display_path if display_path is not None else str(path)
    try:  # a control character does not stop the check (it is in doc.findings)
        doc = load_yaml_file(path, max_bytes=max_bytes, display_path=shown, collect_controls=True)
    except CodetrainerError as exc:
        return LoadedCourse(shown, None, exc.diagnostics)
    loaded = _course_from_document(doc, shown, packs)
    if doc.findings:  # errors: reported with the rest, and the course is not used
        loaded.diagnostics[:0] = doc.findings
        loaded.value = None
    return loaded


def _course_from_document(
    doc: YamlDocument, shown: str, packs: Mapping[str, Pack] | None
) -> LoadedCourse:
    from codetrainer.core.packs import model_diagnostics  # packs imports curriculum.claims

    if not is_course_data(doc.data):
        problem = doc.diagnostic(
            (), "a course file has the top-level keys 'course:' and 'units:'", rule="schema-top"
        )
        return LoadedCourse(shown, None, [problem], doc)
    try:
        course = Course.model_validate(doc.data)
    except ValidationError as exc:
        return LoadedCourse(shown, None, model_diagnostics(doc, Course, exc), doc)
    problems = check_course(doc, course, packs)
    return LoadedCourse(shown, course if count_errors(problems) == 0 else None, problems, doc)


def check_course(
    doc: YamlDocument, course: Course, packs: Mapping[str, Pack] | None
) -> list[Diagnostic]:
    """Duplicate unit ids, cases listed twice, and (with ``packs``) unknown pack/case ids."""
    out: list[Diagnostic] = []
    units_seen: dict[str, int] = {}
    listed: dict[tuple[str, str], tuple[int, int]] = {}
    whole: dict[str, int] = {}
    for u, unit in enumerate(course.units):
        if unit.id in units_seen:
            out.append(
                doc.diagnostic(
                    ("units", u, "id"),
                    f"duplicate unit id '{unit.id}' (also unit {units_seen[unit.id] + 1}); "
                    "unit ids must be unique within a course",
                    rule="course-duplicate-unit",
                )
            )
        units_seen.setdefault(unit.id, u)
        for i, item in enumerate(unit.items):
            pack = packs.get(item.pack) if packs is not None else None
            if packs is not None and pack is None:
                known = ", ".join(sorted(packs)) or "none"
                out.append(
                    doc.diagnostic(
                        ("units", u, "items", i, "pack"),
                        f"unknown pack id '{item.pack}'; the packs loaded are: {known}",
                        rule="course-unknown-pack",
                    )
                )
            if not item.cases:
                if item.pack in whole:
                    out.append(
                        doc.diagnostic(
                            ("units", u, "items", i, "pack"),
                            f"the whole pack '{item.pack}' is already listed in unit "
                            f"{whole[item.pack] + 1}; its remaining cases all go there",
                            severity="warning",
                            rule="course-duplicate-pack",
                        )
                    )
                whole.setdefault(item.pack, u)
            known_cases = {c.id for c in pack.cases} if pack is not None else None
            for c, case_id in enumerate(item.cases):
                path = ("units", u, "items", i, "cases", c)
                if known_cases is not None and case_id not in known_cases:
                    out.append(
                        doc.diagnostic(
                            path,
                            f"pack '{item.pack}' has no case '{case_id}'",
                            rule="course-unknown-case",
                        )
                    )
                key = (item.pack, case_id)
                if key in listed:
                    first = listed[key]
                    out.append(
                        doc.diagnostic(
                            path,
                            f"case '{case_id}' of '{item.pack}' is already listed in unit "
                            f"{first[0] + 1}; list each case once",
                            rule="course-duplicate-case",
                        )
                    )
                listed.setdefault(key, (u, i))
    return out


# ---------------------------------------------------------------------------------------
# the course against the loaded packs: steps and progress


@dataclass(frozen=True, slots=True)
class Step:
    """One case of the course."""

    pack_id: str
    case_id: str


@dataclass(frozen=True, slots=True)
class UnitPlan:
    """A unit with its cases resolved against the loaded packs."""

    number: int
    """1-based position in the course."""
    unit: Unit
    steps: tuple[Step, ...]

    def progress(self, solved: Callable[[str], set[str]]) -> tuple[int, int]:
        """(done, total): cases solved of the unit's cases (``solved`` asked once a pack)."""
        cache: dict[str, set[str]] = {}
        done = 0
        for step in self.steps:
            if step.pack_id not in cache:
                cache[step.pack_id] = solved(step.pack_id)
            done += step.case_id in cache[step.pack_id]
        return done, len(self.steps)


@dataclass(frozen=True, slots=True)
class CoursePlan:
    """A course resolved against the loaded packs (steps of missing packs left out)."""

    course: Course
    units: tuple[UnitPlan, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for u in self.units for s in u.steps)

    @property
    def pack_ids(self) -> frozenset[str]:
        return frozenset(s.pack_id for s in self.steps)

    def unit_of(self, step: Step) -> UnitPlan | None:
        for unit in self.units:
            if step in unit.steps:
                return unit
        return None

    def next_step(
        self, solved: Callable[[str], set[str]], after: Step | None = None
    ) -> Step | None:
        """The first unsolved case in course order (after ``after``, wrapping around)."""
        steps = list(self.steps)
        start = steps.index(after) + 1 if after in steps else 0
        cache: dict[str, set[str]] = {}

        def done(step: Step) -> bool:
            if step.pack_id not in cache:
                cache[step.pack_id] = solved(step.pack_id)
            return step.case_id in cache[step.pack_id]

        for step in steps[start:] + steps[:start]:
            if step != after and not done(step):
                return step
        return None

    def progress(self, solved: Callable[[str], set[str]]) -> tuple[int, int]:
        """(done, total) over the whole course."""
        cache: dict[str, set[str]] = {}

        def once(pack_id: str) -> set[str]:
            if pack_id not in cache:
                cache[pack_id] = solved(pack_id)
            return cache[pack_id]

        done = total = 0
        for unit in self.units:
            d, t = unit.progress(once)
            done += d
            total += t
        return done, total


class _HasCases(Protocol):
    """A pack, or its brief from the compiled pack cache: anything with cases that have ids."""

    @property
    def cases(self) -> Sequence[Any]: ...


def plan_course(course: Course, packs: Mapping[str, _HasCases]) -> CoursePlan:
    """Resolve every item against the loaded packs (unknown packs and cases left out).

    ``packs`` maps pack ids to packs or to their briefs: only case ids are read.
    """
    explicit: set[tuple[str, str]] = {
        (item.pack, c) for unit in course.units for item in unit.items for c in item.cases
    }
    taken: set[tuple[str, str]] = set()
    units: list[UnitPlan] = []
    for n, unit in enumerate(course.units, start=1):
        steps: list[Step] = []
        for item in unit.items:
            pack = packs.get(item.pack)
            if pack is None:
                continue
            ids = [c.id for c in pack.cases]
            chosen: Iterable[str]
            if item.cases:
                chosen = [c for c in item.cases if c in ids]
            else:
                chosen = [c for c in ids if (item.pack, c) not in explicit]
            for case_id in chosen:
                key = (item.pack, case_id)
                if key not in taken:
                    taken.add(key)
                    steps.append(Step(item.pack, case_id))
        units.append(UnitPlan(n, unit, tuple(steps)))
    return CoursePlan(course, tuple(units))


def packs_by_id(packs: Sequence[Pack]) -> dict[str, Pack]:
    """id -> pack (the first of each id)."""
    out: dict[str, Pack] = {}
    for pack in packs:
        out.setdefault(pack.pack.id, pack)
    return out


def check_course_files(
    paths: Sequence[Path],
    packs: Sequence[Pack],
    *,
    max_bytes: int | None = None,
) -> list[LoadedCourse]:
    """Load each course against ``packs`` plus the bundled packs not among them."""
    if not paths:
        return []
    by_id = packs_by_id(packs)
    for pack in bundled_packs():
        by_id.setdefault(pack.pack.id, pack)
    return [
        load_course(path, packs=by_id, max_bytes=max_bytes or DEFAULT_MAX_BYTES) for path in paths
    ]


def bundled_packs() -> list[Pack]:
    """The bundled packs that load (used to resolve course ids).

    Read through the compiled pack cache (the trainer fills it; a miss loads the file and
    fills it), so ``validate`` does not parse and validate every bundled pack a second
    time just to resolve a course's ids.
    """
    from codetrainer.core.packcache import load_cached
    from codetrainer.core.packs import find_yaml_files, load_pack
    from codetrainer.paths import bundled_content_dir

    out: list[Pack] = []
    for path in find_yaml_files([bundled_content_dir() / "packs"]):
        try:
            pack = load_cached(path).full_pack()
        except Exception:  # an unusable cache must not change the answer: load the file
            pack = load_pack(path).value
        if pack is not None:
            out.append(pack)
    return out


def bundled_course_paths() -> list[Path]:
    """The course files shipped with codetrainer (content/courses/*.yaml)."""
    from codetrainer.paths import bundled_content_dir

    folder = bundled_content_dir() / "courses"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
