"""The duty count's bands: categories divide the count between them with no overlap and no gap.

`duty_bands` lists them lowest first, each up to a threshold (`max`) or from one (`min`). An upper
band followed by a lower one must meet exactly (max + 1 = min): with an overlap one count would fit
two bands, with a gap none. Bands from a threshold must rise.
"""

from __future__ import annotations

from quiz.build.problems import Report

from . import data as d


def check(data: object, report: Report) -> None:
    values = d.thresholds(data)
    locations = {
        name: ("thresholds", index) for name, (index, _) in d.by_id(data, "thresholds").items()
    }
    previous: tuple[str, str, int] | None = None  # (bound, threshold, value)
    for index, band in d.entries(d.get(data, "duty_bands")):
        if len(band) != 1:
            continue  # the schema reports it
        ((bound, name),) = band.items()
        value = values.get(name) if isinstance(name, str) else None
        if value is None or bound not in ("max", "min"):
            previous = None
            continue
        if previous is not None:
            last_bound, last_name, last_value = previous
            here = (*locations.get(name, ("duty_bands", index)), "value")
            if last_bound == "max" and bound == "min" and last_value + 1 != value:
                kind = "overlap" if last_value + 1 > value else "leave a gap"
                report.add(
                    here,
                    f"the duty bands {kind}: {last_name} ({last_value}) + 1 should be {name} "
                    f"({value}), so that a count of duties fits exactly one band",
                )
            elif (bound == "max" or last_bound == "min") and not last_value < value:
                report.add(
                    here,
                    f"expected {name} ({value}) above {last_name} ({last_value}): the duty bands "
                    "rise from the lowest",
                )
        previous = (bound, name, value)
