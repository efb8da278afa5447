"""Filing articles under stories.

Each story's terms, entity names and aliases become token patterns. A sentence belongs to a story
when it mentions one of its key terms or names (and none of its exclusions); an article belongs
to a story when enough of its sentences do, with a score that says how strongly. A sentence that
names another tracked story (one of its names, or three of its terms) and none of the terms of the
stories its article belongs to is filed under that other story, not its article's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import Story

MIN_STORY_SENTENCES = 2
MIN_STORY_SHARE = 0.25
MIN_STRAY_PATTERNS = 3  # distinct patterns of another story a sentence needs when it names none of its names


_TERM_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")  # a Unicode word: letters and digits of any script
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")
# Arabic writes "and", "so", "with", "to", "as" and the article "al-" onto the word: وال, بال, لل, ال, و ...
_ARABIC_PREFIX = r"(?:[وف]?[بلك]?(?:ال|ل)?)?"


def term_words(phrase: str) -> list[str]:
    """A story term's words in any script (`Khan Younis` -> 2 words, `مفاوضات` -> 1), lower-cased."""
    return [w.lower().replace("’", "'") for w in _TERM_WORD.findall(phrase)]


def _compile(phrase: str) -> re.Pattern[str]:
    r"""A phrase as a regular expression over Unicode words: plural endings allowed, `*` as any ending.

    Word edges are look-arounds on `\w` (any script), not `[A-Za-z]`; an Arabic term also matches
    with the clitics written onto it (و, ب, ال ...); a Latin one with English plural endings.
    """
    prefix = phrase.endswith("*")
    tokens = [re.escape(t) for t in term_words(phrase.rstrip("*"))]
    latin = bool(_LATIN.search(phrase))
    tail = r"\w*" if prefix else (r"(?:s|es|'s|’s)?" if latin else "")
    head = _ARABIC_PREFIX if _ARABIC.search(phrase) else ""
    return re.compile(r"(?<!\w)" + head + r"[\W_]+".join(tokens) + tail + r"(?!\w)", re.IGNORECASE)


def name_like(phrase: str) -> bool:
    """Whether a story term reads as a name rather than a common word: written with a capital letter
    (`Khan Younis`, `Rafah`) or of several words (`ground operation`); a lone lower-case or uncased
    word (`sheltering`, `deal`) is too common to pull a sentence away from its article's story."""
    words = term_words(phrase.rstrip("*"))
    return len(words) > 1 or any(ch.isupper() for ch in phrase)


def _any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


@dataclass(frozen=True)
class StoryMatch:
    """How an article matched one story: its score and which sentences (by index) belong."""

    story: str
    score: float
    sentences: tuple[int, ...]


class StoryTracker:
    """Decides which stories an article and each of its sentences belong to."""

    def __init__(self, stories: Sequence[Story]) -> None:
        self._stories = list(stories)
        self._patterns = {
            s.id: [_compile(p) for p in (*s.terms, *s.entities, *(a for al in s.entities.values() for a in al))
                   if term_words(p.rstrip("*"))]
            for s in self._stories
        }
        self._any = {sid: _any_of(patterns) for sid, patterns in self._patterns.items()}
        self._excludes = {s.id: _any_of([_compile(p) for p in s.exclude if term_words(p.rstrip("*"))])
                          for s in self._stories}
        self._names = {  # the patterns of each story that name something (see `name_like`)
            s.id: [_compile(p) for p in (*s.terms, *s.entities, *(a for al in s.entities.values() for a in al))
                   if term_words(p.rstrip("*")) and (name_like(p) or p not in s.terms)]
            for s in self._stories
        }

    @property
    def stories(self) -> list[Story]:
        """The stories this tracker files under."""
        return list(self._stories)

    def sentence_hits(self, sentence: str) -> dict[str, int]:
        """For each story, how many of its patterns the sentence mentions (0 if it is excluded)."""
        hits = {}
        for story in self._stories:
            anything = self._any[story.id]
            if anything is None or not anything.search(sentence):
                continue
            excluded = self._excludes[story.id]
            if excluded is not None and excluded.search(sentence):
                continue
            hits[story.id] = sum(1 for p in self._patterns[story.id] if p.search(sentence))
        return hits

    def match(self, title: str, sentences: Sequence[str]) -> list[StoryMatch]:
        """The stories this article belongs to, strongest first.

        An article belongs when three of its sentences mention the story, or two that make up a
        fair share of the text (or the headline or the opening sentence, its lede, is one of them). Its sentences that
        mention the story, and the unmatched sentences between two that do, feed that story.
        """
        per_sentence = [self.sentence_hits(s) for s in sentences]
        title_hits = self.sentence_hits(title) if title else {}
        matches: list[StoryMatch] = []
        for story in self._stories:
            marked = [i for i, hits in enumerate(per_sentence) if story.id in hits]
            if not marked:
                continue
            share = len(marked) / max(1, len(sentences))
            strength = sum(per_sentence[i][story.id] for i in marked)
            belongs = len(marked) >= MIN_STORY_SENTENCES + 1 or (len(marked) >= MIN_STORY_SENTENCES and (
                share >= MIN_STORY_SHARE or story.id in title_hits or marked[0] == 0))
            if not belongs:
                continue
            chosen = set(marked)
            for i in range(len(sentences)):
                if not per_sentence[i] and (i - 1 in chosen) and (i + 1 in chosen or i + 1 == len(sentences)):
                    chosen.add(i)
            score = round(min(1.0, share) * 0.6 + min(1.0, strength / 20) * 0.4, 3)
            matches.append(StoryMatch(story.id, score, tuple(sorted(chosen))))
        matches.sort(key=lambda m: -m.score)
        return matches + self._strays(sentences, per_sentence, matches)

    def _strays(self, sentences: Sequence[str], per_sentence: Sequence[dict[str, int]],
                matches: Sequence[StoryMatch]) -> list[StoryMatch]:
        """Sentences that name another tracked story and none of the terms of the stories the article
        belongs to, as matches of that other story (after the article's own, weakest first).

        "withdrew its 98th Division from Khan Younis" in an article on the hostage talks belongs to
        the story whose terms name Khan Younis; a sentence that only shares a common word with
        another story (`sheltering`) stays with its article's story.
        """
        owned = {m.story for m in matches}
        if not owned:
            return []
        stray: dict[str, list[int]] = {}
        for i, hits in enumerate(per_sentence):
            if set(hits) & owned:
                continue
            for story_id, n in hits.items():
                if n >= MIN_STRAY_PATTERNS or any(p.search(sentences[i]) for p in self._names[story_id]):
                    stray.setdefault(story_id, []).append(i)
        found = [StoryMatch(sid, round(len(marked) / max(1, len(sentences)) * 0.6, 3), tuple(marked))
                 for sid, marked in stray.items()]
        return sorted(found, key=lambda m: -m.score)
