"""Issue #8: the verdicts summary, the robustness sweep and the machine-readable exports."""

import json
import re

import jsonschema
import pytest
from conftest import EXECUTED, HTML, run_cli, tree_digest

from claimbook import ROOT
from claimbook.builder import exports
from claimbook.builder.collect import flips
from claimbook.builder.sphinx_ext import json_ld
from claimbook.core.register import claims
from claimbook.core.rules import SCALE

SWEEPS = ROOT / "_build" / "sweeps"


def _schema(name):
    return json.loads((exports.SCHEMA_DIR / name).read_text())


def _record(**changes):
    base = {
        "claim_id": "XYZ-01",
        "area": "reserves",
        "kind": "numeric",
        "claimant": "article",
        "claimant_role": None,
        "as_of": "2025-02-24",
        "statement": "A statement.",
        "label": "accurate",
        "rating": 5,
        "conclusion": "It holds.",
        "claimed": 1,
        "found": 1,
        "rule": "A rule.",
        "datasets": ["d"],
        "evidence": "official statistics",
        "sources": [],
        "findings": [],
        "since_then": [],
        "content": None,
        "searched": "",
        "sensitivity": "",
        "chapter": "10_reserves",
        "section": "_build/executed/10_reserves.html#xyz-01",
        "parameters": {},
        "robustness": None,
        "articles": [
            {
                "article": "002_9b9adaff7cf23c2c",
                "headline": None,
                "publication": "Rare Earth Exchanges",
                "author": None,
                "date_earliest": "2025-02-24",
                "date_latest": "2025-04-29",
                "quote": "q",
            }
        ],
    }
    return {**base, **changes}


def test_a_rated_label_carries_its_rating_value_and_an_unrated_one_none():
    rated = exports.claim_review(_record())["reviewRating"]
    assert rated["ratingValue"] == 5 and rated["alternateName"] == "accurate"
    assert (rated["bestRating"], rated["worstRating"]) == (5, 1)
    unrated = exports.claim_review(_record(label="not rated", rating=None))["reviewRating"]
    assert "ratingValue" not in unrated and unrated["alternateName"] == "not rated"
    jsonschema.validate(
        [exports.claim_review(_record()), exports.claim_review(_record(label="not rated", rating=None))],
        _schema("claimreview.schema.json"),
    )


