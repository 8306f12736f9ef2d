"""Decimal arithmetic independent of global state: one local context, strict parsing, rounding
and formatting. Nothing here ever goes through float."""

import decimal
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

# A local context: the thread's default context (which a host page could change) is never used
# for arithmetic. Invalid operations, division by zero and overflow raise instead of yielding
# NaN or Infinity.
CONTEXT = decimal.Context(
    prec=28, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])

# Global safety bound on any number a user can enter (10^15 yuan is far beyond any subsidy);
# inputs with a tighter `max` in the spec use that instead.
SAFE_MAX = Decimal(10) ** 15

# Bound on any computed value: far beyond any real amount, yet with prec 28 still exact to
# several decimals. A larger value can only come from absurd inputs, which get blamed.
COMPUTE_MAX = Decimal(10) ** 21

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}
MAX_PLACES = 10

# Plain decimal notation only: no exponent, no underscores, no NaN/Infinity, ASCII digits.
_PLAIN = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?\Z", re.ASCII)


def parse_plain(text: str) -> Decimal | None:
    """`text` as a Decimal if it is a plain decimal literal ("12", "-0.5", "3."), else None."""
    match = _PLAIN.match(text)
    if match is None or not (match.group(2) or match.group(3)):
        return None
    return Decimal(text)


def spec_number(value) -> Decimal | None:
    """A number written in a spec (string, int or Decimal; never float or bool), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        return parse_plain(value.strip())
    return None


def round_to(value: Decimal, places: int, mode: str) -> Decimal:
    """Round to `places` decimals with a ROUNDING_MODES key (raises decimal errors on overflow)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode],
                          context=CONTEXT)


def format_plain(value: Decimal) -> str:
    """Plain notation (never 1E+5), trailing fractional zeros dropped, no negative zero."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_fixed(value: Decimal, places: int = 2) -> str:
    """Plain notation with exactly `places` decimals (money: half up, as people round)."""
    try:
        text = format(round_to(value, places, "half_up"), "f")
    except decimal.DecimalException:  # too many digits to show with `places`: show as is
        return format_plain(value)
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
