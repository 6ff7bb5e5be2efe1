"""The ``ipma`` MkDocs plugin: rules/ → validated rules → generated pages, placeholders, assets.

The plugin only wires MkDocs events to plain functions in ``quiz.build.pages``; everything a page
says is computed there (and tested there without MkDocs).
"""

from quiz.build.mkdocs_plugin.plugin import IpmaPlugin

__all__ = ["IpmaPlugin"]