def test_the_claimreview_schema_refuses_a_rating_on_an_unrated_label_and_a_missing_one_on_a_rated_label():
    wrong = exports.claim_review(_record(label="unverifiable", rating=None))
    wrong["reviewRating"]["ratingValue"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([wrong], _schema("claimreview.schema.json"))
    missing = exports.claim_review(_record(label="mixed", rating=None))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([missing], _schema("claimreview.schema.json"))


def test_the_claim_author_is_the_person_who_made_it_or_the_publication():
    person = exports.claim_review(_record(claimant="Vladimir Putin", claimant_role="President of Russia"))
    assert person["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Vladimir Putin",
        "jobTitle": "President of Russia",
    }
    outlet = exports.claim_review(_record())
    assert outlet["itemReviewed"]["author"] == {"@type": "Organization", "name": "Rare Earth Exchanges"}
    # the seed's date is a range, not a publication date: it is given as such
    assert outlet["itemReviewed"]["appearance"][0]["temporalCoverage"] == "2025-02-24/2025-04-29"


def test_flips_names_each_label_with_its_values_and_is_empty_when_stable():
    moving = {"parameter": "edition", "labels": {2023: "inaccurate", 2024: "inaccurate", 2025: "accurate"}}
    assert flips(moving) == "inaccurate with edition=2023, 2024; accurate with edition=2025"
    assert flips({"parameter": "edition", "labels": {2023: "mixed", 2024: "mixed"}}) == ""


def test_json_ld_cannot_close_its_script_element():
    text = json_ld([{"claimReviewed": "</script><script>alert(1)</script>"}])
    assert text.count("</script>") == 1 and json.loads(text.split(">", 1)[1].rsplit("<", 1)[0].replace("<\\/", "</"))


def _strict(text: str):
    """JSON as a browser's JSON.parse reads it: no Infinity, -Infinity or NaN (Python's reader accepts them)."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_the_exports_match_their_schemas(built_book):
    records = _strict(exports.VERDICTS_JSON.read_text())
    jsonschema.validate(records, _schema("verdicts.schema.json"))
    reviews = _strict(exports.CLAIMREVIEW.read_text())
    jsonschema.validate(reviews, _schema("claimreview.schema.json"))
    assert [r["claim_id"] for r in records] == [c["id"] for c in claims()]


def test_the_exports_agree_with_the_book(built_book):
    records = {r["claim_id"]: r for r in json.loads(exports.VERDICTS_JSON.read_text())}
    judged = {k: r for k, r in records.items() if r["label"]}
    reviews = json.loads(exports.CLAIMREVIEW.read_text())
    assert len(reviews) == len(judged)
    csv_rows = exports.VERDICTS_CSV.read_text().splitlines()
    assert len(csv_rows) == len(records) + 1
    # every verdict box in the chapters shows the label the exports carry, and the page embeds the same reviews
    shown = {}
    for page in (HTML / "_build" / "executed").glob("*.html"):
        text = page.read_text()
        for claim_id, label in re.findall(
            r'id="verdict-([A-Z]{3}-\d\d)".*?Verdict on \1:</strong> <span class="verdict-badge[^"]*">([a-z ]+)</span>',
            text,
        ):
            shown[claim_id] = label
        embedded = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        mine = [r for r in reviews if r["url"].startswith(f"_build/executed/{page.stem}.html#")]
        if mine:
            assert len(embedded) == 1 and json.loads(embedded[0].replace("<\\/", "</")) == mine
    assert shown == {k: r["label"] for k, r in judged.items()}
    for review in reviews:
        claim_id = review["url"].rsplit("#", 1)[1].upper()
        assert review["reviewRating"]["alternateName"] == records[claim_id]["label"]
        assert review.get("reviewRating", {}).get("ratingValue") == SCALE[records[claim_id]["label"]]


def test_the_verdicts_page_lists_every_claim_links_downloads_and_the_matrix(built_book):
    page = (HTML / "_build" / "executed" / "03_verdicts.html").read_text()
    for c in claims():
        assert f">{c['id']}<" in page
    for name in ("verdicts.json", "verdicts.csv", "claimreview.jsonld"):
        assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/{re.escape(name)}"', page), name
    assert "edition=2025 (default)" in page
    intro = (HTML / "book" / "intro.html").read_text()
    judged = sum(1 for r in json.loads(exports.VERDICTS_JSON.read_text()) if r["label"])
    assert f"Of the {len(claims())} claims" in re.sub(r"<[^>]+>", "", intro) and judged


def test_the_build_sweeps_every_edition_and_the_matrix_shows_a_verdict_that_flips(built_book):
    records = {r["claim_id"]: r for r in json.loads(exports.VERDICTS_JSON.read_text())}
    robustness = records["RES-01"]["robustness"]
    assert robustness["parameter"] == "edition" and robustness["default"] == 2025
    assert set(robustness["labels"]) == {"2023", "2024", "2025", "2026"}
    # the 2025 column is the chapter itself at its defaults
    assert robustness["labels"]["2025"] == records["RES-01"]["label"]
    assert flips(robustness), "RES-01 is inaccurate in the editions before the revision to 3.8 Mt"


def test_a_sweep_from_the_command_line_leaves_the_chapter_and_book_alone(built_book):
    chapter, book = tree_digest(EXECUTED / "10_reserves.ipynb"), tree_digest(HTML)
    proc = run_cli("run", "reserves", "--sweep", "edition=2023,2024", "-j", "2")
    assert proc.returncode == 0, proc.stderr
    assert (SWEEPS / "10_reserves" / "edition=2023.ipynb").exists()
    assert tree_digest(EXECUTED / "10_reserves.ipynb") == chapter and tree_digest(HTML) == book


@pytest.mark.parametrize(
    "sweep, message",
    [
        (
            "edition=2023,1999",
            "edition=1999 is not available for reserves (with country='Russia'); allowed: 2023, 2024, 2025, 2026.",
        ),
        ("edition=20x4", "edition must be int (a whole number such as 2025), but '20x4' is not."),
        ("colour", "reserves has no parameter 'colour'; its parameters are:"),
        ("tolerance_pct", "tolerance_pct of reserves has no finite set of values to sweep"),
        ("edition=", "--sweep 'edition=' has an empty value"),
    ],
)
def test_a_bad_sweep_is_refused_before_anything_runs(built_book, sweep, message):
    before = tree_digest(ROOT / "_build" / "sweeps")
    proc = run_cli("run", "reserves", "--sweep", sweep)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert tree_digest(ROOT / "_build" / "sweeps") == before


def test_every_conclusion_is_one_plain_sentence_of_at_most_40_words_without_internal_names(built_book):
    from claimbook.core.evidence import IDENTIFIER

    for r in json.loads(exports.VERDICTS_JSON.read_text()):
        for text in filter(None, [r["conclusion"], (r["content"] or {}).get("conclusion")]):
            assert len(text.split()) <= 40, (r["claim_id"], text)
            assert not IDENTIFIER.search(text), (r["claim_id"], IDENTIFIER.search(text).group(0), text)


def test_every_rated_claim_shows_its_label_its_evidence_strength_and_its_sources(built_book):
    records = json.loads(exports.VERDICTS_JSON.read_text())
    for r in records:
        assert r["label"], f"{r['claim_id']} has no verdict"
        if r["label"] in ("not rated", "unverifiable"):
            continue
        assert r["evidence"] != "no record", r["claim_id"]
        assert r["sources"] and all(s["published"] and s["url"] for s in r["sources"]), r["claim_id"]
    page_text = "".join(p.read_text() for p in (HTML / "_build" / "executed").glob("*.html"))
    assert page_text.count('class="evidence-badge"') >= sum(1 for r in records if r["label"])


def test_unverifiable_is_rare_and_each_says_what_was_searched(built_book):
    records = json.loads(exports.VERDICTS_JSON.read_text())
    unverifiable = [r for r in records if r["label"] == "unverifiable"]
    assert len(unverifiable) <= 5, [r["claim_id"] for r in unverifiable]
    assert all(len(r["searched"].split()) >= 5 for r in unverifiable), [r["claim_id"] for r in unverifiable]


def test_no_source_published_after_a_claims_date_decides_it(built_book):
    for r in json.loads(exports.VERDICTS_JSON.read_text()):
        for f in r["findings"]:
            if f["published"] and f["published"] > r["as_of"]:
                assert f["since_then"], (r["claim_id"], f["part"])


def test_a_corrected_claim_carries_date_modified_and_an_uncorrected_one_none(monkeypatch):
    from claimbook.builder import published

    log = [
        {
            "date": "2026-12-03",
            "claim": "XYZ-01",
            "old_label": "accurate",
            "new_label": "mixed",
            "reason": "A revision.",
            "rating_changed": True,
        }
    ]
    monkeypatch.setattr(published, "read_corrections", lambda path=None: log)
    review = exports.claim_review(_record(label="mixed", rating=3))
    assert review["dateModified"] == "2026-12-03"
    assert "dateModified" not in exports.claim_review(_record(claim_id="XYZ-02"))
    jsonschema.validate([review], _schema("claimreview.schema.json"))


def test_the_second_sweep_parameter_is_on_the_page_and_not_in_the_matrix(built_book):
    from claimbook.builder.collect import chapter_sweeps

    sweeps = chapter_sweeps("10_reserves")
    assert [s["parameter"] for s in sweeps] == ["edition", "largest_top_n"]
    assert [v for v, _ in sweeps[1]["values"]] == [3, 4, 5, 6]
    records = {r["claim_id"]: r for r in json.loads(exports.VERDICTS_JSON.read_text())}
    assert records["RES-05"]["robustness"]["parameter"] == "edition"
    page = (HTML / "_build" / "executed" / "10_reserves.html").read_text()
    data = re.search(r'<script type="application/json" class="claimbook-switch-data">(.*?)</script>', page, re.S)
    embedded = json.loads(data.group(1))
    assert "largest_top_n=4" in embedded["alternatives"] and "edition=2023" in embedded["alternatives"]
    assert "<" not in data.group(1)  # escaped, so no text can close the element


def test_a_stale_copy_of_a_sweep_no_longer_declared_does_not_count(tmp_path):
    """Copies are named after the parameter they sweep: a leftover copy of an old sweep, at the defaults like the
    current sweep's default copy, must not stand in for it."""
    import nbformat

    from claimbook.builder.collect import chapter_sweeps
    from claimbook.builder.runner import declared_sweeps
    from claimbook.core import rules as v
    from claimbook.core.notebooks import all_notebooks
    from claimbook.core.params import notebook_parameters

    path = all_notebooks()["reserves"]
    param = declared_sweeps(path)[0]
    defaults = {n: p.default for n, p in notebook_parameters(path).items()}

    def copy(name, label):
        verdict = v.Verdict("RES-01", label, "x", 1, 1, "r", [])
        out = nbformat.v4.new_output(
            "display_data",
            data={v.GLUE_MIME: verdict.to_dict()},
            metadata={"scrapbook": {"name": "verdict-RES-01", "mime_prefix": v.GLUE_PREFIX}},
        )
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("", outputs=[out])],
            metadata={"claimbook": {"parameters": defaults, "non_default": {}}},
        )
        folder = tmp_path / path.stem
        folder.mkdir(exist_ok=True)
        nbformat.write(nb, folder / name)

    copy("aaa_retired=old.ipynb", "inaccurate")  # sorts first
    copy(f"{param}={defaults[param]}.ipynb", "accurate")
    sweep = chapter_sweeps(path.stem, tmp_path)[0]
    assert dict(sweep["values"])[defaults[param]]["RES-01"]["label"] == "accurate"
