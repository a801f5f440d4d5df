"""Optimal assignment (maximum total weight) for the small matrices grading produces.

The Hungarian method in its O(n^2 m) shortest-augmenting-path form: exact, with no
dependency. Keys hold at most 12 diagnoses and a few lines, so this runs in microseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["max_weight_assignment", "trivial_assignment"]

_INF = float("inf")


def max_weight_assignment(weights: Sequence[Sequence[float]]) -> list[int | None]:
    """Pair rows with columns (each at most once) to maximise the total weight.

    Returns, for every row, its column or ``None``. Only pairs with a positive weight
    are made: a weight of 0 or less means "these two may not be paired".
    """
    n = len(weights)
    if n == 0:
        return []
    m = len(weights[0])
    if m == 0:
        return [None] * n
    fast = trivial_assignment(weights)
    if fast is not None:
        return fast
    if n > m:
        transposed = [[weights[i][j] for i in range(n)] for j in range(m)]
        cols = _hungarian(transposed, m, n)
        rows: list[int | None] = [None] * n
        for j, i in enumerate(cols):
            if i is not None:
                rows[i] = j
        return rows
    return _hungarian(weights, n, m)


def trivial_assignment(weights: Sequence[Sequence[float]]) -> list[int | None] | None:
    """When no row or column has two candidates, the answer is read off directly.

    Returns None when there is a real choice to make.
    """
    n = len(weights)
    m = len(weights[0]) if n else 0
    out: list[int | None] = [None] * n
    used = [False] * m
    for i in range(n):
        row = weights[i]
        found = None
        for j in range(m):
            if row[j] > 0:
                if found is not None or used[j]:
                    return None
                found = j
        if found is not None:
            used[found] = True
            out[i] = found
    return out


def _hungarian(weights: Sequence[Sequence[float]], n: int, m: int) -> list[int | None]:
    """Min-cost assignment of all n rows (n <= m) on cost = -max(weight, 0)."""
    cost = [[-w if w > 0 else 0.0 for w in row] for row in weights]
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row (1-based) assigned to column j; 0 = none
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [_INF] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = _INF
            j1 = 0
            row = cost[i0 - 1]
            ui0 = u[i0]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out: list[int | None] = [None] * n
    for j in range(1, m + 1):
        i = p[j]
        if i and weights[i - 1][j - 1] > 0:
            out[i - 1] = j - 1
    return out
