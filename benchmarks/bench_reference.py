"""Measure the FY2026 reference cache and the lookup: build, warm load, memory, latency.

Run from the repository (with the project's virtual environment active):

    python benchmarks/bench_reference.py            # human-readable figures
    python benchmarks/bench_reference.py --json     # the same as JSON
    python benchmarks/bench_reference.py --rounds 20 --cache-dir /tmp/ct-bench

Everything runs against a private cache folder (a fresh temporary one unless
``--cache-dir`` is given), so your own cache is never touched. Warm loads and memory
are measured in fresh interpreters, one per sample. The lookup latency is measured
in this process after one warm-up pass, pinned to one CPU core where the OS allows.
Nothing here asserts a time: it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUERIES: list[tuple[str, str]] = [
    # exact codes, loose spellings
    ("code", "J02.9"),
    ("code", "j029"),
    ("code", "e119"),
    ("code", "E11.9"),
    ("code", "S52.521A"),
    ("code", "w6162xd"),
    ("code", "M17.11"),
    ("code", "99213"),
    ("code", "A4253"),
    ("code", "25"),
    ("code", "QW"),
    ("code", "I10"),
    # prefixes and branches
    ("prefix", "E11."),
    ("prefix", "M17.1"),
    ("prefix", "S52.521"),
    ("prefix", "E1"),
    ("prefix", "J0"),
    ("prefix", "9921"),
    ("prefix", "E11.6"),
    ("prefix", "S52"),
    ("prefix", "T07"),
    ("prefix", "Z"),
    # words (any order, inclusion terms)
    ("words", "sore throat"),
    ("words", "blood glucose strips"),
    ("words", "acute pharyngitis"),
    ("words", "pain in leg"),
    ("words", "low back pain"),
    ("words", "fracture of right radius"),
    ("words", "torus fracture lower end right radius subsequent"),
    ("words", "struck by duck subsequent"),
    ("words", "carditis"),
    ("words", "appendicitis"),
    ("words", "knee osteoarthritis right"),
    ("words", "office visit established"),
    ("words", "rapid strep test"),
    ("words", "abdominal pain"),
    ("words", "hypertension with chronic kidney disease"),
    ("words", "type 2 diabetes foot ulcer"),
    ("words", "bilateral"),
    ("words", "right"),
    ("words", "unspecified fracture"),
    ("words", "diab"),
    ("words", "sore thro"),
    # typos
    ("typo", "pnuemonia"),
    ("typo", "hypertenison"),
    ("typo", "astma"),
    ("typo", "diabetis"),
    ("typo", "pharyngits acute"),
    ("typo", "fractrue wrist"),
    ("typo", "bronchitis acut"),
    # abbreviations and lay terms
    ("abbrev", "DM2"),
    ("abbrev", "HTN"),
    ("abbrev", "URI"),
    ("abbrev", "CHF"),
    ("abbrev", "COPD"),
    ("abbrev", "UTI"),
    ("abbrev", "MI"),
    ("abbrev", "GERD"),
    ("abbrev", "CKD"),
    ("abbrev", "heart attack"),
    ("abbrev", "afib"),
    ("abbrev", "strep throat"),
]

_LOAD_PROBE = r"""
import json, os, sys, time, tracemalloc
what = sys.argv[1]

def rss():
    # (current, peak) resident set size in bytes, from /proc (Linux); 0 elsewhere
    try:
        fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    except OSError:
        return 0, 0
    kib = lambda k: int(fields.get(k, "0 kB").split()[0]) * 1024
    return kib("VmRSS"), kib("VmHWM")

clock = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.process_time
trace = os.environ.get("BENCH_TRACE") == "1"  # tracemalloc slows allocation: memory runs only
t0 = clock()
from codetrainer.core import reference
from codetrainer.core.codes import System
t1 = clock()
rss0, _ = rss()
if trace and what != "search":
    tracemalloc.start()
t2 = clock()
ref = reference.load_reference()
t3 = clock()
out = {"import_s": t1 - t0, "load_s": t3 - t2, "from_cache": ref.build.from_cache}
if what == "search":
    if trace:
        tracemalloc.start()
    from codetrainer.core.codesets import load_catalog
    from codetrainer.core.search import load_search_index
    t4 = clock()
    catalog = load_catalog(reference=ref)
    t5 = clock()
    index = load_search_index(ref, catalog)
    t6 = clock()
    index.search("sore throat")
    t7 = clock()
    out.update(catalog_s=t5 - t4, index_s=t6 - t5, first_query_s=t7 - t6)
