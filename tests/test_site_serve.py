"""``mkdocs serve`` (what ``make serve`` runs): rebuilds on a rules change; with a broken rules file
it prints the file:line error and keeps serving the last good site."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quiz.build.validate import load_rules
from tests.helpers import REPO_ROOT, dump_mkdocs_config, site_config, subprocess_env, venv_bin

pytestmark = pytest.mark.slow

RULES = REPO_ROOT / "rules" / "membership.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """(base URL, rules copy, log file) of ``mkdocs serve`` running on a copy of the rules."""
    rules = tmp_path / "rules" / "membership.yaml"
    rules.parent.mkdir()
    rules.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    config = site_config(tmp_path / "unused", rules_path=rules)
    config.pop("site_dir")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(dump_mkdocs_config(config), encoding="utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(venv_bin("mkdocs")), "serve", "-f", str(config_file), "-a", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT,
            env=subprocess_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: fetch(base) is not None, 60), log.read_text()
        yield base, rules, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def shows(html: str | None, amount: int) -> bool:
    """The page shows the price `amount` (in dollars) as the page's price."""
    return html is not None and f'<span class="ipma-price">${amount}</span>' in html


def test_serve_rebuilds_on_a_rules_change_and_keeps_the_last_good_site_when_broken(served):
    base, rules, log = served
    page = base + "membership/affiliate/"
    amount = int(load_rules(RULES).dues.schedules[-1].amounts["affiliate"])
    original = rules.read_text(encoding="utf-8")
    line_text = f"        affiliate: {amount}\n"
    assert line_text in original
    line = original[: original.index(line_text)].count("\n") + 1
    assert shows(fetch(page), amount)

    rules.write_text(original.replace(line_text, f"        affiliate: {amount + 10}\n"))
    assert wait_for(lambda: shows(fetch(page), amount + 10)), log.read_text()

    rules.write_text(original.replace(line_text, f"        affiliate: {amount + 10} USD\n"))
    expected = f"membership.yaml:{line} dues.values[2022-01-01].amounts.affiliate:"
    assert wait_for(lambda: expected in log.read_text()), log.read_text()
    html = fetch(page)  # answered at once, with the last good build
    assert shows(html, amount + 10)

    rules.write_text(original.replace(line_text, f"        affiliate: {amount + 20}\n"))
    assert wait_for(lambda: shows(fetch(page), amount + 20)), log.read_text()
