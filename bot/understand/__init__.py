"""Understanding the stories: filing, update detection, digests and grounded question answering.

Entry point for questions: `bot.understand.answer.answer_question(question, search, stories, story=None)`.
`search` is anything with `search(query, story, limit) -> list[SentenceHit]` whose sentences carry
their stored annotation (the store's FTS5/tsvector index); an optional `frequency(terms) -> (df, n)`
lets rare words weigh more.
"""
