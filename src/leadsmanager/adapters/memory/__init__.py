"""In-memory adapters: faithful fakes for unit tests, held to the same contracts as the real ones."""
