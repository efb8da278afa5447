"""The runtime: composition root, scheduler, outbox and the long-running `run` process."""
