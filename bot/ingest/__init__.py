"""Getting articles in: seed files, feeds over HTTP, full text, dedupe, and the pipeline into the store."""
