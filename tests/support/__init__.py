"""Real servers for integration tests, started and stopped by fixtures."""
