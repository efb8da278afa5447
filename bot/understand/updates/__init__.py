"""What is new or changed on a story: fact keys, a bounded novelty index, slot values, by publication time.

- `facts.py` the weighted fact units of a sentence, from its stored annotation;
- `slot.py` a slot value; `counts.py` count and measure slots ("130 hostages", "35 feet deep");
  `changes.py` the other slots (posts, places, actors, expectations) and when a value changes;
- `revisions.py` figures a sentence itself says moved ("to 4.5 percent from 3 percent", "not the
  1,200", "a third worker has died");
- `novelty.py` candidates from the story's fact index, coverage, the new/repeat decision;
- `judge.py` one article's verdicts, its updates and its index entries (`find_updates`);
- `reach.py` the later articles an article that arrived late (or was revised) can change, found in
  the index with bounded look-ups: only those are judged again;
- `boilerplate.py` page furniture, no-comment lines and members of the public quoted for colour,
  never news; `background.py` definitions ("X is a company based in Y"); `weights.py` every weight
  and threshold;
- `memory.py` an in-memory index with the store's semantics, for tests and harnesses.
"""

from bot.understand.updates.judge import Judgement, find_updates, judge_article
from bot.understand.updates.memory import MemoryIndex
from bot.understand.updates.novelty import PriorFacts

__all__ = ["Judgement", "MemoryIndex", "PriorFacts", "find_updates", "judge_article"]
