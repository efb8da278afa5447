"""Dev harness for update detection on the shared eval set (reads /work/shared/eval).

Feeds the articles in `updates.jsonl` order to `find_updates` (one `MemoryPrior` per story),
then scores what it reported with the semantics of the set's `score_updates.py`: recall of
labelled new facts and changes for their own article, precision, repeats and changes flagged.
Figures are printed for the held-in part, the held-out part and the whole set; misses are shown
for the held-in part only (add --show-heldout to see the held-out ones too).

usage: PYTHONPATH=. python bench/dev_updates.py [--set DIR] [--holdout 005.txt,006.txt,...]
                                                 [--show] [--show-heldout]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from bench.evalset import scorer_sentences, similarity
from bot.domain import Story, StorySentence
from bot.text import split_sentences
from bot.understand.updates import MemoryPrior, UpdateSettings, judge_article

DEFAULT_SET = Path("/work/shared/eval")
DEFAULT_HOLDOUT = "005.txt,006.txt,007.txt,008.txt"

# The harness's stand-in for the lead's story tracker: only used for articles whose row in
# updates.jsonl lists no story (the synthetic syndicated copies).
STORIES = {
    "hostage_talks": Story(
        id="hostage_talks", title="Gaza hostage-release negotiations",
        terms=("hostage", "hostages", "ceasefire", "truce", "negotiations", "talks", "prisoners"),
        entities={"mediators": ("Qatar", "Egypt"), "people": ("William Burns",)},
    ),
    "rafah_offensive": Story(
        id="rafah_offensive", title="Israeli offensive on Rafah",
        terms=("Rafah", "offensive", "ground operation", "invasion", "evacuation"),
        entities={"places": ("Rafah",)},
    ),
}


@dataclass
class Art:
    file: str
    order: int
    url: str
    title: str
    date: datetime | None
    sentences: list[str]


def read_article(path: Path, order: int) -> Art:
    """Parse `# key: value` headers and split the body into sentences."""
    headers: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"# (\w+): (.*)", line)
        if m and not body:
            headers[m.group(1)] = m.group(2).strip()
        else:
            body.append(line)
    date = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", headers.get("date", "")):
        date = datetime.fromisoformat(headers["date"])
    return Art(path.name, order, headers.get("source", path.name), headers.get("title", ""), date,
               split_sentences("\n".join(body)))


def stories_for(row: dict, art: Art) -> list[str]:
    """Stories listed for the article in updates.jsonl, else those whose terms it mentions."""
    listed = [k for key in ("baseline_facts", "new_facts", "updates")
              for k, v in (row.get(key) or {}).items() if v]
    if listed:
        return list(dict.fromkeys(listed))
    text = " ".join(art.sentences).lower()
    scores = {sid: sum(text.count(t.lower()) for t in st.terms) for sid, st in STORIES.items()}
    best = max(scores.values())
    return [sid for sid, sc in scores.items() if sc == best and sc > 0]


# --- the scorer's semantics (score_updates.py): bench/evalset.py ----------------------------
sim = similarity


def facts(row: dict, key: str) -> list[str]:
    return [f["sentence"] for fs in (row.get(key) or {}).values() for f in fs]


def score(timeline: list[dict], setdir: Path, reported: list[dict], part: set[str]) -> dict:
    """Recall, precision, repeats and changes flagged for the articles in `part`."""
    order = {row["file"]: row["order"] for row in timeline}
    positives = {row["file"]: facts(row, "new_facts") + facts(row, "updates") + facts(row, "baseline_facts")
                 for row in timeline}
    repeats_lab = {row["file"]: [o["sentence"] for o in row.get("other", []) if o.get("why") == "repeat"]
                   for row in timeline}
    labelled = [(row["file"], s) for row in timeline[1:] if row["file"] in part
                for s in dict.fromkeys(facts(row, "new_facts") + facts(row, "updates"))]
    changes = [(row["file"], s) for row in timeline[1:] if row["file"] in part
               for s in dict.fromkeys(facts(row, "updates"))]
    sents = {f: scorer_sentences((setdir / "articles" / f).read_text(encoding="utf-8")) for f in order}
    mine = [u for u in reported if u["file"] in part]
    on_target = [u for u in mine if any(sim(u["sentence"], s) >= 0.7 for s in positives[u["file"]])]
    found = [(f, s) for f, s in labelled
             if any(u["file"] == f and sim(s, u["sentence"]) >= 0.7 for u in mine)]
    flagged = [(f, s) for f, s in changes
               if any(u["file"] == f and u["kind"] == "changed" and sim(s, u["sentence"]) >= 0.7
                      for u in mine)]
    repeats = []
    for u in mine:
        s, f = u["sentence"], u["file"]
        if u["kind"] == "changed":
            continue
        if any(sim(s, r) >= 0.7 for r in repeats_lab[f]):
            repeats.append(f"{f}: {s[:100]} (labelled a repeat)")
            continue
        homes = sorted(order[g] for g in sents if any(sim(s, x) >= 0.8 for x in sents[g]))
        if homes and homes[0] < order[f]:
            repeats.append(f"{f}: {s[:100]} (first said in article #{homes[0]})")
    off_target = [f"{u['file']}: {u['sentence'][:100]}" for u in mine if u not in on_target]
    return {
        "recall": (len(found), len(labelled)),
        "precision": (len(on_target), len(mine)),
        "repeats": (len(repeats), len(mine)),
        "changes": (len(flagged), len(changes)),
        "missed": [f"{f}: {s[:110]}" for f, s in labelled if (f, s) not in found],
        "unflagged": [f"{f}: {s[:110]}" for f, s in changes if (f, s) not in flagged],
        "repeat_list": repeats,
        "off_target": off_target,
    }


def label_of(row: dict, sentence: str) -> str:
    """The label of a sentence of this row (by the scorer's similarity), for diagnostics."""
    cats = [("change", facts(row, "updates")),
            ("fact", facts(row, "new_facts") + facts(row, "baseline_facts"))]
    cats += [(o["why"], [o["sentence"]]) for o in row.get("other", [])]
    best = max(((sim(sentence, x), name) for name, xs in cats for x in xs), default=(0.0, "?"))
    return best[1] if best[0] >= 0.7 else "?"


def run(setdir: Path, diag: set[str] | None = None,
        settings: UpdateSettings | None = None) -> tuple[list[dict], list[dict], int, float]:
    """Feed the timeline to the detector; return the timeline, what it reported, and speed data."""
    timeline = sorted((json.loads(line) for line in (setdir / "updates.jsonl").open() if line.strip()),
                      key=lambda r: r["order"])
    priors = {sid: MemoryPrior() for sid in STORIES}
    reported: list[dict] = []
    next_id = 1
    judged = 0
    elapsed = 0.0
    for row in timeline:
        art = read_article(setdir / "articles" / row["file"], row["order"])
        sentences = []
        for pos, text in enumerate(art.sentences):
            sentences.append(StorySentence(
                id=next_id, article_id=art.order, position=pos, text=text, article_url=art.url,
                article_title=art.title, source=urlparse(art.url).netloc or art.url, published=art.date))
            next_id += 1
        for sid in stories_for(row, art):
            story = STORIES[sid]
            t0 = time.perf_counter()
            judgements = judge_article(story, sentences, priors[sid], settings)
            elapsed += time.perf_counter() - t0
            judged += len(sentences)
            for j in judgements:
                if diag is not None and art.file in diag:
                    src = j.source.text[:60] if j.source else ""
                    print(f"{art.file} {sid[:6]} {label_of(row, j.sentence.text):10} {j.verdict:9} "
                          f"{j.coverage:.2f} | {j.sentence.text[:70]} || {src}")
                if j.verdict in ("new", "changed"):
                    reported.append({"file": art.file, "story": sid, "kind": j.verdict,
                                     "sentence": j.sentence.text, "article_url": art.url,
                                     "previous": j.previous.value if j.previous else None,
                                     "previous_sentence": j.previous.sentence if j.previous else None})
            priors[sid].add(sentences)
    return timeline, reported, judged, elapsed


def fmt(pair: tuple[int, int]) -> str:
    a, b = pair
    return f"{a}/{b} = {a / max(1, b):.0%}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--holdout", default=DEFAULT_HOLDOUT, help="comma-separated files held out")
    ap.add_argument("--show", action="store_true", help="print held-in misses, repeats, off-target")
    ap.add_argument("--show-heldout", action="store_true", help="print held-out misses too")
    ap.add_argument("--no-synonyms", action="store_true", help="match without WordNet synonyms")
    ap.add_argument("--diag", action="store_true", help="print every judgement with its label")
    ap.add_argument("--changes", action="store_true", help="list reported changes with previous values")
    args = ap.parse_args(argv)

    held_out = {f for f in args.holdout.split(",") if f}
    diag = None
    if args.diag:
        diag = {p.name for p in (args.set / "articles").glob("*.txt")}
        diag = diag if args.show_heldout else diag - held_out
    settings = UpdateSettings(synonyms=not args.no_synonyms)
    if settings.synonyms:  # load WordNet before timing
        from bot.understand.wordnet import load_wordnet
        load_wordnet(settings.wordnet_dir)
    timeline, reported, judged, elapsed = run(args.set, diag, settings)
    files = [row["file"] for row in timeline]
    parts = {"held-in": set(files) - held_out, "held-out": held_out & set(files), "whole": set(files)}
    print(f"{'part':9} {'recall':>14} {'precision':>14} {'repeats':>14} {'changes':>12}")
    results = {}
    for name, part in parts.items():
        r = score(timeline, args.set, reported, part)
        results[name] = r
        print(f"{name:9} {fmt(r['recall']):>14} {fmt(r['precision']):>14} {fmt(r['repeats']):>14} "
              f"{fmt(r['changes']):>12}")
    print(f"speed: {judged} sentence judgements in {elapsed:.2f}s = {judged / max(elapsed, 1e-9):.0f}/s")
    shown = ["held-in"] + (["held-out"] if args.show_heldout else [])
    if args.show or args.show_heldout:
        for name in shown:
            r = results[name]
            for key in ("missed", "unflagged", "repeat_list", "off_target"):
                print(f"\n[{name}] {key}:", *r[key], sep="\n  ")
    if args.changes:
        for u in reported:
            if u["kind"] == "changed" and (u["file"] not in held_out or args.show_heldout):
                print(f"\n{u['file']}: {u['sentence'][:110]}\n   was: {u['previous']!r}\n   in: "
                      f"{(u['previous_sentence'] or '')[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
