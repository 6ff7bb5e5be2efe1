"""Synthetic rules for the scale measure: the real rules file grown to N categories × Y dues years.

The real categories are kept; ``N - 7`` synthetic individual categories are added, each reachable on
its own (the validator proves every individual category can be the outcome): category ``synth_K``
fits people who choose the organization option ``synth_K_org`` and are looking for development. The
dues table gets ``years`` dated blocks (one a year, ending with the real year), each with an amount
for every category with published dues; the Enterprise pricing gets the same dates.

    .venv/bin/python -m bench.synthetic 100 > /tmp/rules-100.yaml
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
RULES = REPO_ROOT / "rules" / "membership.yaml"


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _letters(k: int) -> str:
    """``k`` in letters (0 → "AAA"): the site's figure check reads a digit before a noun, as in
    "Synthetic 0 members", as a count that the rules would have to give."""
    return "".join(chr(ord("A") + (k // 26**i) % 26) for i in (2, 1, 0))


def synthetic_data(n_categories: int, years: int = 30, base: Path = RULES) -> dict[str, Any]:
    """The rules as plain data with ``n_categories`` categories and ``years`` dues years."""
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    categories = data["categories"]
    real = len(categories)
    if n_categories < real:
        raise ValueError(f"at least {real} categories (the real ones)")
    template = next(c for c in categories if c["id"] == "academic")
    organization = next(q for q in data["questions"] if q["id"] == "organization")
    last_order = max(c.get("order", 0) for c in categories)
    added = []
    for k in range(n_categories - real):
        cid = f"synth_{k:04d}"
        letters = _letters(k)
        option = f"{cid}_org"
        organization["options"].append({"id": option, "label": f"Synthetic organization {letters}"})
        category = copy.deepcopy(template)
        category.update(
            id=cid,
            name=f"Synthetic {letters}",
            order=last_order + 1 + k,
            summary=f"Synthetic category {letters} for the scale benchmark.",
            excluded_by=[],
            paths=[
                {
                    "id": "synthetic",
                    "criteria": [
                        {
                            "id": "organization",
                            "text": f"Works for a synthetic organization of kind {letters}",
                            "condition": {"answer": "organization", "in": [option]},
                            "source": template["source"],
                        },
                        {
                            "id": "development",
                            "text": "Seeking training and a network for career development",
                            "condition": {"answer": "seeking_development", "is": True},
                            "source": template["source"],
                        },
                    ],
                }
            ],
            apply=[
                {"label": f"Apply Online - Synthetic {letters}", "url": "https://www.theipma.org/"}
            ],
        )
        added.append(category)
    # Enterprise stays last, as in the real file (organization categories after individual ones).
    individual = [c for c in categories if c.get("kind") != "organization"]
    organizations = [c for c in categories if c.get("kind") == "organization"]
    for i, category in enumerate(organizations):
        category["order"] = last_order + len(added) + 1 + i
    data["categories"] = individual + added + organizations

    # Dues: `years` blocks ending with the real latest block, amounts for every published category.
    dues_values = data["dues"]["values"]
    latest_date = max(dues_values, key=_iso)
    latest = dues_values[latest_date]
    first_year = dt.date.fromisoformat(_iso(latest_date)).year - years + 1
    new_values: dict[str, Any] = {}
    for i in range(years):
        year = first_year + i
        block = copy.deepcopy(latest)
        factor = 1 - (years - 1 - i) * 0.01  # older years a little cheaper
        amounts = {cid: max(1, round(amount * factor)) for cid, amount in latest["amounts"].items()}
        for k, category in enumerate(added):
            amounts[category["id"]] = 100 + (k % 50) + i
        block["amounts"] = amounts
        block["rates"] = {
            key: max(1, round(value * factor)) for key, value in latest.get("rates", {}).items()
        }
        new_values[f"{year}-01-01"] = block
    data["dues"]["values"] = new_values

    ent_values = data["enterprise"]["values"]
    ent_latest = ent_values[max(ent_values, key=_iso)]
    new_ent: dict[str, Any] = {}
    for i in range(years):
        block = copy.deepcopy(ent_latest)
        block["flat_fee"] = max(1, round(ent_latest["flat_fee"] * (1 - (years - 1 - i) * 0.01)))
        new_ent[f"{first_year + i}-01-01"] = block
    data["enterprise"]["values"] = new_ent
    return data


def synthetic_yaml(n_categories: int, years: int = 30) -> str:
    return yaml.dump(
        synthetic_data(n_categories, years),
        Dumper=yaml.SafeDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )


def write_synthetic(dest: Path, n_categories: int, years: int = 30) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(synthetic_yaml(n_categories, years), encoding="utf-8")
    return dest


if __name__ == "__main__":
    sys.stdout.write(
        synthetic_yaml(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 30)
    )
