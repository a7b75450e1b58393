"""Writing many rows fast: COPY on PostgreSQL (psycopg 3), executemany INSERT on other databases.

Rows are tuples in the order of the field names given; every other column gets its model default
(or NULL when the field is nullable), so a field added to a model later does not break the load
unless it is required and has no default — then the error names it.
"""

import json
from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.utils import timezone


class MissingColumn(Exception):
    pass


class RowSink:
    def __init__(self, connection, now: datetime | None = None):
        self.connection = connection
        self.is_postgresql = connection.vendor == "postgresql"
        self.now = now or timezone.now()
        self.counts: dict[str, int] = {}

    def _columns(self, model, fields: list[str]):
        """(given fields, extra fields with a constant value) for the model's table."""
        given = [model._meta.get_field(name) for name in fields]
        given_columns = {field.column for field in given}
        extra = []
        for field in model._meta.concrete_fields:
            if field.column in given_columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                extra.append((field, self.now))
            elif field.has_default() or (field.empty_strings_allowed and not field.null):
                # What Django itself would save: the default, or "" for a blank text field.
                extra.append((field, field.get_default()))
            elif field.null:
                continue
            elif isinstance(field, models.AutoField | models.BigAutoField):
                raise MissingColumn(f"{model._meta.label}: give the primary key ({field.name}) explicitly")
            else:
                raise MissingColumn(f"{model._meta.label}.{field.name} is required and has no default")
        return given, extra

    def _converter(self, field):
        if self.is_postgresql:
            if isinstance(field, models.JSONField):
                return json.dumps
            return None
        connection = self.connection
        return lambda value: field.get_db_prep_save(value, connection)

    def write(self, model, fields: list[str], rows: Iterable[tuple]) -> int:
        given, extra = self._columns(model, fields)
        columns = [field.column for field in given] + [field.column for field, _ in extra]
        converters = [self._converter(field) for field in given]
        extra_values = tuple(
            json.dumps(value)
            if self.is_postgresql and isinstance(field, models.JSONField)
            else field.get_db_prep_save(value, self.connection)
            for field, value in extra
        )
        convert = any(converters)
        table = self.connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        count = 0
        if self.is_postgresql:
            raw = self.connection.connection  # the psycopg 3 connection under Django's wrapper
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    if convert:
                        row = tuple(conv(value) if conv else value for conv, value in zip(converters, row, strict=True))
                    copy.write_row(row + extra_values)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
            batch = []
            with self.connection.cursor() as cursor:
                for row in rows:
                    row = tuple(conv(value) if conv else value for conv, value in zip(converters, row, strict=True))
                    batch.append(row + extra_values)
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + count
        return count
