"""Exam mode: deterministic selection, timer bookkeeping, resume, grading and the summary."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codetrainer.core.answer import GivenAnswer, GivenLine
from codetrainer.core.exam import (
    DEFAULT_SECONDS_PER_CASE,
    ExamCase,
    ExamError,
    ExamSession,
    exam_pool,
    exam_summary,
    record_exam,
    select_cases,
)
from codetrainer.core.models import AnswerKey, Case, DiagnosisKey, LineKey, Pack, PackInfo
from codetrainer.core.store import Store


def _case(case_id: str, code: str = "J02.9", tags: tuple[str, ...] = ("ENT",)) -> Case:
    return Case(
        id=case_id,
        title=f"Case {case_id}",
        tags=list(tags),
        note=f"Note for {case_id}. Assessment: pharyngitis.",
        answer=AnswerKey(
            diagnoses=[DiagnosisKey(code=code)],
            lines=[LineKey(code="99213", pointers=[1])],
        ),
    )


def _pack(pack_id: str, n: int) -> Pack:
    return Pack(
        pack=PackInfo(id=pack_id, title=pack_id, version="1", code_year="FY2026"),
        cases=[
            _case(f"{pack_id}-{i:02d}", tags=("ENT",) if i % 2 else ("fracture",)) for i in range(n)
        ],
    )


PACKS = [_pack("alpha", 15), _pack("beta", 25)]
POOL = exam_pool(PACKS)


@dataclass
class FakeItem:
    field: str
    expected: str | None
    given: str | None
    points: float
    max_points: float


@dataclass
class FakeResult:
    score: float
    items: tuple[FakeItem, ...]
    kinds: Counter[str]
    wrong_codes: list[str]


def fake_grade(case: Case, answer: GivenAnswer) -> FakeResult:
    """Full marks when the first diagnosis matches the key, else zero with a wrong code."""
    expected = case.answer.diagnoses[0].code
    given = answer.diagnoses[0] if answer.diagnoses else None
    right = given == expected
    return FakeResult(
        score=100.0 if right else 0.0,
        items=(FakeItem("diagnosis", expected, given, 1.0 if right else 0.0, 1.0),),
        kinds=Counter() if right else Counter({"missing" if given is None else "wrong_code": 1}),
        wrong_codes=[] if right or given is None else [given],
    )


def test_pool_has_every_case_once() -> None:
    assert len(POOL) == 40
    assert len(exam_pool([*PACKS, PACKS[0]])) == 40


def test_selection_is_deterministic_and_ignores_load_order() -> None:
    first = select_cases(POOL, 20, seed=42)
    shuffled = POOL[:]
    random.Random(9).shuffle(shuffled)
    assert [c.key for c in select_cases(shuffled, 20, seed=42)] == [c.key for c in first]
    assert [c.key for c in select_cases(POOL, 20, seed="42")] == [c.key for c in first]
    assert [c.key for c in select_cases(POOL, 20, seed=43)] != [c.key for c in first]


def test_selection_with_a_small_pool_returns_everything() -> None:
    picked = select_cases(POOL[:5], 20, seed=1)
    assert sorted(c.key for c in picked) == sorted(c.key for c in POOL[:5])
    with pytest.raises(ExamError):
        select_cases(POOL, 0)


@given(seed=st.integers() | st.text(max_size=10), n=st.integers(1, 60))
def test_selection_properties(seed: int | str, n: int) -> None:
    picked = select_cases(POOL, n, seed)
    keys = [c.key for c in picked]
    assert len(keys) == len(set(keys)) == min(n, len(POOL))
    assert set(keys) <= {c.key for c in POOL}
    assert keys == [c.key for c in select_cases(POOL, n, seed)]


def test_new_session_defaults() -> None:
    session = ExamSession.new(POOL, seed=7)
    assert len(session.cases) == 20
    assert session.time_limit == 20 * DEFAULT_SECONDS_PER_CASE
    assert session.seed == "7" and session.id.startswith("exam-")
    assert ExamSession.new(POOL, n=3, time_limit=None).time_limit is None
    assert ExamSession.new(POOL).seed.isdigit()  # a random seed is drawn and kept
    with pytest.raises(ExamError, match="no cases"):
        ExamSession.new([])


def test_timer_and_per_case_time() -> None:
    s = ExamSession.new(POOL, n=3, seed=1, time_limit=600)
    assert s.elapsed(50) == 0 and not s.running
    s.start(100)
    s.open_case(0, 100)
    s.open_case(1, 160)  # 60 s on case 0
    assert s.elapsed(190) == 90 and s.remaining(190) == 510
    s.pause(200)  # 40 s on case 1
    assert s.seconds[:2] == [60.0, 40.0]
    assert s.elapsed(5000) == 100  # paused: the clock stands still
    s.start(1000)  # resume, back on case 1
    s.close_case(1030)
    assert s.seconds[1] == 70.0
    assert s.elapsed(1030) == 130
    assert not s.expired(1499) and s.expired(1500) and s.remaining(2000) == 0
    with pytest.raises(IndexError):
        s.open_case(3, 1500)


def test_untimed_exam_never_expires() -> None:
    s = ExamSession.new(POOL, n=2, seed=1, time_limit=None)
    s.start(0)
    assert s.remaining(10**9) is None and not s.expired(10**9)


def test_drafts_replace_and_empty_answers_clear() -> None:
    s = ExamSession.new(POOL, n=2, seed=1)
    s.save_answer(0, GivenAnswer(diagnoses=("J02.0",)))
    s.save_answer(0, GivenAnswer(diagnoses=("J02.9",)))
    s.save_answer(1, GivenAnswer(diagnoses=("R07.9",)))
    s.save_answer(1, GivenAnswer())
    assert s.answered == 1 and s.answers[0].diagnoses == ("J02.9",)


def test_record_round_trip_resumes_with_drafts_and_time() -> None:
    s = ExamSession.new(POOL, n=4, seed="r", time_limit=900)
    s.start(0)
    s.open_case(2, 0)
    s.save_answer(
        2, GivenAnswer(diagnoses=("J02.9",), lines=(GivenLine("99213", pointers=("1",)),))
    )
    s.open_case(3, 50)
    record = s.to_record(now=80)
    assert record.finished_at is None
    back = ExamSession.from_record(record, POOL)
    assert [c.key for c in back.cases] == [c.key for c in s.cases]
    assert back.answers == s.answers
    assert back.seconds == s.seconds == [0.0, 0.0, 50.0, 0.0]
    assert back.elapsed(0) == 80 and not back.running and back.current == 3
    back.start(1000)
    assert back.elapsed(1010) == 90
    back.pause(1010)
    assert back.seconds[3] == 10.0


def test_resume_fails_clearly_when_a_case_is_gone() -> None:
    s = ExamSession.new(POOL, n=4, seed="r")
    record = s.to_record()
    smaller = [c for c in POOL if c.key != s.cases[1].key]
    with pytest.raises(ExamError, match=s.cases[1].case.id):
        ExamSession.from_record(record, smaller)


def _answer_right(case: ExamCase) -> GivenAnswer:
    return GivenAnswer(diagnoses=(case.case.answer.diagnoses[0].code,))


def test_finish_grades_everything_and_summarises() -> None:
    s = ExamSession.new(POOL, n=4, seed=3, time_limit=60)
    s.start(0)
    s.open_case(0, 0)
    s.save_answer(0, _answer_right(s.cases[0]))
    s.open_case(1, 30)
    s.save_answer(1, GivenAnswer(diagnoses=("J02.0",)))
    outcome = s.finish(90, fake_grade)  # over time; cases 2 and 3 unanswered
    assert s.finished_at is not None and not s.running
    assert [a.score for a in outcome.attempts] == [100.0, 0.0, 0.0, 0.0]
    assert {a.mode for a in outcome.attempts} == {"exam"}
    assert {a.exam_id for a in outcome.attempts} == {s.id}
    assert {a.hints_used for a in outcome.attempts} == {0}
    assert [a.seconds for a in outcome.attempts] == [30.0, 60.0, 0.0, 0.0]
    summary = outcome.summary
    assert (summary.cases, summary.answered, summary.score) == (4, 2, 25.0)
    assert not summary.passed and summary.over_time and summary.elapsed_seconds == 90
    assert [r.answered for r in summary.results] == [True, True, False, False]
    assert summary.results[0].title == s.cases[0].case.title
    kinds = {w.name for w in summary.weakest if w.category == "kind"}
    assert kinds == {"missing", "wrong_code"}
    assert outcome.record.finished_at == s.finished_at
    with pytest.raises(ExamError):
        s.finish(100, fake_grade)
    with pytest.raises(ExamError):
        s.save_answer(0, GivenAnswer(diagnoses=("X",)))
    with pytest.raises(ExamError):
        ExamSession.from_record(outcome.record, POOL)


def test_unanswered_can_be_left_out() -> None:
    s = ExamSession.new(POOL, n=3, seed=3)
    s.save_answer(1, _answer_right(s.cases[1]))
    outcome = s.finish(0, fake_grade, include_unanswered=False)
    assert [a.case_id for a in outcome.attempts] == [s.cases[1].case.id]
    assert outcome.summary.score == pytest.approx(100 / 3)


def test_record_exam_saves_once_and_the_summary_can_be_rebuilt(tmp_path: Path) -> None:
    with Store(tmp_path / "p.sqlite3") as store:
        s = ExamSession.new(POOL, n=5, seed="class-a")
        store.save_exam(s.to_record())
        assert [r.id for r in store.exams(finished=False)] == [s.id]
        s.start(0)
        for i, case in enumerate(s.cases):
            s.open_case(i, i * 10)
            if i % 2 == 0:
                s.save_answer(i, _answer_right(case))
        outcome = record_exam(store, s.finish(100, fake_grade))
        assert all(a.id is not None for a in outcome.attempts)
        assert store.exams(finished=False) == []
        [saved] = store.exams(finished=True)
        rebuilt = exam_summary(saved, store.attempts(exam_id=s.id))
        assert rebuilt == outcome.summary
        assert rebuilt.score == 60.0 and rebuilt.answered == 3 and rebuilt.passed is False


def test_exam_with_the_real_grader() -> None:
    from codetrainer.core.grading import grade_case

    s = ExamSession.new(POOL, n=2, seed=11)
    s.save_answer(
        0,
        GivenAnswer(
            diagnoses=(s.cases[0].case.answer.diagnoses[0].code,),
            lines=(GivenLine("99213", pointers=("1",)),),
        ),
    )
    outcome = s.finish(0, grade_case)
    first, second = outcome.attempts
    assert first.score == 100.0 and first.kinds == ()
    assert second.score == 0.0 and "missing" in second.kinds
    assert set(first.systems) >= {"ICD-10-CM", "CPT"}


def test_time_limit_must_be_positive() -> None:
    with pytest.raises(ExamError, match="more than 0"):
        ExamSession.new(POOL, n=2, time_limit=0)
    assert ExamSession.new(POOL, n=2, time_limit=30.5).time_limit == 30.5
