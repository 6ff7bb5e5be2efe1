"""The generated pages as plain functions: rules file → Markdown per page, no MkDocs needed.

The MkDocs plugin (``quiz.build.mkdocs_plugin``) calls these; tests call them directly. Each page
is a Jinja2 template in ``quiz/build/templates/`` fed by ``site_model.build_model``; the templates
lay out data and never hold a figure.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.utils.meta import get_data

from quiz import export, values
from quiz.build import assets, figures, placeholders, reference, site_model, static_quiz
from quiz.build.checks import names
from quiz.build.problems import shown_name
from quiz.build.validate import load_rules
from quiz.errors import RulesError
from quiz.model import Rules

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
REPO_ROOT = Path(__file__).resolve().parents[2]

# Generated page (source URI) → template. Category pages are added per category.
PAGES = {
    "index.md": "index.md.j2",
    "join.md": "join.md.j2",
    "membership/compare.md": "compare.md.j2",
    "dues.md": "dues.md.j2",
    "enterprise.md": "enterprise.md.j2",
    "faq.md": "faq.md.j2",
    "sources.md": "sources.md.j2",
}
CATEGORY_TEMPLATE = "category.md.j2"
REFERENCE_PAGE = "rules-reference.md"  # written from the schema (quiz/build/reference.py)

# In mkdocs.yml's nav, this entry stands for one entry per category, in the rules' order.
NAV_CATEGORIES = "membership/*"


class SiteError(Exception):
    """A mistake staff must fix before the site can build; the message says where (file:line)."""


# --- the build date ------------------------------------------------------------------------------


def build_date(option: date | None = None, environ: Mapping[str, str] | None = None) -> date:
    """The date that decides which dues are in force: the plugin's ``on`` option, else
    ``SOURCE_DATE_EPOCH`` (reproducible builds), else today. UTC, so a build does not depend on the
    machine's time zone."""
    if option is not None:
        return option
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise SiteError(
                f"SOURCE_DATE_EPOCH must be a number of seconds since 1970, got {epoch!r}"
            ) from None
    return datetime.now(tz=UTC).date()


# --- rendering ------------------------------------------------------------------------------------


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 for Markdown output: no autoescape (rules texts are Markdown, and validation rejects
    raw HTML in them), undefined names fail loudly, and an optional folder overrides templates."""
    search = [str(templates_dir)] if templates_dir else []
    search.append(str(TEMPLATES_DIR))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=_template_cache(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["page_link"] = page_link
    env.filters["one_line"] = lambda text: " ".join(str(text).split())
    env.filters["cell"] = lambda text: " ".join(str(text).split()).replace("|", "\\|")
    return env


def _template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, kept under ``.cache/jinja2/`` (keyed by each template's path and
    checked against its source): compiling them is a third of rendering the pages, every build."""
    folder = REPO_ROOT / ".cache" / "jinja2"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only checkout: compile every time
    return jinja2.FileSystemBytecodeCache(str(folder))


def page_link(target: str, current: str) -> str:
    """A relative Markdown link from page ``current`` to page ``target`` (both source URIs), so
    MkDocs checks it and rewrites it to the built URL."""
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def render_pages(model: site_model.SiteModel, templates_dir: Path | None = None) -> dict[str, str]:
    """Every generated page as Markdown, keyed by source URI."""
    env = environment(templates_dir)
    context = model.as_context()
    pages: dict[str, str] = {REFERENCE_PAGE: reference.markdown()}
    for uri, template in PAGES.items():
        pages[uri] = env.get_template(template).render(context, page=uri)
    for category in model.categories:
        uri = category["uri"]
        pages[uri] = env.get_template(CATEGORY_TEMPLATE).render(
            context, page=uri, category=category
        )
    return pages


# --- the whole site's content ---------------------------------------------------------------------


