"""Debug aid: show how one question is parsed, which sentences support it and the top candidates.

usage: PYTHONPATH=. python bench/why_qa.py "question" [--eval DIR]   (DIR defaults to /work/shared/eval)
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.dev_qa import load_articles
from bot.understand import answer as A
from bot.understand.lexicon import tokens


def main() -> None:
    """Print the parse, each retrieved sentence's support and its best-scoring candidates."""
    question = sys.argv[1]
    folder = sys.argv[sys.argv.index("--eval") + 1] if "--eval" in sys.argv else "/work/shared/eval"
    search = load_articles(Path(folder))
    q = A.parse_question(question)
    print(q.kind, q.target, [t.text for t in q.content], "plural" if q.plural else "")
    weights = A._weights(q, search)
    print({q.content[i].text: round(w, 2) for i, w in weights.items()})
    for hit in search.search(A.build_query(question), None, A.RETRIEVE)[:10]:
        support, anchors = A._support(q, weights, hit)
        print(f"\n{support:.2f} {hit.sentence.text[:150]}")
        toks = tokens(hit.sentence.text)
        print("   anchors:", [toks[a].text for a in sorted(anchors)])
        cands = [
            (A._score(q, hit.sentence.text, c, anchors), c.text) for c in A._candidates(q, hit.sentence.text)
        ]
        for s, t in sorted([c for c in cands if c[0] is not None], reverse=True)[:3]:
            print(f"   {s:.2f} {t}")
    print("\nTOP:")
    for sc in A.rank_candidates(q, search)[:8]:
        print(
            f"  {sc.score:.2f} sup={sc.support:.2f} {sc.candidate.text[:80]!r} <- {sc.hit.sentence.text[:70]}"
        )
    print(A.answer_question(question, search, []).text)


if __name__ == "__main__":
    main()