current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss1, hwm = rss()
out.update(
    traced_current=current,
    traced_peak=peak,
    rss_before=rss0,
    rss_after=rss1,
    rss_peak=hwm,
)
print(json.dumps(out))
"""


def _probe(what: str, env: dict[str, str], clock: str, trace: bool = False) -> dict[str, Any]:
    env = {**env, "BENCH_CLOCK": clock, "BENCH_TRACE": "1" if trace else "0"}
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD_PROBE, what],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"probe failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            cpu = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpu})
            return f"pinned to CPU {cpu}"
        except OSError:
            pass
    return "not pinned"


def run(rounds: int, cache_dir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["CODETRAINER_CACHE"] = str(cache_dir)
    env.setdefault("CODETRAINER_HOME", str(cache_dir / "home"))
    os.environ.update({"CODETRAINER_CACHE": env["CODETRAINER_CACHE"]})
    os.environ.setdefault("CODETRAINER_HOME", env["CODETRAINER_HOME"])

    from codetrainer.core import reference as refmod
    from codetrainer.core import search as searchmod

    # 1. cold build (compile the XML, write the cache), in this process
    refmod.clear_memo()
    t = time.perf_counter()
    ref = refmod.load_reference(cache_dir, rebuild=True)
    build_total = time.perf_counter() - t
    cache_file = Path(ref.build.cache_file)
    t = time.perf_counter()
    index = searchmod.build_icd_index(ref)
    index_build = time.perf_counter() - t
    index_path = searchmod._index_path(ref, cache_dir)
    from codetrainer.fileio import write_bytes_atomic

    write_bytes_atomic(index_path, index.dump())

    # 2. warm loads and memory, one fresh interpreter per sample
    ref_samples = [_probe("reference", env, "cpu") for _ in range(rounds)]
    ref_wall = [_probe("reference", env, "wall") for _ in range(rounds)]
    ref_mem = [_probe("reference", env, "cpu", trace=True) for _ in range(3)]
    search_samples = [_probe("search", env, "cpu") for _ in range(max(3, rounds // 2))]
    search_wall = [_probe("search", env, "wall") for _ in range(max(3, rounds // 2))]
    search_mem = [_probe("search", env, "cpu", trace=True) for _ in range(3)]

    # 3. lookup latency over the fixed query list (this process, one core)
    pinning = _pin_one_core()
    from codetrainer.core.codesets import load_catalog

    refmod.clear_memo()
    ref = refmod.load_reference(cache_dir)
    catalog = load_catalog(reference=ref)
    searcher = searchmod.load_search_index(ref, catalog, cache_dir=cache_dir)
    for _, q in QUERIES:  # warm-up: lazy tables, regex caches, rapidfuzz import
        searcher.search(q)
    per_kind: dict[str, list[float]] = {}
    per_query: dict[str, list[float]] = {}
    all_ms: list[float] = []
    wall_ms: list[float] = []
    for _ in range(rounds):
        for kind, q in QUERIES:
            w = time.perf_counter()
            t = time.thread_time()
            searcher.search(q)
            ms = (time.thread_time() - t) * 1000
            wall_ms.append((time.perf_counter() - w) * 1000)
            all_ms.append(ms)
            per_kind.setdefault(kind, []).append(ms)
            per_query.setdefault(q, []).append(ms)
    slowest = sorted(((statistics.median(v), q) for q, v in per_query.items()), reverse=True)[:5]

    # 4. the held-out learner queries (tests/data/queries.yaml), each within its field's
    #    systems as the answer form searches: latency, and top-1/top-5 per system with the
    #    lay-term table, without it, and with the FY2025 CDC index imported (when present)
    learner = _learner(searcher, catalog, ref, rounds, cache_dir)

    def ms_stats(values: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(_pct(values, 95), 2),
            "max_ms": round(max(values), 2),
        }

    def mb(n: float) -> float:
        return round(n / 1e6, 1)

    load_times = [s["load_s"] * 1000 for s in ref_samples]
    load_wall = [s["load_s"] * 1000 for s in ref_wall]
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()]
            if hasattr(os, "getloadavg")
            else None,
            "latency_run": pinning,
        },
        "reference": {
            "items": len(ref),
            "billable": sum(1 for i in range(len(ref)) if ref.is_billable_at(i)),
            "cache_file_mb": mb(cache_file.stat().st_size),
            "build_compile_s": ref.build.build_seconds,
            "build_total_s": round(build_total, 2),
            "warm_load_ms_median": round(statistics.median(load_times), 1),
            "warm_load_ms_min": round(min(load_times), 1),
            "warm_load_ms_max": round(max(load_times), 1),
            "warm_load_wall_ms_median": round(statistics.median(load_wall), 1),
            "warm_load_wall_ms_min": round(min(load_wall), 1),
            "module_import_ms_median": round(
                statistics.median(s["import_s"] * 1000 for s in ref_samples), 1
            ),
            "traced_peak_mb": mb(statistics.median(s["traced_peak"] for s in ref_mem)),
            "traced_retained_mb": mb(statistics.median(s["traced_current"] for s in ref_mem)),
            "rss_growth_mb": mb(
                statistics.median(s["rss_after"] - s["rss_before"] for s in ref_samples)
            ),
            "rss_after_mb": mb(statistics.median(s["rss_after"] for s in ref_samples)),
            "rss_peak_mb": mb(statistics.median(s["rss_peak"] for s in ref_samples)),
        },
        "search": {
            "index_build_s": round(index_build, 2),
            "index_file_mb": mb(index_path.stat().st_size),
            "texts": index.n_texts,
            "words": len(index.vocab),
            "warm_index_load_ms_median": round(
                statistics.median(s["index_s"] * 1000 for s in search_samples), 1
            ),
            "catalog_load_ms_median": round(
                statistics.median(s["catalog_s"] * 1000 for s in search_samples), 1
            ),
            "first_query_ms_median": round(
                statistics.median(s["first_query_s"] * 1000 for s in search_samples), 1
            ),
            "warm_index_load_wall_ms_median": round(
                statistics.median(s["index_s"] * 1000 for s in search_wall), 1
            ),
            "traced_peak_mb_index": mb(statistics.median(s["traced_peak"] for s in search_mem)),
            "rss_after_mb_reference_plus_index": mb(
                statistics.median(s["rss_after"] for s in search_samples)
            ),
            "rss_peak_mb_reference_plus_index": mb(
                statistics.median(s["rss_peak"] for s in search_samples)
            ),
        },
        "lookup": {
            "queries": len(QUERIES),
            "rounds": rounds,
            **ms_stats(all_ms),
            "wall": ms_stats(wall_ms),
            "by_kind": {k: ms_stats(v) for k, v in per_kind.items()},
            "slowest_median_ms": [(round(ms, 2), q) for ms, q in slowest],
        },
        "learner": learner,
    }


REPO = Path(__file__).resolve().parents[1]
QUERY_FILE = REPO / "tests" / "data" / "queries.yaml"
SHARED_INDEX = REPO / ".." / "shared" / "data" / "icd10cm-index-fy2025" / "fy2025-fallback"


def _learner(searcher: Any, catalog: Any, ref: Any, rounds: int, cache_dir: Path) -> Any:
    from codetrainer.core.encoder.evaluate import FIELD_SYSTEMS, evaluate, load_queries, summarize
    from codetrainer.core.search import SearchIndex

    queries = load_queries(QUERY_FILE)

    def timed(index: Any) -> dict[str, float]:
        for q in queries:
            index.search(q.text, systems=FIELD_SYSTEMS[q.field])
        ms: list[float] = []
        for _ in range(max(1, rounds // 2)):
            for q in queries:
                t = time.thread_time()
                index.search(q.text, systems=FIELD_SYSTEMS[q.field])
                ms.append((time.thread_time() - t) * 1000)
        return {
            "p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(_pct(ms, 95), 2),
            "max_ms": round(max(ms), 2),
        }

    def quality(index: Any) -> dict[str, Any]:
        out = evaluate(index, queries)
        return {
            "by_system": {k: list(v) for k, v in summarize(out).items()},
            "by_kind": {k: list(v) for k, v in summarize(out, by="kind").items()},
            "misses": [(o.query.text, o.rank) for o in out if o.rank != 1],
        }

    plain = SearchIndex(ref, searcher._icd, catalog, use_lay_terms=False)
    result: dict[str, Any] = {
        "queries": len(queries),
        "bundled": {**quality(searcher), "latency": timed(searcher)},
        "tabular_only": quality(plain),
    }
    if SHARED_INDEX.is_dir():
        from codetrainer.core.encoder.cdcindex import import_index, load_index_lookup

        folder = cache_dir / "cdc-index"
        t = time.perf_counter()
        import_index(sorted(SHARED_INDEX.glob("*.xz")), dest=folder)
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        lookup = load_index_lookup(folder)
        load_s = time.perf_counter() - t
        index_only = SearchIndex(ref, searcher._icd, catalog, use_lay_terms=False, cdc_index=lookup)
        result["fy2025_index_no_lay_terms"] = quality(index_only)
        with_index = SearchIndex(ref, searcher._icd, catalog, cdc_index=lookup)
        result["with_fy2025_index"] = {
            **quality(with_index),
            "latency": timed(with_index),
            "import_s": round(import_s, 2),
            "load_s": round(load_s, 2),
        }
    return result


def _print(result: dict[str, Any]) -> None:
    m, r, s, lk = result["machine"], result["reference"], result["search"], result["lookup"]
    print(
        f"machine: Python {m['python']} on {m['platform']}, {m['cpus']} CPUs "
        f"({m['processor']}), load average {m['load_average']}"
    )
    print("times are CPU time of the measuring process unless marked 'wall'")
    print()
    print(
        f"reference: {r['items']:,} items, {r['billable']:,} billable, cache "
        f"{r['cache_file_mb']} MB"
    )
    print(
        f"  cache build:   {r['build_compile_s']:.2f} s wall to compile "
        f"({r['build_total_s']:.2f} s with writing the file)"
    )
    print(
        f"  warm load:     median {r['warm_load_ms_median']} ms (min {r['warm_load_ms_min']}, "
        f"max {r['warm_load_ms_max']}); wall median {r['warm_load_wall_ms_median']} ms "
        f"(min {r['warm_load_wall_ms_min']}); importing the module "
        f"{r['module_import_ms_median']} ms"
    )
    print(
        f"  memory:        tracemalloc peak {r['traced_peak_mb']} MB, retained "
        f"{r['traced_retained_mb']} MB; RSS growth {r['rss_growth_mb']} MB "
        f"(whole process: RSS {r['rss_after_mb']} MB, peak {r['rss_peak_mb']} MB)"
    )
    print()
    print(
        f"search index: {s['texts']:,} texts, {s['words']:,} words, file "
        f"{s['index_file_mb']} MB, build {s['index_build_s']:.2f} s wall"
    )
    print(
        f"  warm load:     index {s['warm_index_load_ms_median']} ms (wall "
        f"{s['warm_index_load_wall_ms_median']} ms), code sets {s['catalog_load_ms_median']} "
        f"ms, first query {s['first_query_ms_median']} ms"
    )
    print(
        f"  memory:        tracemalloc peak of the index load "
        f"{s['traced_peak_mb_index']} MB; whole process RSS "
        f"{s['rss_after_mb_reference_plus_index']} MB (peak "
        f"{s['rss_peak_mb_reference_plus_index']} MB)"
    )
    print()
    print(f"lookup: {lk['queries']} queries x {lk['rounds']} rounds ({m['latency_run']})")
    print(f"  all:           p50 {lk['p50_ms']} ms, p95 {lk['p95_ms']} ms, max {lk['max_ms']} ms")
    wall = lk["wall"]
    print(
        f"  all (wall):    p50 {wall['p50_ms']} ms, p95 {wall['p95_ms']} ms, "
        f"max {wall['max_ms']} ms"
    )
    for kind, st in lk["by_kind"].items():
        print(f"  {kind:<14} p50 {st['p50_ms']} ms, p95 {st['p95_ms']} ms, max {st['max_ms']} ms")
    slowest = ", ".join(f"{q!r} {ms}" for ms, q in lk["slowest_median_ms"])
    print(f"  slowest (median ms): {slowest}")
    ln = result["learner"]
    print()
    print(f"held-out learner queries: {ln['queries']} (tests/data/queries.yaml), field systems")
    for name in ("bundled", "tabular_only", "fy2025_index_no_lay_terms", "with_fy2025_index"):
        if name not in ln:
            continue
        part = ln[name]
        rows = ", ".join(
            f"{k} {t1 / n:.0%}/{t5 / n:.0%} (n={n})" for k, (n, t1, t5) in part["by_system"].items()
        )
        print(f"  {name:<26} top-1/top-5: {rows}")
        if "latency" in part:
            lat = part["latency"]
            print(
                f"  {'':<18} latency p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
                f"max {lat['max_ms']} ms"
            )
        if part["misses"]:
            print(f"  {'':<18} not first: {part['misses']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="samples per figure (default 10)")
    parser.add_argument("--cache-dir", type=Path, help="cache folder to use (default: a temp one)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    if args.cache_dir is not None:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
        result = run(max(1, args.rounds), args.cache_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
            result = run(max(1, args.rounds), Path(tmp))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
