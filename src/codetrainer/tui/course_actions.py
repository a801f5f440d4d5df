"""The beginner path on the home screen: "Start here", "Next unsolved" in course order, units.

Importing this module registers two home entries (the app imports it once):

- **Start here: <case> (unit 1 of N)** for a first-time learner (no attempt saved yet), above
  "Next unsolved case"; enter opens the course's first case.
- **Course: done/total done · unit N: done/total** opens the unit list
  (:class:`~codetrainer.tui.screens.course.CourseScreen`), where each unit shows how far
  along the learner is.

The course itself lives in the core (:mod:`codetrainer.core.curriculum.course`); this
module resolves it against the packs the app loaded, so a course never lists a pack that
is not there, and packs outside the course keep working as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codetrainer.tui.home_actions import HomeAction, register_home_action

if TYPE_CHECKING:
    # imported where used: the course module brings the models (pydantic) and YAML, which
    # the first frame does without
    from codetrainer.core.curriculum.course import CoursePlan, Step, UnitPlan
    from codetrainer.core.models import Case
    from codetrainer.core.packcache import PackBrief
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = [
    "CourseState",
    "course_next",
    "course_state",
    "first_time",
    "open_course",
    "open_step",
    "start_label",
    "suggested_pack",
]


@dataclass(slots=True)
class CourseState:
    """The app's course, resolved against the packs loaded (rebuilt after a reload)."""

    plan: CoursePlan | None
    packs_key: tuple[int, ...]
    problem: str | None = None


_STATES: dict[int, tuple[CodetrainerApp, CourseState]] = {}


def _course_path(app: CodetrainerApp) -> Path | None:
    from codetrainer.core.curriculum.course import bundled_course_paths

    explicit = getattr(app, "course_path", None)
    if isinstance(explicit, Path):
        return explicit
    found = bundled_course_paths()
    return found[0] if found else None


def course_state(app: CodetrainerApp) -> CourseState:
    """The course plan for the app's loaded packs (cached until the packs change).

    Built from the packs' briefs (the compiled pack cache), so it never loads a whole pack;
    loading the course file itself imports the models, which is why the home screen does
    it in :func:`prepare_course`, after the first frame.
    """
    key = tuple(id(e.brief) for e in app.packs)
    cached = _STATES.get(id(app))
    if cached is not None and cached[0] is app and cached[1].packs_key == key:
        return cached[1]
    from codetrainer.core.curriculum.course import load_course, plan_course

    packs: dict[str, PackBrief] = {}
    for e in app.packs:
        if e.brief is not None:
            packs.setdefault(e.brief.id, e.brief)
    path = _course_path(app)
    state = CourseState(None, key)
    if path is not None:
        loaded = load_course(path)  # ids are resolved below: missing packs are left out
        if loaded.value is not None:
            plan = plan_course(loaded.value, packs)
            state.plan = plan if plan.steps else None
        else:
            state.problem = "; ".join(d.format() for d in loaded.diagnostics[:3])
    _STATES[id(app)] = (app, state)
    return state


def _solved(app: CodetrainerApp) -> Callable[[str], set[str]]:
    """The solved cases of a pack, asked of the store once per pack for this caller."""
    cache: dict[str, set[str]] = {}

    def solved(pack_id: str) -> set[str]:
        if pack_id not in cache:
            cache[pack_id] = app.services.solved_cases(pack_id)
        return cache[pack_id]

    return solved


def first_time(app: CodetrainerApp) -> bool:
    """True when no attempt has been saved yet (or no store: nothing can be known)."""
    store = app.services.store()
    if store is None:
        return False
    try:
        return store.count_attempts() == 0
    except Exception:  # a damaged store must not break the home screen
        return False


def _resolve(app: CodetrainerApp, step: Step) -> tuple[PackEntry, Case] | None:
    for entry in app.packs:
        if entry.pack is not None and entry.id == step.pack_id:
            case = entry.pack.case(step.case_id)
            if case is not None:
                return entry, case
    return None


