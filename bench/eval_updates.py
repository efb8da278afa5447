"""Score `updates --json` on an eval set's timeline: recall, precision, repeats, changes flagged.

The articles are ingested one at a time in timeline order into a fresh store, as a desk would
receive them; then every reported update is checked against the labels in updates.jsonl.

usage: python -m bench.eval_updates [SETDIR] [--show]
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.evalset import BotRunner, eval_dir, read_jsonl, scorer_sentences, similarity


def _facts(row: dict, key: str) -> list[str]:
    return [fact["sentence"] for facts in (row.get(key) or {}).values() for fact in facts]


def run_timeline(setdir: Path) -> list[dict]:
    """Ingest the set's articles one at a time in timeline order via the CLI; the reported updates."""
    timeline = sorted(read_jsonl(setdir / "updates.jsonl"), key=lambda r: r["order"])
    bot = BotRunner(setdir / "config" if (setdir / "config").is_dir() else None)  # a set's own stories
    try:
        for row in timeline:
            bot.run("ingest", str(setdir / "articles" / row["file"]))
        return [json.loads(line) for line in bot.run("updates", "--json").splitlines() if line.startswith("{")]
    finally:
        bot.close()


@dataclass
class UpdateScores:
    """The four measures of the update detector, with what was missed for --show."""

    recall: float
    precision: float
    repeat_share: float
    changes_flagged: float
    lines: list[str]
    details: list[str]


def score(setdir: Path, reported: list[dict]) -> UpdateScores:
    """Score reported updates (the `updates --json` shape) against the set's labels."""
    timeline = sorted(read_jsonl(setdir / "updates.jsonl"), key=lambda r: r["order"])
    articles = setdir / "articles"
    order = {row["file"]: row["order"] for row in timeline}
    file_of_url = {}
    for row in timeline:
        for line in (articles / row["file"]).read_text().splitlines()[:4]:
            if line.startswith("# source:"):
                file_of_url[line.split(":", 1)[1].strip()] = row["file"]
    positives = {r["file"]: _facts(r, "new_facts") + _facts(r, "updates") + _facts(r, "baseline_facts")
                 for r in timeline}
    labelled_repeats = {r["file"]: [o["sentence"] for o in r.get("other", []) if o.get("why") == "repeat"]
                        for r in timeline}
    wanted = [(r["file"], s) for r in timeline[1:]
              for s in dict.fromkeys(_facts(r, "new_facts") + _facts(r, "updates"))]
    changes = [(r["file"], s) for r in timeline[1:] for s in dict.fromkeys(_facts(r, "updates"))]
    earlier_of = {(r["file"], u["sentence"]): [e["sentence"] for e in u.get("earlier", [])]
                  for r in timeline for us in (r.get("updates") or {}).values() for u in us}
    texts = {f: scorer_sentences((articles / f).read_text()) for f in order}

    def home(u: dict) -> str | None:
        return file_of_url.get(u.get("article_url", ""))

    def belongs(u: dict, f: str) -> bool:
        return home(u) in (None, f)

    on_target = [u for u in reported if any(similarity(u["sentence"], s) >= 0.7
                                            for f, ss in positives.items() if belongs(u, f) for s in ss)]
    found = [(f, s) for f, s in wanted if any(belongs(u, f) and similarity(s, u["sentence"]) >= 0.7 for u in reported)]
    flagged = [(f, s) for f, s in changes if any(belongs(u, f) and u.get("kind") == "changed"
                                                 and similarity(s, u["sentence"]) >= 0.7 for u in reported)]

    def right_previous(f: str, s: str, u: dict) -> bool:
        """The reported change names a labelled earlier sentence, or says the old value itself."""
        said = (u.get("previous") or {}).get("sentence", "")
        return any(similarity(said, e) >= 0.7 for e in earlier_of.get((f, s), [])) or similarity(said, s) >= 0.7

    with_previous = [(f, s) for f, s in changes if any(
        belongs(u, f) and u.get("kind") == "changed" and similarity(s, u["sentence"]) >= 0.7
        and right_previous(f, s, u) for u in reported)]
    false_changes = [u for u in reported if u.get("kind") == "changed" and not any(
        belongs(u, f) and similarity(s, u["sentence"]) >= 0.7 for f, s in changes)]
    repeats = []
    for u in reported:
        if u.get("kind") == "changed":
            continue
        f = home(u)
        if f is None and any(similarity(u["sentence"], x) >= 0.7 for xs in positives.values() for x in xs):
            continue
        if any(similarity(u["sentence"], r) >= 0.7 for g, rs in labelled_repeats.items() if g == f or f is None
               for r in rs):
            repeats.append(f"{u['sentence'][:90]} (labelled a repeat in {f})")
            continue
        homes = sorted(order[g] for g in texts if any(similarity(u["sentence"], x) >= 0.8 for x in texts[g]))
        said_in = order.get(f, homes[0] if homes else 0) if f else (homes[0] if homes else 0)
        if homes and homes[0] < said_in:
            repeats.append(f"{u['sentence'][:90]} (first said in article #{homes[0]}, reported for #{said_in})")
    n = max(1, len(reported))
    lines = [f"{'metric':<18}{'count':>10}{'score':>8}{'target':>9}"]
    recall = len(found) / max(1, len(wanted))
    lines.append(f"{'new-fact recall':<18}{len(found):>5}/{len(wanted):<4}{recall:>8.0%}{'>= 90%':>9}")
    lines.append(f"{'precision':<18}{len(on_target):>5}/{len(reported):<4}{len(on_target) / n:>8.0%}{'>= 90%':>9}")
    lines.append(f"{'repeats':<18}{len(repeats):>5}/{len(reported):<4}{len(repeats) / n:>8.0%}{'<= 5%':>9}")
    flagged_share = len(flagged) / max(1, len(changes))
    lines.append(f"{'changes flagged':<18}{len(flagged):>5}/{len(changes):<4}{flagged_share:>8.0%}{'>= 70%':>9}")
    # stricter than the shared scorer: the flag must name the labelled earlier sentence (or the old
    # value in the sentence itself); and how many reported changes are no labelled change at all
    right_share = len(with_previous) / max(1, len(changes))
    lines.append(f"{'  right previous':<18}{len(with_previous):>5}/{len(changes):<4}{right_share:>8.0%}")
    changed_n = sum(1 for u in reported if u.get("kind") == "changed")
    lines.append(f"{'  false changes':<18}{len(false_changes):>5}/{changed_n:<4}"
                 f"{len(false_changes) / max(1, changed_n):>8.0%}")
    details = ["missed:", *[f"  {f}: {s[:100]}" for f, s in wanted if (f, s) not in found],
               "changes not flagged:", *[f"  {f}: {s[:100]}" for f, s in changes if (f, s) not in flagged],
               "changes without the right previous:", *[f"  {f}: {s[:100]}" for f, s in flagged
                                                         if (f, s) not in with_previous],
               "false changes:", *[f"  {u['sentence'][:90]} | was: {(u.get('previous') or {}).get('value', '')}"
                                   for u in false_changes],
               "repeats:", *[f"  {r}" for r in repeats],
               "off target:", *[f"  {u['sentence'][:100]}" for u in reported if u not in on_target]]
    return UpdateScores(recall, len(on_target) / n, len(repeats) / n, len(flagged) / max(1, len(changes)),
                        lines, details)


def main() -> int:
    setdir = eval_dir(sys.argv[1:])
    result = score(setdir, run_timeline(setdir))
    print("\n".join(result.lines))
    if "--show" in sys.argv:
        print("\n".join(result.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
