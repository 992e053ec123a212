"""Output formats shared by the pages and the CLI: CSV cells, report tables, leads as text."""
