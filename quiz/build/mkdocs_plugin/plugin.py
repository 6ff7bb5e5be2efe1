"""MkDocs events → ``quiz.build.pages``. Thin on purpose: no page text and no rule lives here.

Order matters for staff. ``mkdocs build`` runs ``on_config`` before it empties ``site/``, so every
check that depends on rules/ (the rules themselves, every generated page, every ``{{ name }}``
placeholder in docs/) runs in ``on_config``: a mistake aborts the build while the last good site is
still in place, and ``mkdocs serve`` keeps serving it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from quiz.build import csp, minify, pages
from quiz.build.assets import AssetsError
from quiz.build.mkdocs_plugin import serve
from quiz.build.mkdocs_plugin.config import IpmaConfig

log = logging.getLogger("mkdocs.plugins.ipma")


class IpmaPlugin(BasePlugin[IpmaConfig]):
    """Generates the membership pages from rules/ and fills placeholders in hand-written pages."""

    def __init__(self) -> None:
        self.site: pages.SiteContent | None = None
        self.rules_path: Path | None = None
        self.serving = False
        self.engine_pages: list[str] = []
        self.minified: dict[str, bytes] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # (Defining on_startup keeps one plugin object across `mkdocs serve` rebuilds; every
        # per-build value is set again in on_config.)
        self.serving = command == "serve"

    # --- configuration: everything that can fail because of rules/ fails here -------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.rules_path = (base_dir / self.config.rules).resolve()
        templates = (base_dir / self.config.templates).resolve() if self.config.templates else None
        serve.state.rules_failed = True  # until proven otherwise: nothing below touches site/
        try:
            on = pages.build_date(self.config.on)
            self.site = pages.build_site_content(self.rules_path, on=on, templates_dir=templates)
            problems = pages.check_docs_placeholders(
                Path(config.docs_dir), self.site.rules, self.site.on
            )
            # `mkdocs serve` serves docs/ as written, for whoever debugs it.
            self.minified = {} if self.serving else minify.minified_tree(Path(config.docs_dir))
        except pages.SiteError as error:
            raise PluginError(str(error)) from None
        except AssetsError as error:
            raise PluginError(str(error)) from None
        if problems:
            raise PluginError("\n".join(problems))
        serve.state.rules_failed = False
        config.nav = pages.expand_nav(config.nav, self.site)
        log.info(f"IPMA rules: {self.site.in_force_text} (built for {on.isoformat()})")
        return config

    # --- files: the generated pages and the quiz's browser assets ---------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for uri, markdown in self.site.pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None and not existing.generated_by:
                raise PluginError(
                    f"{config.docs_dir}/{uri}: this page is generated from the rules file; "
                    "remove the hand-written copy (edit the rules or quiz/build/templates/ instead)"
                )
            files.append(File.generated(config, uri, content=markdown))
        for uri, content in self.site.assets.files.items():
            files.append(File.generated(config, uri, content=content))
        for uri, content in self.minified.items():  # our scripts and stylesheets, minified
            written = files.get_file_from_path(uri)
            if written is not None:
                files.remove(written)
                files.append(File.generated(config, uri, content=content))
        self.engine_pages = pages.engine_pages(
            {file.url: file.content_string for file in files.documentation_pages()}
        )
        return files

    # --- pages: {{ name }} placeholders in hand-written pages -------------------------------------

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        if page.file.generated_by:  # generated pages were rendered from the rules already
            return markdown
        try:
            return self.site.render_placeholders(markdown, where=page.file.src_uri)
        except pages.SiteError as error:
            raise PluginError(str(error)) from None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The quiz page gets its first question as HTML (``quiz.build.static_quiz``)."""
        assert self.site is not None
        return self.site.fill_quiz_mount(html)

    # --- theme: the footer and the dues announcement read the rules too ---------------------------

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.site is not None
        env.globals["ipma"] = self.site.theme_context(self.engine_pages)
        return env

    # --- the Content Security Policy: computed from the final HTML of every page ------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Every page gets the site-wide CSP meta tag (with the sha256 of every inline script the
        pages hold), and ``site/_headers`` the same policy as HTTP headers (``quiz.build.csp``).

        Not under ``mkdocs serve``: its live reload injects an inline script into every page it
        serves, which the policy would block. ``make site`` and the tests build with it.
        """
        if self.serving:
            log.info("No Content Security Policy while serving (live reload is an inline script)")
            return
        base_path = urlsplit(config.site_url or "/").path or "/"
        try:
            csp.apply(Path(config.site_dir), base_path)
        except ValueError as error:
            raise PluginError(f"Content Security Policy: {error}") from None

    # --- serve: rebuild when the rules change -----------------------------------------------------

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        """Watch the rules: ``make serve`` rebuilds (and reloads the browser) when staff save them.

        A broken rules file then fails in ``on_config`` of the rebuild: MkDocs logs our file:line
        message, and ``serve.keep_serving_last_good_site`` makes the server go on serving the last
        good build (which nothing has touched) instead of holding every request.
        """
        assert self.rules_path is not None
        for path in pages.watched_paths(self.rules_path, Path(config.config_file_path).parent):
            server.watch(str(path))
        serve.keep_serving_last_good_site(server)
        return server
