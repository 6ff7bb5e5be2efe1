"""Money in one place: Decimal inside (50% of an odd amount has cents); JSON numbers, "$1,980" out.

JavaScript never formats money: every amount the engine returns comes with its `display` string.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value: int | float | str | Decimal) -> Decimal:
    """An amount as Decimal; floats go through str() so 110.5 stays 110.5, not its binary cousin."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def cents(value: Decimal) -> Decimal:
    """Rounded to the cent (half up, as a price list would)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def to_number(value: Decimal) -> int | float:
    """A JSON number: an int when whole (400, not 400.0), else a float of the amount in cents."""
    value = cents(value)
    return int(value) if is_whole(value) else float(value)


def display(value: Decimal, currency: str = "USD") -> str:
    """ "$1,980" for whole dollars, "$110.50" when there are cents."""
    value = cents(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    symbol = "$" if currency == "USD" else f"{currency} "
    if is_whole(value):
        return f"{sign}{symbol}{int(value):,}"
    return f"{sign}{symbol}{value:,.2f}"


def money_json(value: Decimal, currency: str = "USD") -> dict:
    """`{"amount": 220, "display": "$220"}`, the shape every amount has in the JSON contract."""
    return {"amount": to_number(value), "display": display(value, currency)}
