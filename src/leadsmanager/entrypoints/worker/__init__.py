"""The background jobs: task handlers, the scheduler and the in-process runner."""