@dataclass
class SiteContent:
    """What one build adds to MkDocs: generated pages, the theme's data, the placeholder filler."""

    rules: Rules
    rules_path: Path
    on: date
    model: site_model.SiteModel
    pages: dict[str, str]
    assets: assets.BrowserAssets  # the quiz's and calculator's files (quiz/build/assets.py)
    quiz_mount: static_quiz.Mount | None = None  # the first screen and steps (static_quiz.py)

    @property
    def in_force_text(self) -> str:
        current = self.model.dues["current"]
        if current is None:
            return f"No dues are in force on {site_model.long_date(self.on)}"
        return f"Prices shown: {current['full_label']}"

    def theme_context(self, engine_pages: list[str]) -> dict[str, Any]:
        """Data for overrides/main.html (footer, dues announcement, where the engine is).
        ``engine_pages``: the site paths of the pages that run the engine (``quiz/``)."""
        association = self.model.association
        disclaimer = association["disclaimer"]
        return {
            "on": self.on.isoformat(),
            "engine_manifest": self.assets.manifest_uri,
            "engine_pages": " ".join(engine_pages),
            "short_name": association["short_name"],
            "headquarters": association["headquarters"],
            "disclaimer": disclaimer["text"] if disclaimer else None,
            "in_force_text": self.in_force_text,
            "sources_href": "sources/",
            "announcements": [
                {
                    "text": f"{s['year']} dues take effect on {s['effective_text']}.",
                    "href": "dues/",
                }
                for s in self.model.dues["upcoming"]
            ],
        }

    def render_value(self, placeholder: str) -> str:
        """One ``{{ name }}`` through the engine, with a did-you-mean hint for a typo."""
        return render_value(self.rules, self.on, placeholder)

    def fill_quiz_mount(self, html: str) -> str:
        """A built page with the quiz's first question pre-rendered in its quiz mount, if any."""
        return static_quiz.fill_quiz_mount(html, self.quiz_mount) if self.quiz_mount else html

    def render_placeholders(self, markdown: str, where: str) -> str:
        """A hand-written page with its placeholders filled; ``SiteError`` lists every bad one."""
        return render_placeholders(self.rules, self.on, markdown, where)


def render_value(rules: Rules, on: date, placeholder: str) -> str:
    """One ``{{ name }}`` through the engine, with a did-you-mean hint for a typo."""
    try:
        return values.render_text(rules, placeholder, on=on)
    except RulesError as error:
        name = placeholder.strip("{} \t")
        close = difflib.get_close_matches(name, sorted(names.names(rules)), n=1)
        hint = f" (did you mean '{{{{ {close[0]} }}}}'?)" if close and close[0] != name else ""
        raise SiteError(f"{error}{hint}") from None


def render_placeholders(rules: Rules, on: date, markdown: str, where: str) -> str:
    """A hand-written page with its placeholders filled; ``SiteError`` lists every bad one."""
    try:
        return placeholders.fill(markdown, lambda p: render_value(rules, on, p), where)
    except placeholders.PlaceholderProblems as problems:
        raise SiteError(str(problems)) from None


def load(rules_path: Path) -> Rules:
    """The validated rules; ``SiteError`` carrying the engine's file:line list otherwise."""
    try:
        return load_rules(rules_path)
    except RulesError as error:
        raise SiteError(
            f"{rules_path.name} has errors; the site was not rebuilt:\n{error}"
        ) from None


def build_site_content(
    rules_path: Path, *, on: date, templates_dir: Path | None = None
) -> SiteContent:
    """Load and validate the rules, make the quiz's assets, compute the model and render every
    generated page.

    All of it happens before MkDocs touches ``site/``: a rules mistake, a template error or a
    missing npm package stops the build while the last good site is still whole.
    """
    rules_path = Path(rules_path)
    rules = load(rules_path)
    try:
        files = assets.browser_assets(export.to_json(rules), REPO_ROOT, on=on)
    except (OSError, assets.AssetsError) as error:  # AssetsError says how to fix it
        raise SiteError(f"the quiz's browser assets: {error}") from None
    model, pages, quiz_mount = checked_pages(rules, on, templates_dir)
    return SiteContent(
        rules=rules,
        rules_path=rules_path,
        on=on,
        model=model,
        pages=pages,
        assets=files,
        quiz_mount=quiz_mount,
    )


