"""Gravity Forms' REST API v2 (site kind `gravityforms`): entries after a cursor, and the forms it lists."""
