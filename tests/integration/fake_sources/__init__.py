"""Fakes of the form plugins' APIs, one module per site kind, on a shared fake WordPress (site.py)."""