def checked_pages(
    rules: Rules, on: date, templates_dir: Path | None = None
) -> tuple[site_model.SiteModel, dict[str, str], static_quiz.Mount | None]:
    """The site's model, every generated page and the quiz's first screen, with every figure the
    pages state checked against the rules (``SiteError`` lists each one the rules do not give).

    The part of a build that depends on the rules' values only: tests change a value and call this
    to see it followed everywhere, without the browser assets.
    """
    model = site_model.build_model(rules, on)
    try:
        pages = render_pages(model, templates_dir)
        quiz_mount = static_quiz.mount(rules, on)
    except jinja2.TemplateError as error:
        where = getattr(error, "filename", None) or getattr(error, "name", None) or "template"
        line = getattr(error, "lineno", None)
        raise SiteError(f"{where}{f':{line}' if line else ''}: {error}") from None
    allowed = figures.allowed_figures(rules, on)
    typed = [
        problem
        for uri, markdown in pages.items()
        for problem in figures.problems(
            figures.markdown_text(markdown), allowed, figures.page_key(uri), f"{uri} (generated)"
        )
    ]
    if typed:
        raise SiteError(
            "a page states a figure the rules do not give (write it as a {{ placeholder }} in the "
            "rules or the template):\n" + "\n".join(typed)
        )
    return model, pages, quiz_mount


def check_docs_placeholders(docs_dir: Path, rules: Rules, on: date) -> list[str]:
    """Every bad placeholder in docs/*.md, and every figure a page types that the rules do not
    give, checked up front (``on_config``) so a mistake in a page fails the build before ``site/``
    is emptied, like a mistake in the rules does."""
    problems: list[str] = []
    root = Path(docs_dir)
    allowed = figures.allowed_figures(rules, on)
    for path in sorted(root.rglob("*.md")):
        where = shown_name(path)
        try:
            filled = render_placeholders(rules, on, path.read_text(encoding="utf-8"), where)
        except SiteError as error:
            problems.extend(str(error).splitlines())
            continue
        key = figures.page_key(path.relative_to(root).as_posix())
        problems.extend(figures.problems(figures.markdown_text(filled), allowed, key, where))
    return problems


# --- the pages that run the engine ----------------------------------------------------------------

ENGINE_META = "ipma_engine"  # front matter naming what a page runs: "quiz" or "calculator"


def engine_pages(sources: Mapping[str, str]) -> list[str]:
    """The site paths (``quiz/``) of the pages whose front matter has ``ipma_engine``, from
    ``{site path: Markdown}``: every page's links to them start the engine on intent
    (docs/javascripts/app.js), and only they load it themselves (overrides/main.html)."""
    return sorted(url for url, text in sources.items() if ENGINE_META in get_data(text)[1])


# --- navigation -----------------------------------------------------------------------------------


def expand_nav(nav: Any, site: SiteContent) -> Any:
    """mkdocs.yml's nav with ``membership/*`` replaced by one entry per category (rules' order).

    A nav that does not use the marker is returned unchanged.
    """
    entries = [{c["name"]: c["uri"]} for c in site.model.categories]

    def walk(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        result: list[Any] = []
        for item in items:
            if item == NAV_CATEGORIES:
                result.extend(entries)
            elif isinstance(item, dict):
                expanded = {}
                for title, value in item.items():
                    if value == NAV_CATEGORIES:
                        expanded[title] = list(entries)
                    else:
                        expanded[title] = walk(value)
                result.append(expanded)
            else:
                result.append(item)
        return result

    return walk(nav)


# --- serve ----------------------------------------------------------------------------------------


def watched_paths(rules_path: Path, project_dir: Path) -> list[Path]:
    """What ``mkdocs serve`` watches besides docs/: the rules file's folder (rules/), or just the
    file when it sits in the project root (watching the root would rebuild on every change)."""
    rules_path = Path(rules_path).resolve()
    folder = rules_path.parent
    if folder == Path(project_dir).resolve():
        return [rules_path]
    return [folder]
