"""Chat: the port every platform adapter implements, the shared command router, renderers."""
