"""Requests shaped byte for byte as WordPress form plugins send them to a webhook URL.

Read from each plugin's source:
- Gravity Forms Webhooks add-on (`GF_Webhooks::process_feed`), Request Format JSON, Request Body "All
  Fields": the entry as `json_encode($entry)`, `Content-Type: application/json`, plus the headers set
  in the feed's Request Headers.
- CF7 to Webhook (`CFTZ_Module_Zapier::pull_the_trigger`): the special mail tags configured, then each
  field by its tag name (checkboxes as lists), `json_encode`d, `Content-Type: application/json;
  charset=UTF-8`, plus the form's Headers setting, one `Name: value` a line.
- Formidable's Send API Data (`FrmAPIAppController::prepare_args`): the Basic Auth setting, with ':x'
  appended when it holds no colon, as `Authorization: Basic`; `Content-type: application/json`.
  Its Test Connection button posts `{"test":true}` with `X-Hook-Test: true` and no content type.
- Elementor Pro's Webhook action: `wp_remote_post($url, ['body' => $array])`, which WordPress encodes
  with `http_build_query`: `application/x-www-form-urlencoded; charset=UTF-8`, no other header.
WordPress' HTTP API sends `User-Agent: WordPress/<version>; <home url>` with all of them.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote_plus

from attrs import frozen

USER_AGENT = "WordPress/6.4.2; https://shop.example"


@frozen
class PluginRequest:
    path: str
    headers: dict[str, str]
    body: bytes


def php_json(data: Any) -> bytes:
    """PHP's json_encode: compact, non-ASCII as \\uXXXX, slashes escaped."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def http_build_query(data: dict[str, Any], prefix: str = "") -> str:
    """PHP's http_build_query: nested arrays as name[key], true/false as 1/0, null left out."""
    parts: list[str] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            parts.append(http_build_query(value, name))
        elif isinstance(value, list):
            parts.append(http_build_query({str(n): v for n, v in enumerate(value)}, name))
        elif value is not None:
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            parts.append(f"{quote_plus(name)}={quote_plus(text)}")
    return "&".join(p for p in parts if p)


def gravity_forms(site: str, form_id: str, entry: dict[str, Any], auth: dict[str, str]) -> PluginRequest:
    headers = {"User-Agent": USER_AGENT, **auth, "Content-Type": "application/json"}
    return PluginRequest(f"/api/v1/intake/webhook/{site}/{form_id}", headers, php_json(entry))


def gravity_entry(entry_id: str, **values: str) -> dict[str, Any]:
    """An entry as Gravity Forms 2.8 holds it: its meta, then each field or input id's value."""
    return {
        "id": entry_id,
        "status": "active",
        "form_id": "1",
        "ip": "203.0.113.7",
        "source_url": "https://shop.example/contacto/",
        "currency": "USD",
        "post_id": None,
        "date_created": "2026-12-06 14:03:11",
        "date_updated": "2026-12-06 14:03:11",
        "is_starred": 0,
        "is_read": 0,
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "payment_status": None,
        "payment_date": None,
        "payment_amount": None,
        "payment_method": "",
        "transaction_id": None,
        "is_fulfilled": None,
        "created_by": None,
        "transaction_type": None,
        **values,
    }


def cf7_to_webhook(site: str, form_id: str, data: dict[str, Any], header_lines: str) -> PluginRequest:
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json; charset=UTF-8"}
    for line in header_lines.splitlines():
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return PluginRequest(f"/api/v1/intake/webhook/{site}/{form_id}", headers, php_json(data))


def formidable(site: str, form_id: str, data: Any, basic_auth: str) -> PluginRequest:
    key = basic_auth if ":" in basic_auth else basic_auth + ":x"
    headers = {
        "User-Agent": USER_AGENT,
        "Content-type": "application/json",
        "Authorization": "Basic " + base64.b64encode(key.encode()).decode(),
    }
    return PluginRequest(f"/api/v1/intake/webhook/{site}/{form_id}", headers, php_json(data))


def formidable_test_connection(site: str, form_id: str, basic_auth: str) -> PluginRequest:
    key = basic_auth if ":" in basic_auth else basic_auth + ":x"
    headers = {
        "User-Agent": USER_AGENT,
        "X-Hook-Test": "true",
        "Authorization": "Basic " + base64.b64encode(key.encode()).decode(),
    }
    return PluginRequest(f"/api/v1/intake/webhook/{site}/{form_id}", headers, b'{"test":true}')


def elementor(site: str, token: str, body: dict[str, Any]) -> PluginRequest:
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    return PluginRequest(f"/api/v1/intake/elementor/{site}?token={token}", headers, http_build_query(body).encode())


def elementor_simple(form_id: str, labelled: dict[str, str], *, date: str, time: str) -> dict[str, Any]:
    """`$record->get_formatted_data(true)` plus form_id and form_name: labels as keys, then metadata."""
    meta = {
        "Date": date,
        "Time": time,
        "Page URL": "https://shop.example/contacto/",
        "User Agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "Remote IP": "203.0.113.7",
        "Powered by": "Elementor",
    }
    return {**labelled, **meta, "form_id": form_id, "form_name": "Contacto"}


def elementor_advanced(form_id: str, fields: list[dict[str, Any]], *, date: str, time: str) -> dict[str, Any]:
    """`form`, `fields` (each field's id, type, title, value, raw_value, required) and `meta`."""
    meta = {
        "date": {"title": "Date", "value": date},
        "time": {"title": "Time", "value": time},
        "page_url": {"title": "Page URL", "value": "https://shop.example/contacto/"},
        "remote_ip": {"title": "Remote IP", "value": "203.0.113.7"},
        "credit": {"title": "Powered by", "value": "Elementor"},
    }
    return {"form": {"id": form_id, "name": "Contacto"}, "fields": {f["id"]: f for f in fields}, "meta": meta}


def elementor_field(field_id: str, title: str, raw: str | list[str], field_type: str = "text") -> dict[str, Any]:
    value = ", ".join(raw) if isinstance(raw, list) else raw
    return {"id": field_id, "type": field_type, "title": title, "value": value, "raw_value": raw, "required": True}
