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

campaign = sa.Table(
    "formsapp_campaign",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200)),
)

formsubmission = sa.Table(
    "formsapp_formsubmission",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("empresa", sa.String(255)),
    sa.Column("fecha_creacion", sa.DateTime),
    sa.Column("razon_social", sa.String(255)),
    sa.Column("nombre_y_apellido", sa.String(255)),
    sa.Column("servicio", sa.String(255)),
    sa.Column("mail", sa.String(254)),
    sa.Column("telefono", sa.String(50)),
    sa.Column("origen", sa.String(100)),
    sa.Column("sub_origen", sa.String(100)),
    sa.Column("mensaje", sa.Text),
    sa.Column("avance", sa.String(255)),
    sa.Column("estado", sa.String(50)),
    sa.Column("form_id", sa.Integer),
    sa.Column("submission_id", sa.Integer),
    sa.Column("data", sa.Text),
    sa.Column("assigned_user_id", sa.Integer),
    sa.Column("management_message", sa.Text),
    sa.Column("campaign_id", sa.Integer),
)

leadhistory = sa.Table(
    "formsapp_leadhistory",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("lead_id", sa.Integer),
    sa.Column("previous_status", sa.String(50)),
    sa.Column("new_status", sa.String(50)),
    sa.Column("updated_by_id", sa.Integer),
    sa.Column("timestamp", sa.DateTime),
)
