"""Keep special-category data (health, disability) out of the logs.

The app never logs profile data itself. The one place it could reach a log is Django's SQL debug
log (`django.db.backends` at DEBUG level logs every query with its parameters), so a query that
touches the answer is logged without its SQL or parameters.
"""

import logging

SPECIAL_CATEGORY_COLUMNS = ("lived_experience",)


def _may_carry_the_value(sql: str) -> bool:
    """A query whose parameters may hold the answer: one that writes the column, or filters on
    it. Reading the column (it is in every SELECT of a member) logs no value."""
    if not any(column in sql for column in SPECIAL_CATEGORY_COLUMNS):
        return False
    if not sql.lstrip().upper().startswith("SELECT"):
        return True
    where = sql.upper().find(" WHERE ")
    return where >= 0 and any(column in sql[where:] for column in SPECIAL_CATEGORY_COLUMNS)


class RedactSpecialCategoryQueries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _may_carry_the_value(str(getattr(record, "sql", "") or "")):
            record.msg = "(%.3f) query touching special-category data; SQL and values not logged"
            record.args = (getattr(record, "duration", 0.0) or 0.0,)
            record.sql = "(not logged)"
            record.params = ()
        return True
