"""The columns we read of the original system's tables, named as Django created them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

customuser = sa.Table(
    "usersapp_customuser",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("password", sa.String(128)),
    sa.Column("username", sa.String(150)),
    sa.Column("first_name", sa.String(150)),
    sa.Column("last_name", sa.String(150)),
    sa.Column("email", sa.String(254)),
    sa.Column("is_active", sa.Boolean),
    sa.Column("date_joined", sa.DateTime),
    sa.Column("role", sa.String(20)),
    sa.Column("mail", sa.String(254)),
)
