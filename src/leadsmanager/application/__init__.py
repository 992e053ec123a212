"""Use cases, and the ports they reach the outside world through."""
