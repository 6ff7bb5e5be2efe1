"""`{{ name }}` placeholders in the rules' texts name values the rules define.

Every text field (the schema's `ipma-text` format) is read; a name is checked against what the rules
define on some date (names.names_in, read from the same data, so a mistake elsewhere does not
turn into a misleading "unknown value" here). A criterion's text may not bring in another criterion.
"""

from __future__ import annotations

import re

from quiz.build import schema
from quiz.build.problems import Report, did_you_mean

from . import names

NAME_RE = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")
RAW_RE = re.compile(r"\{\{(.*?)\}\}")


def check(data: object, report: Report) -> None:
    known = names.names_in(data)
    for raw, node, value in schema.walk(data):
        if node.get("format") != "ipma-text" or not isinstance(value, str):
            continue
        in_criterion = "criteria" in raw and raw[-1] == "text"
        for match in RAW_RE.finditer(value):
            name = match.group(1).strip()
            if not NAME_RE.match(name):
                report.add(
                    raw,
                    "expected a value name such as {{ dues.affiliate }}, "
                    f"got '{match.group(0)}'",
                )
            elif name not in known:
                report.add(raw, f"unknown value '{{{{ {name} }}}}'{did_you_mean(name, known)}")
            elif in_criterion and name.startswith("criteria."):
                report.add(raw, f"a criterion's text cannot name a criterion ('{{{{ {name} }}}}')")