def course_next(
    app: CodetrainerApp, entry: PackEntry | None = None, after: Case | None = None
) -> tuple[PackEntry, Case] | None:
    """The next unsolved case in course order, when the course applies.

    It applies when ``entry`` (the pack in question) is None or part of the course; for a
    pack outside the course the caller keeps its own order. ``after`` continues after
    that case of ``entry``.
    """
    from codetrainer.core.curriculum.course import Step

    plan = course_state(app).plan
    if plan is None or (entry is not None and entry.id not in plan.pack_ids):
        return None
    after_step = Step(entry.id, after.id) if entry is not None and after is not None else None
    if after_step is not None and after_step not in plan.steps:
        return None
    step = plan.next_step(_solved(app), after=after_step)
    return _resolve(app, step) if step is not None else None


_FIRST_TIME: dict[int, tuple[CodetrainerApp, bool]] = {}


def prepare_course(app: CodetrainerApp) -> None:
    """In the home screen's worker: load the course and ask the store whether anything
    was saved yet (the labels only read what this leaves behind)."""
    course_state(app)
    _FIRST_TIME[id(app)] = (app, first_time(app))


def _prepared(app: CodetrainerApp) -> bool:
    found = _FIRST_TIME.get(id(app))
    return found is not None and found[0] is app and app.services.summaries_ready


def start_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    """``Start here: <case> (unit 1 of N)`` for a first-time learner; hidden otherwise
    (and until the home screen's worker has prepared it)."""
    if not _prepared(app) or not _FIRST_TIME[id(app)][1]:
        return None
    plan = course_state(app).plan
    if plan is None:
        return None
    step = plan.next_step(_solved(app))
    if step is None:
        return None
    brief = next((e.brief for e in app.packs if e.brief and e.brief.id == step.pack_id), None)
    case = brief.case(step.case_id) if brief is not None else None
    if case is None:
        return None
    unit = plan.unit_of(step)
    where = f" (unit {unit.number} of {len(plan.units)})" if unit is not None else ""
    return f"Start here: {case.title}{where}"


def _start_run(app: CodetrainerApp, entry: PackEntry | None) -> None:
    found = course_next(app)
    if found is not None:
        app.open_case(*found)


def course_label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    """``Course: done/total done · unit N: done/total``; hidden without a course (and
    until the home screen's worker has prepared it)."""
    if not _prepared(app):
        return None
    plan = course_state(app).plan
    if plan is None:
        return None
    solved = _solved(app)
    done, total = plan.progress(solved)
    text = f"Course: {done}/{total} done"
    step = plan.next_step(solved)
    current = plan.unit_of(step) if step is not None else None
    if current is not None and done < total:
        d, t = current.progress(solved)
        text += f" · unit {current.number}: {d}/{t}"
    return text


def current_unit(app: CodetrainerApp) -> UnitPlan | None:
    """The unit of the next unsolved course case."""
    plan = course_state(app).plan
    if plan is None:
        return None
    step = plan.next_step(_solved(app))
    return plan.unit_of(step) if step is not None else None


def suggested_pack(app: CodetrainerApp) -> str | None:
    """The id of the pack holding the course's next unsolved case (for a first start, the
    course's first pack): the pack the home screen shows until the learner picks one.
    None until the home screen's worker has prepared the course, or without a course."""
    if not _prepared(app):
        return None
    plan = course_state(app).plan
    if plan is None:
        return None
    step = plan.next_step(_solved(app))
    return step.pack_id if step is not None else None


def open_step(app: CodetrainerApp, unit: UnitPlan) -> None:
    """Open the unit's first unsolved case (its first case when all are solved)."""
    solved = _solved(app)
    for step in unit.steps:
        if step.case_id not in solved(step.pack_id):
            break
    else:
        step = unit.steps[0] if unit.steps else None  # type: ignore[assignment]
        if step is not None:
            app.notify(f"Every case of {unit.unit.title} is solved; here is the first again.")
    found = _resolve(app, step) if step is not None else None
    if found is not None:
        app.open_case(*found)


def open_course(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Open the unit list."""
    plan = course_state(app).plan
    if plan is None:
        app.notify("No course is loaded.", title="Course")
        return
    from codetrainer.tui.screens.course import CourseScreen

    app.push_screen(CourseScreen(plan))


register_home_action(
    HomeAction(
        id="start",
        label=start_label,
        run=_start_run,
        help="First time here: open the first case of the course.",
        prepare=prepare_course,
    ),
    before="next",
)
register_home_action(
    HomeAction(
        id="course",
        label=course_label,
        run=open_course,
        key="c",
        help="The course's units in order, with how many cases of each you have solved.",
        # prepared with "start" (prepare_course readies both labels)
    ),
    before="review",
)
