"""Migration operations shared by the apps."""

from django.db.migrations.operations.base import Operation


class TrigramIndex(Operation):
    """A GIN trigram index on a folded text column, on PostgreSQL only.

    It serves ``search_text LIKE '%word%'`` from :func:`dluan.search.search`;
    SQLite scans instead, with the same results.
    """

    reversible = True

    def __init__(self, model_name: str, column: str, name: str):
        self.model_name = model_name
        self.column = column
        self.name = name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON "
            f"{quote(model._meta.db_table)} USING gin ({quote(self.column)} gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}"
            )

    def describe(self):
        return (
            f"Trigram index {self.name} on {self.model_name}.{self.column} (PostgreSQL)"
        )

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "column": self.column, "name": self.name},
        )
