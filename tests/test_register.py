"""The claims register: valid as committed, and each kind of mistake reported."""

import shutil

import pytest
import yaml

from claimbook.core import register
from claimbook.core.notebooks import all_notebooks


def test_the_register_is_valid():
    assert register.validate() == []


def test_ids_are_unique_and_each_claim_is_checked_by_exactly_one_existing_or_planned_notebook():
    raw = yaml.safe_load((register.SEEDS_DIR / "claims.yaml").read_text())
    ids = [c["id"] for c in raw["claims"]]
    assert len(ids) == len(set(ids))
    known = set(all_notebooks()) | set(raw["planned_notebooks"])
    for c in raw["claims"]:
        assert isinstance(c["notebook"], str) and c["notebook"] in known, c["id"]


@pytest.mark.skipif(
    not register.ARTICLES_DIR.is_dir(), reason="the articles (../shared/seeds) are not beside this checkout"
)
def test_every_quote_occurs_in_its_article():
    for c in register.claims():
        for app in c["appearances"]:
            text = register._article_text(register.ARTICLES_DIR / f"{app['article']}.txt")
            assert register._normalise(app["quote"]) in text, (c["id"], app["article"])


@pytest.fixture
def seeds(tmp_path):
    for f in ("sources.yaml", "claims.yaml"):
        shutil.copy(register.SEEDS_DIR / f, tmp_path)
    return tmp_path


def _edit(seeds, change):
    path = seeds / "claims.yaml"
    raw = yaml.safe_load(path.read_text())
    change(raw["claims"])
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    return register.validate(seeds_dir=seeds)


def test_an_unchanged_copy_is_valid(seeds):
    assert _edit(seeds, lambda cs: None) == []


def test_a_duplicate_id_is_reported(seeds):
    def dup(cs):
        cs[1]["id"] = cs[0]["id"]

    assert any("the id RES-01 is used twice" in p for p in _edit(seeds, dup))


def test_a_notebook_that_does_not_exist_is_reported(seeds):
    def bad(cs):
        cs[0]["notebook"] = "reserve"

    assert any("names notebook 'reserve', which does not exist" in p for p in _edit(seeds, bad))


def test_a_numeric_claim_without_a_unit_is_reported(seeds):
    def bad(cs):
        del cs[0]["asserted"]["unit"]

    assert any("RES-01 asserts a value without a unit" in p for p in _edit(seeds, bad))


@pytest.mark.skipif(
    not register.ARTICLES_DIR.is_dir(), reason="the articles (../shared/seeds) are not beside this checkout"
)
def test_a_quote_that_is_not_in_its_article_is_reported(seeds):
    def bad(cs):
        cs[0]["appearances"][0]["quote"] = "Russia has the largest reserves on Earth"

    assert any("RES-01's quote does not occur in article" in p for p in _edit(seeds, bad))


def test_an_id_that_does_not_match_its_area_is_reported(seeds):
    def bad(cs):
        cs[0]["id"] = "ALU-99"

    assert any("should be named RES-NN" in p for p in _edit(seeds, bad))


def test_an_unknown_kind_and_an_unknown_article_are_reported(seeds):
    def bad(cs):
        cs[0]["kind"] = "rumour"
        cs[1]["appearances"][0]["article"] = "999_nothing"

    problems = _edit(seeds, bad)
    assert any("kind 'rumour'; allowed: numeric" in p for p in problems)
    assert any("cites article '999_nothing'" in p for p in problems)


def _edit_register(seeds, change):
    """The problems of a fresh copy of the register after `change` (to its whole mapping)."""
    path = shutil.copy(register.SEEDS_DIR / "claims.yaml", seeds / "claims.yaml")
    raw = yaml.safe_load(path.read_text())
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    return register.validate(seeds_dir=seeds)


def test_areas_and_their_id_prefixes_are_declared_in_the_register_not_in_the_code(seeds):
    def new_area(raw):
        raw["areas"]["metals"] = "MET"
        raw["claims"][0].update(area="metals", id="MET-01")

    problems = _edit_register(seeds, new_area)
    assert not any("area" in p or "MET-01" in p for p in problems), problems

    def wrong_prefix(raw):
        raw["claims"][0]["id"] = "RSV-01"

    assert "claims.yaml: RSV-01 should be named RES-NN for area reserves." in _edit_register(seeds, wrong_prefix)

    def undeclared(raw):
        del raw["areas"]["reserves"]

    assert any("RES-01 has area" in p and "allowed: offer, production," in p for p in _edit_register(seeds, undeclared))

    def shared_prefix(raw):
        raw["areas"]["metals"] = "RES"

    assert any("the prefix RES is declared for two areas" in p for p in _edit_register(seeds, shared_prefix))

    def bad_prefix(raw):
        raw["areas"]["metals"] = "met"

    assert any(
        "area 'metals' needs a lower-case name and a prefix of three capital letters" in p
        for p in _edit_register(seeds, bad_prefix)
    )
    assert any("declares no areas" in p for p in _edit_register(seeds, lambda raw: raw.pop("areas")))
