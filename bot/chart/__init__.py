"""Pictures of stories: the timeline chart.

`draw` imports matplotlib and is run in its own process (`process` runs it), so nothing else in
the bot pays matplotlib's import; `png` reads a PNG's size from its header; `post` turns a story's
timeline into a post carrying the chart (or one sentence when the window is quiet).
"""
