"""Shared billing fixtures: the bundled billing packs, loaded once per module."""

from __future__ import annotations

from typing import Any

import pytest

from codetrainer.core.billing.loading import find_billing_packs, load_billing_pack
from codetrainer.core.billing.models import BillingPack
from codetrainer.core.billing.refdata import BillingReference, load_billing_reference
from codetrainer.core.codesets import Catalog, load_catalog
from codetrainer.core.reference import Reference


@pytest.fixture(scope="session")
def bref() -> BillingReference:
    return load_billing_reference(use_memo=False)


@pytest.fixture(scope="session")
def catalog(ref: Reference) -> Catalog:
    return load_catalog(reference=ref)


@pytest.fixture(scope="session")
def packs(ref: Reference, catalog: Catalog, bref: BillingReference) -> list[BillingPack]:
    out = []
    for path in find_billing_packs():
        loaded = load_billing_pack(path, reference=ref, catalog=catalog, ref=bref)
        assert loaded.value is not None, [d.format() for d in loaded.diagnostics]
        out.append(loaded.value)
    return out


@pytest.fixture(scope="session")
def exercises(packs: list[BillingPack]) -> dict[str, Any]:
    return {ex.id: ex for pack in packs for ex in pack.exercises}
