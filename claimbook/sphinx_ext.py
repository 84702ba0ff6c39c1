"""Sphinx hooks for the book (listed under sphinx.extra_extensions in _config.yml).

- Pages that paste values glued in another page (the introduction's headline numbers come from the
  verdicts page) are re-read whenever any page changes: Sphinx's incremental build does not know that
  dependency and would otherwise show last build's numbers.
- Each chapter page embeds its verdicts as schema.org ClaimReview JSON-LD in its <head>, read from the
  export the runner wrote, so the page and the download cannot disagree.
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


def setup(app):
    app.add_config_value("claimbook_pages_pasting_glue", [], "env")
    app.connect("env-get-outdated", _follow_glue)
    app.connect("html-page-context", _embed_claim_reviews)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
