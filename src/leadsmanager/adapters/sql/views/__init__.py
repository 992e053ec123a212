"""Read models: list and search pages, counts and reports, asked of the database without the writer."""
