"""``mkdocs serve`` keeps serving the last good site while the rules file is broken.

MkDocs 1.6's live-reload server holds every request until the rebuild it started has finished
(so nobody sees a half-built site). When a rebuild fails, it never finishes: the server "appears
stuck" and the browser spins. A rules mistake is caught in ``on_config``, before MkDocs has touched
the served folder, so the previous build is still whole there: we tell the server that the site
it shows is the latest, and it serves it again while the terminal shows the file:line list.

Only failures that happened before the site was touched do this (``rules_failed``); any other build
error keeps MkDocs' own behaviour. The server attributes used are private to MkDocs 1.6: if they
change, this does nothing (and the server behaves as MkDocs does by default).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("mkdocs.plugins.ipma")


class _State:
    """Set by ``on_config`` of each (re)build. Module-level because ``mkdocs serve`` creates a new
    plugin instance for every rebuild while the server's builder lives on."""

    rules_failed = False


state = _State()


def keep_serving_last_good_site(server: Any) -> None:
    """Wrap the server's builder so a rules failure leaves the previous build visible."""
    build = server.builder
    if getattr(build, "_ipma_wrapped", False):
        return

    def builder(*args: Any, **kwargs: Any) -> None:
        state.rules_failed = False
        try:
            build(*args, **kwargs)
        except BaseException:
            if state.rules_failed:
                _show_previous_build(server)
            raise

    builder._ipma_wrapped = True  # type: ignore[attr-defined]
    server.builder = builder


def _show_previous_build(server: Any) -> None:
    condition = getattr(server, "_epoch_cond", None)
    if condition is None or not hasattr(server, "_visible_epoch"):
        return
    with condition:
        server._wanted_epoch = server._visible_epoch
        condition.notify_all()
    log.warning(
        "The rules file has errors (above): still serving the last good build. "
        "Fix them and save; the site rebuilds by itself."
    )
