"""Where a lead came from."""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    WEB_FORM = "web_form"
    MANUAL = "manual"
    API = "api"
    WORDPRESS = "wordpress"
    IMPORT = "import"  # a file of existing leads (a CSV export of another system or a spreadsheet)
