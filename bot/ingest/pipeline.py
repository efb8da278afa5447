"""The one path every article takes into the store: dedupe, store, file under stories, find updates.

Sources (seed files, feeds, chat) hand `RawArticle`s to `Pipeline.ingest`; nothing else writes
articles. Articles of one batch are taken in publication order so that "new" means new at the
time it was published.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.domain import Findings, RawArticle, Story, StorySentence, Update
from bot.ingest.dedupe import closest_duplicate, signature
from bot.ingest.seeds import SeedError, find_seed_files, parse_seed, read_seed
from bot.store.repo import Store
from bot.text import content_hash, split_sentences

log = logging.getLogger(__name__)


class PriorFacts(Protocol):
    """What a story's articles published before (or after) one article said, by fact key.

    Implemented over the store's fact index (`StorePrior`); every look-up is capped per key, so its
    cost does not grow with the story. Understanding's update finder defines the keys.
    """

    def earlier(self, keys: Sequence[str], per_key: int) -> list[tuple[str, int, str]]: ...

    def counts(self, keys: Sequence[str], cap: int) -> dict[str, int]: ...

    def units(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str]]: ...

    def sentences(self, sentence_ids: Sequence[int]) -> dict[int, StorySentence]: ...


# (story, the article's sentences for it, what was published before it, what was published after it
# when it arrived late, index keys a revision of it withdrew) -> its updates, what to index and which
# later articles to judge again
UpdateFinder = Callable[[Story, list[StorySentence], PriorFacts, PriorFacts | None, Sequence[str]], Findings]
# Parses many articles' sentences at once: [(sentences, published)] -> each sentence's stored annotation
Annotator = Callable[[Sequence[tuple[Sequence[str], datetime | None]]], list[list[str]]]


class StoryMatch(Protocol):
    """One story an article belongs to: its score and the indexes of the sentences that mention it."""

    @property
    def story(self) -> str: ...

    @property
    def score(self) -> float: ...

    @property
    def sentences(self) -> Sequence[int]: ...


class Filer(Protocol):
    """Files an article and its sentences under the stories it is about (understanding's filing)."""

    @property
    def stories(self) -> list[Story]: ...

    def match(self, title: str, sentences: Sequence[str]) -> Sequence[StoryMatch]: ...


FilerFactory = Callable[[Sequence[Story]], Filer]


class StorePrior:
    """`PriorFacts` over the store's fact index: one story, articles published before a moment (or,
    with `after`, after it). Publication time decides, not the order articles were stored in."""

    def __init__(self, store: Store, story: str, at: str, after: bool = False) -> None:
        self._store, self._story, self._at, self._after = store, story, at, after

    def earlier(self, keys: Sequence[str], per_key: int) -> list[tuple[str, int, str]]:
        """Index entries with these keys in the window, nearest in time first, `per_key` at most each."""
        return self._store.facts_near(self._story, self._at, keys, per_key, after=self._after)

    def counts(self, keys: Sequence[str], cap: int) -> dict[str, int]:
        """How often each key was said in the window, counted up to `cap`."""
        return self._store.fact_counts(self._story, self._at, keys, cap, after=self._after)

    def units(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Article id and fact units of these sentences."""
        return self._store.units_of(sentence_ids)

    def sentences(self, sentence_ids: Sequence[int]) -> dict[int, StorySentence]:
        """These sentences, for citing a previous value."""
        return {s.id: s for s in self._store.sentences_by_id(sentence_ids)}


@dataclass
class IngestReport:
    """What one ingest did, for the CLI, logs and the runtime."""

    added: int = 0
    revised: int = 0
    merged: int = 0
    unchanged: int = 0
    files_skipped: int = 0
    failures: list[str] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        """Add another report's counts to this one."""
        self.added += other.added
        self.revised += other.revised
        self.merged += other.merged
        self.unchanged += other.unchanged
        self.files_skipped += other.files_skipped
        self.failures.extend(other.failures)
        self.updates.extend(other.updates)

    def summary(self) -> str:
        """One line for people."""
        parts = [f"{self.added} new article(s)", f"{self.merged} copy(ies) of known articles",
                 f"{self.revised} revised", f"{self.unchanged} unchanged", f"{len(self.updates)} update(s)"]
        if self.files_skipped:
            parts.append(f"{self.files_skipped} unchanged file(s) skipped")
        if self.failures:
            parts.append(f"{len(self.failures)} failure(s)")
        return ", ".join(parts)


INGEST_CHUNK = 100  # articles parsed ahead while the previous chunk is stored and judged


def _order_key(raw: RawArticle) -> tuple[datetime, str, str]:
    return (raw.published or datetime.max.replace(tzinfo=UTC), raw.origin, raw.url)


class Pipeline:
    """Stores articles, files them under stories and records what is new in each."""

    def __init__(self, store: Store, stories: Sequence[Story], make_filer: FilerFactory,
                 find_updates: UpdateFinder | None = None, annotate: Annotator | None = None) -> None:
        self.store = store
        self._make_filer = make_filer
        self.tracker = make_filer(stories)
        self._find_updates = find_updates
        self._annotate = annotate
        # held around storing and judging each article (not around parsing): the composition root sets a
        # cluster-wide lock when several workers share the store, so their parsing runs in
        # parallel while update ids are written one article at a time, in id order
        self.write_guard: Callable[[], AbstractContextManager[object]] = nullcontext

    def ingest(self, raws: Sequence[RawArticle]) -> IngestReport:
        """Ingest a batch of articles in publication order; re-ingesting the same input changes nothing.

        Articles are parsed in chunks, the next chunk in the background (the annotation pool) while
        this one is stored, filed and judged.
        """
        report = IngestReport()
        with self.write_guard():
            self._finish_cut_off(report)
        ordered = sorted(raws, key=_order_key)
        todo = self._needs_annotation(ordered)
        chunks = [ordered[i:i + INGEST_CHUNK] for i in range(0, len(ordered), INGEST_CHUNK)]
        with ThreadPoolExecutor(max_workers=1) as ahead:
            pending = ahead.submit(self._annotations, [r for r in chunks[0] if r.url in todo]) if chunks else None
            for k, chunk in enumerate(chunks):
                assert pending is not None
                notes = pending.result()
                if k + 1 < len(chunks):
                    pending = ahead.submit(self._annotations, [r for r in chunks[k + 1] if r.url in todo])
                for raw in chunk:
                    try:
                        with self.write_guard():
                            self._ingest_one(raw, report, notes)
                    except Exception as exc:  # one bad article must not stop the batch
                        log.exception("event=ingest_failed url=%s", raw.url)
                        report.failures.append(f"{raw.url}: {exc.__class__.__name__}: {exc}")
        return report

    def _needs_annotation(self, raws: Sequence[RawArticle]) -> set[str]:
        """URLs of the new or revised articles (the ones whose sentences get parsed)."""
        if self._annotate is None:
            return set()
        return {raw.url for raw in raws if raw.text.strip()
                and (known := self.store.find_known(raw, content_hash(raw.title, raw.text))) is None
                or known is not None and known[1] == "revised"}

    def _annotations(self, todo: Sequence[RawArticle]) -> dict[str, dict[str, str]]:
        """These articles' sentences parsed in one batch: url -> sentence -> annotation."""
        if self._annotate is None or not todo:
            return {}
        split = [split_sentences(raw.text) for raw in todo]
        parsed = self._annotate([(sentences, raw.published) for sentences, raw in zip(split, todo, strict=True)])
        return {raw.url: dict(zip(sentences, notes, strict=True))
                for raw, sentences, notes in zip(todo, split, parsed, strict=True)}

    def _ingest_one(self, raw: RawArticle, report: IngestReport, notes: Mapping[str, Mapping[str, str]]) -> None:
        if not raw.text.strip():
            report.failures.append(f"{raw.url}: has no text.")
            return
        digest = content_hash(raw.title, raw.text)
        known = self.store.find_known(raw, digest)
        if known and known[1] in ("same", "source"):
            report.unchanged += 1
            return
        sentence_texts = split_sentences(raw.text)
        annotations = notes.get(raw.url, {})
        sig = signature(raw.text)
        if known and known[1] == "revised":
            article_id = known[0]
            new_ids = self.store.revise_article(article_id, raw, digest, sig, sentence_texts, annotations)
            retired, withdrawn = self.store.retire_missing(article_id, sentence_texts)
            report.revised += 1
            if retired:
                log.info("event=sentences_retired article=%s count=%d", article_id, len(retired))
            log.info("event=article_revised article=%s new_sentences=%d", article_id, len(new_ids))
            if new_ids or withdrawn:
                self._file_and_detect(article_id, raw.title, new_ids, report, withdrawn)
            self.store.finish_article(article_id)
            return
        duplicate_of = closest_duplicate(raw.text, self.store.near_duplicate_candidates(raw.published))
        if duplicate_of is not None:
            self.store.add_source(duplicate_of, raw, digest)
            report.merged += 1
            log.info("event=article_merged url=%s into=%s", raw.url, duplicate_of)
            return
        article = self.store.add_article(raw, digest, sig, sentence_texts, annotations)
        report.added += 1
        log.info("event=article_added id=%s url=%s sentences=%d", article.id, raw.url, len(sentence_texts))
        self._file_and_detect(article.id, raw.title, None, report)
        self.store.finish_article(article.id)

    def _finish_cut_off(self, report: IngestReport) -> None:
        """File and judge the articles an earlier ingest stored but did not finish (it was killed):
        what it half wrote is undone first, so the result is that of an uninterrupted ingest."""
        for article_id, title, new_ids in self.store.pending_articles():
            try:
                self.store.reset_judgement(article_id, new_ids)
                self._file_and_detect(article_id, title, new_ids, report)
                self.store.finish_article(article_id)
                log.info("event=article_resumed id=%s", article_id)
            except Exception as exc:  # the next ingest tries again; this one goes on
                log.exception("event=article_resume_failed id=%s", article_id)
                report.failures.append(f"article {article_id}: {exc.__class__.__name__}: {exc}")

    def _file_and_detect(self, article_id: int, title: str, only_ids: list[int] | None,
                         report: IngestReport, withdrawn: Mapping[str, Sequence[str]] | None = None) -> None:
        """File the article's sentences under stories and judge them (only `only_ids` for a revision,
        whose dropped sentences' index keys per story are `withdrawn`)."""
        withdrawn = withdrawn or {}
        every = self.store.article_sentences(article_id)
        matches = self.tracker.match(title, [s.text for s in every])
        stories = {s.id: s for s in self.tracker.stories}
        if not matches:
            self.store.link_stories(article_id, {}, {})
            self._withdraw(article_id, withdrawn, set(), stories, report)
            return
        links: dict[int, set[str]] = {s.id: set() for s in every}
        for m in matches:
            for index in m.sentences:
                links[every[index].id].add(m.story)
        for owners in links.values():
            if not owners:
                owners.add(matches[0].story)
        self.store.link_stories(article_id, {m.story: m.score for m in matches}, links)
        if self._find_updates is None:
            return
        wanted = set(only_ids) if only_ids is not None else None
        for m in matches:
            mine = [s for s in every if m.story in links[s.id] and (wanted is None or s.id in wanted)]
            if (mine or withdrawn.get(m.story)) and m.story in stories:
                self._detect(stories[m.story], article_id, mine, report, withdrawn.get(m.story, ()))
        self._withdraw(article_id, withdrawn, {m.story for m in matches}, stories, report)

    def _withdraw(self, article_id: int, withdrawn: Mapping[str, Sequence[str]], done: set[str],
                  stories: Mapping[str, Story], report: IngestReport) -> None:
        """Judge again the later articles of the stories a revision took facts from but no longer
        belongs to (the ones it still belongs to were handled with its new sentences)."""
        if self._find_updates is None:
            return
        for story_id, keys in withdrawn.items():
            if story_id not in done and story_id in stories and keys:
                self._detect(stories[story_id], article_id, [], report, keys)

    def _detect(self, story: Story, article_id: int, mine: list[StorySentence], report: IngestReport,
                withdrawn: Sequence[str] = ()) -> None:
        """Find the article's updates against what was published before it; when articles published
        after it are already stored (it arrived late, or was revised), judge again those its facts
        (and the facts it withdrew) can change, in publication order, so the story's updates end up
        as if everything had arrived in date order. Which ones the update finder says, through the
        fact index with bounded look-ups: the cost does not grow with the story."""
        assert self._find_updates is not None
        at = self.store.article_moment(article_id)
        late = self.store.story_has_article_after(story.id, article_id)
        after = StorePrior(self.store, story.id, at, after=True) if late else None
        found = self._find_updates(story, mine, StorePrior(self.store, story.id, at), after, withdrawn)
        self.store.index_facts(story.id, article_id, at, found)
        added = self.store.add_updates(article_id, found.updates, {s.text: s.id for s in mine})
        report.updates.extend(u for u in added if u.sentence not in found.quiet)
        for later_id in self.store.in_publication_order(found.affected - {article_id}):
            self._rejudge(story, later_id)

    def _rejudge(self, story: Story, article_id: int) -> None:
        """Judge an already stored article of the story again (something published before it arrived)."""
        assert self._find_updates is not None
        sentences = self.store.story_sentences(article_id, story.id)
        self.store.forget_facts(story.id, article_id)
        if not sentences:
            return
        at = self.store.article_moment(article_id)
        found = self._find_updates(story, sentences, StorePrior(self.store, story.id, at), None, ())
        self.store.index_facts(story.id, article_id, at, found)
        changed = self.store.replace_updates(story.id, article_id, found.updates,
                                             {s.text: s.id for s in sentences}, datetime.now(UTC))
        log.info("event=article_rejudged story=%s article=%s updates=%d added=%d", story.id, article_id,
                 len(found.updates), len(changed))

    def ingest_paths(self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None,
                     root: Path | None = None) -> IngestReport:
        """Ingest seed files and folders; files whose bytes are unchanged since last time are skipped."""
        report = IngestReport()
        try:
            files = find_seed_files(list(paths))
        except SeedError as exc:
            report.failures.append(str(exc))
            return report
        pending: list[tuple[str, str, list[RawArticle]]] = []
        for index, path in enumerate(files):
            name = _display_name(path, root)
            try:
                seed = read_seed(path)
                if self.store.seed_file_hash(str(path.resolve())) == seed.content_hash:
                    report.files_skipped += 1
                    continue
                pending.append((str(path.resolve()), seed.content_hash, parse_seed(seed, name)))
            except SeedError as exc:
                report.failures.append(str(exc))
                self.store.record_seed_file(str(path.resolve()), "", 0, error=str(exc))
            if progress:
                progress(index + 1, len(files))
        batch = [raw for _, _, raws in pending for raw in raws]
        report.merge(self.ingest(batch))
        for key, digest, raws in pending:
            self.store.record_seed_file(key, digest, len(raws))
        return report

    def detect_story_updates(self, story: Story) -> list[Update]:
        """Work out the updates of a story over the articles already filed under it (a story tracked
        after its articles arrived), in publication order, as if they had arrived with it."""
        if self._find_updates is None:
            return []
        with self.write_guard():
            return self._detect_story_updates(story)

    def _detect_story_updates(self, story: Story) -> list[Update]:
        recorded: list[Update] = []
        filed = self.store.story_sentences_by_article(story.id)
        moments = {article_id: self.store.article_moment(article_id) for article_id, _ in filed}
        for article_id, mine in sorted(filed, key=lambda pair: moments[pair[0]]):
            at = moments[article_id]
            found = self._find_updates(story, mine, StorePrior(self.store, story.id, at), None, ())
            self.store.index_facts(story.id, article_id, at, found)
            recorded += self.store.add_updates(article_id, found.updates, {s.text: s.id for s in mine})
        return recorded

    def forget_story(self, story_id: str) -> None:
        """Stop filing new articles under a story."""
        self.tracker = self._make_filer([s for s in self.tracker.stories if s.id != story_id])

    def file_new_story(self, story: Story) -> int:
        """Score every stored article against a story defined just now; returns how many matched."""
        self.tracker = self._make_filer([*[s for s in self.tracker.stories if s.id != story.id], story])
        single = self._make_filer([story])
        matched = 0
        for batch in self.store.articles_for_rescoring():
            links: dict[int, tuple[float, list[int]]] = {}
            for article_id, pairs in batch:
                found = single.match("", [text for _, text in pairs])
                if found:
                    links[article_id] = (found[0].score, [pairs[i][0] for i in found[0].sentences])
            self.store.add_story_links(story.id, links)
            matched += len(links)
        return matched


def _display_name(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return path.name
