"""Formidable Forms through its API add-on (site kind `formidable`): entries walked newest first, and its forms."""
