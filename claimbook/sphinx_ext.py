"""Sphinx hooks for the book (listed under sphinx.extra_extensions in _config.yml).

- Pages that paste values glued in another page (the introduction's headline numbers come from the
  verdicts page) are re-read whenever any page changes: Sphinx's incremental build does not know that
  dependency and would otherwise show last build's numbers.
- Each chapter page embeds its verdicts as schema.org ClaimReview JSON-LD in its <head>, read from the
  export the runner wrote, so the page and the download cannot disagree.
- Each script is included once. sphinx-thebe adds its inline configuration (`const THEBE_JS_URL = ...`)
  after the HTML builder has started, and Sphinx then lists it twice (once named None, once ''), so every
  page threw "Identifier 'THEBE_JS_URL' has already been declared" in the browser (tests/test_browser.py).
"""

from __future__ import annotations

import json

EXECUTED_PREFIX = "_build/executed/"


def _follow_glue(app, env, added, changed, removed):
    if not (added or changed or removed):
        return []
    return [doc for doc in app.config.claimbook_pages_pasting_glue if doc in env.found_docs]


def json_ld(reviews: list[dict]) -> str:
    """A <script> element carrying the reviews; '</' is escaped so no text can close the element."""
    text = json.dumps(reviews, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def _embed_claim_reviews(app, pagename, templatename, context, doctree):
    if not pagename.startswith(EXECUTED_PREFIX):
        return
    from .exports import CLAIMREVIEW

    if not CLAIMREVIEW.exists():
        return
    page = f"{pagename}.html#"
    reviews = [r for r in json.loads(CLAIMREVIEW.read_text()) if r["url"].startswith(page)]
    if reviews:
        context["metatags"] = context.get("metatags", "") + json_ld(reviews)


def _script_key(js) -> tuple:
    filename = getattr(js, "filename", js) or ""
    attributes = getattr(js, "attributes", {}) or {}
    return (str(filename), getattr(js, "priority", None), tuple(sorted(attributes.items())))


def _include_scripts_once(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app):
    app.add_config_value("claimbook_pages_pasting_glue", [], "env")
    app.connect("env-get-outdated", _follow_glue)
    app.connect("html-page-context", _embed_claim_reviews)
    app.connect("html-page-context", _include_scripts_once)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
