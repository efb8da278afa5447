"""Working out a story's updates over the articles already stored (for a story tracked from chat).

The pipeline finds updates as articles arrive; a story defined later needs the same pass over
what is stored: each article filed under it, oldest first, compared with the story's earlier
articles. Built on the pipeline's public pieces (`StorePrior`) and the store's queries only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.domain import Story, StorySentence, Update
from bot.ingest.pipeline import PriorSentences, StorePrior
from bot.store.repo import Store

FindUpdates = Callable[[Story, Sequence[StorySentence], PriorSentences], Sequence[Update]]
"""The update finder the core wires into the pipeline (`bot.understand.updates.find_updates`)."""


def detect_story_updates(store: Store, story: Story, find: FindUpdates) -> list[Update]:
    """Record the updates of every stored article filed under `story`; returns those recorded."""
    recorded: list[Update] = []
    for article_id, mine in store.story_sentences_by_article(story.id):
        found = find(story, mine, StorePrior(store, story.id, article_id))
        recorded += store.add_updates(article_id, found, {s.text: s.id for s in mine})
    return recorded
