"""SQLAlchemy adapters: SQLite (embedded default) and MySQL/MariaDB share one schema."""
