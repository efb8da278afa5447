"""Why each sentence of an eval set was judged as it was (a development harness for tuned sets only).

Ingests a set's articles one at a time in timeline order through the real pipeline into a temporary
SQLite store (with the set's own config), then prints every sentence's verdict, coverage, the
earlier sentence that covers it and, for changes, the previous value.

usage: python -m bench.dev_updates SETDIR [FILE ...]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bot.ingest.pipeline import StorePrior
from bot.ingest.seeds import find_seed_files, parse_seed, read_seed
from bot.runtime.core import build_core
from bot.settings import load_settings
from bot.text import words
from bot.understand.updates import judge_article


def main() -> None:
    """Print the verdicts of the named files (all when none are named)."""
    setdir = Path(sys.argv[1])
    only = set(sys.argv[2:])
    timeline = sorted((json.loads(line) for line in (setdir / "updates.jsonl").open() if line.strip()),
                      key=lambda r: r["order"])
    config = setdir / "config" if (setdir / "config").is_dir() else Path(__file__).parent.parent / "config"
    with tempfile.TemporaryDirectory() as tmp:
        core = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/dev.db",
                                         "NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATA_DIR": tmp}))
        stories = {s.id: s for s in core.store.list_stories()}
        labels: dict[str, str] = {}
        for row in timeline:
            for key in ("baseline_facts", "new_facts", "updates"):
                for facts in (row.get(key) or {}).values():
                    for fact in facts:
                        labels.setdefault(" ".join(words(fact["sentence"]))[:60], "UPD" if key == "updates" else "NEW")
            for other in row.get("other", []):
                labels.setdefault(" ".join(words(other["sentence"]))[:60], other.get("why", "other")[:4])
        for row in timeline:
            path = find_seed_files([setdir / "articles" / row["file"]])[0]
            raws = parse_seed(read_seed(path), row["file"])
            core.pipeline.ingest(raws)
            if only and row["file"] not in only:
                continue
            print(f"==== {row['file']}")
            for raw in raws:
                known = core.store.find_known(raw, "")
                if known is None:
                    continue
                article_id = known[0]
                at = core.store.article_moment(article_id)
                for story in stories.values():
                    mine = core.store.story_sentences(article_id, story.id)
                    if not mine:
                        continue
                    prior = StorePrior(core.store, story.id, at)
                    for j in judge_article(story, mine, prior):
                        src = prior.sentences([j.cover.source]).get(j.cover.source) if j.cover.source else None
                        prev = f" PREV[{j.previous[1].text}]" if j.previous else ""
                        label = labels.get(" ".join(words(j.sentence.text))[:60], "?")
                        wrong = "X" if (label in ("NEW", "UPD")) != (j.verdict in ("new", "changed")) else " "
                        print(f" {wrong}{label:4s} {j.verdict:9s} {j.cover.share:.2f} {j.sentence.text[:100]}{prev}")
                        if src is not None and j.verdict in ("repeat", "new") and j.cover.share > 0.5:
                            print(f"            <- {src.text[:110]}")
        core.close()


if __name__ == "__main__":
    main()
