"""Story assignment against the eval labels: an article belongs to a story when updates.jsonl lists
facts of that story for it. Syndicated copies merged into their original are not separate articles.

usage: python -m bench.eval_stories [SETDIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.evalset import eval_dir, read_jsonl
from bot.runtime.core import build_core
from bot.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    setdir = eval_dir(sys.argv[1:])
    labels = {}
    for row in read_jsonl(setdir / "updates.jsonl"):
        stories = set()
        for key in ("baseline_facts", "new_facts"):
            stories |= set((row.get(key) or {}).keys())
        labels[row["file"]] = {s.replace("_", "-") for s in stories}
    with tempfile.TemporaryDirectory() as tmp:
        core = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/s.db",
                                         "NEWSDESK_CONFIG_DIR": str(REPO / "config")}))
        core.pipeline.ingest_paths([setdir / "articles"])
        with core.store.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT a.origin, s.story_id FROM articles a "
                                        "LEFT JOIN article_stories s ON s.article_id = a.id").all()
        core.close()
    filed: dict[str, set[str]] = {}
    for origin, story in rows:
        filed.setdefault(Path(origin).name, set()).update({story} if story else set())
    tp = sum(len(filed[f] & labels[f]) for f in filed)
    fp = sum(len(filed[f] - labels[f]) for f in filed)
    fn = sum(len(labels[f] - filed.get(f, set())) for f in labels if f in filed)
    merged = sorted(set(labels) - set(filed))
    print(f"articles stored: {len(filed)}; merged as copies of another: {', '.join(merged) or 'none'}")
    print(f"story assignment: precision {tp}/{tp + fp} = {tp / max(1, tp + fp):.0%}, "
          f"recall {tp}/{tp + fn} = {tp / max(1, tp + fn):.0%}")
    for f in sorted(filed):
        if filed[f] != labels[f]:
            print(f"  {f}: filed {sorted(filed[f])}, labelled {sorted(labels[f])}")


if __name__ == "__main__":
    main()
