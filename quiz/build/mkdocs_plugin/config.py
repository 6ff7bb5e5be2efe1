"""Options of the ``ipma`` plugin (``plugins: - ipma: {...}`` in mkdocs.yml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c


class DateOption(c.BaseConfigOption[dt.date | None]):
    """An optional calendar date: a YAML date (``2023-06-01``) or the same as an ISO string.

    Why not ``c.Type(date)``: a quoted date arrives as a string, and a mistyped one deserves a
    message that says which form is expected.
    """

    def run_validation(self, value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise base.ValidationError(f"expected a date such as 2023-06-01, got {value!r}")


class IpmaConfig(base.Config):
    """``rules``: the rules file, relative to mkdocs.yml. ``on``: the date that decides which dues
    are in force (default: ``SOURCE_DATE_EPOCH`` if set, else today). ``templates``: a folder whose
    Jinja2 templates replace the packaged ones of the same name (for trying a page layout without
    touching the package; tests use it too)."""

    rules = c.Type(str, default="rules/membership.yaml")
    on = DateOption()
    templates = c.Optional(c.Type(str))

    def load_dict(self, patch: dict[Any, Any]) -> None:
        # YAML 1.1 reads a bare `on:` key as the boolean True; accept it as the `on` option rather
        # than failing with "Unrecognised configuration name: True".
        if True in patch and "on" not in patch:
            patch = {("on" if key is True else key): value for key, value in patch.items()}
        super().load_dict(patch)
