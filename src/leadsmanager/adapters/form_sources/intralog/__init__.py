"""INTRALOG's "Custom Form API" plugin (site kind `intralog-legacy`): Formidable entries, every one on each call."""
