"""Check constraints worked out in Python, as PostgreSQL would.

Saving a report validates it three times (its form, the service, the workflow step), and each
validation asked the database about every check constraint: a query built from some forty
expressions, a quarter of the CPU of filing a report. The portal's constraints compare a field
with a constant or another field (`exact`, `in`, `isnull`, `gt`, `gte`, `lt`, `lte`), joined by
AND, OR and NOT; those are answered here with SQL's three-valued logic: a comparison with NULL
is unknown, and a check constraint refuses a row only when its condition is false.

Anything else (a function, a transform, a JSON value, ordering of text, which depends on the
database's collation) raises NotInPython, and the constraint is asked of the database as before.
"""

import datetime
import decimal

from django.db import models
from django.db.models import F, Q, Value

COMPARISONS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


class NotInPython(Exception):
    """A condition this module does not work out; the database must be asked."""


class UnknownField(Exception):
    """The condition names a field left out of the validation (`exclude`): Django skips such
    a constraint."""


def holds(condition: Q, values: dict) -> bool | None:
    """The condition's truth over `values` (a model's `_get_field_expression_map()`): True,
    False or None (unknown, which a check constraint lets pass)."""
    if not isinstance(condition, Q):
        raise NotInPython(condition)
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, values))
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
            results.append(_compare(*child, values))
        else:
            raise NotInPython(child)  # an expression as a condition
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise NotInPython(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


def _compare(lookup: str, rhs, values: dict) -> bool | None:
    name, _, operator = lookup.partition("__")
    operator = operator or "exact"
    if operator not in {"exact", "isnull", "in", *COMPARISONS}:
        raise NotInPython(lookup)  # another lookup, or a transform (`occurred_at__date`)
    field, left = _value(name, values)
    if operator == "isnull":
        if not isinstance(rhs, bool):
            raise NotInPython(lookup)
        return (left is None) == rhs
    if operator == "exact" and rhs is None:
        return left is None  # Django turns `= None` into IS NULL
    if operator == "in":
        if isinstance(rhs, str | F | Value) or not isinstance(rhs, list | tuple | set | frozenset):
            raise NotInPython(lookup)
        # Django leaves NULL out of `IN (...)`: it is never equal to anything.
        options = [_prepared(field, option) for option in rhs if option is not None]
        kinds = {_kind(option) for option in options}
        if len(kinds) != 1 or None in kinds or (left is not None and kinds != {_kind(left)}):
            raise NotInPython(lookup)
        if left is None:
            return None
        return left in options
    right = _operand(field, rhs, values)
    if left is None or right is None:
        return None
    kind = _kind(left)
    if kind is None or kind != _kind(right):
        raise NotInPython(lookup)  # compared across types: the database's casts decide
    if operator == "exact":
        return left == right
    if operator in COMPARISONS and kind is not str:  # text is ordered by its collation
        return COMPARISONS[operator](left, right)
    raise NotInPython(lookup)


def _kind(value):
    """What kind of SQL value `value` is compared as, or None for a kind not handled here.
    Whole numbers and decimals compare exactly with each other; a float only with a float."""
    for kind in (bool, str, datetime.datetime, datetime.date, datetime.time, float):
        if isinstance(value, kind):
            return kind
    if isinstance(value, int | decimal.Decimal):
        return decimal.Decimal
    return None


def _value(name: str, values: dict):
    """(field, value as the database holds it) of a field named in a condition."""
    if "__" in name or name == "pk":
        raise NotInPython(name)
    if name not in values:
        raise UnknownField(name)
    expression = values[name]
    if not isinstance(expression, Value) or not isinstance(expression.output_field, models.Field):
        raise NotInPython(name)  # an expression assigned to the field, a generated field
    field = expression.output_field
    if isinstance(field, models.JSONField):
        raise NotInPython(name)
    return field, _prepared(field, expression.value)


def _operand(field, rhs, values: dict):
    if isinstance(rhs, F):
        return _value(rhs.name, values)[1]
    if hasattr(rhs, "resolve_expression"):
        raise NotInPython(rhs)
    return _prepared(field, rhs)


def _prepared(field, value):
    """The value as it is compared in SQL: an enum member as its value, text as text, a
    number as a number of the field's type."""
    if value is None:
        return None
    try:
        return field.get_prep_value(value)
    except (TypeError, ValueError, decimal.InvalidOperation) as error:
        raise NotInPython(value) from error
