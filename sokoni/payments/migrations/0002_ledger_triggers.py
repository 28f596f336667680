"""PostgreSQL guards the ledger itself, whatever code writes to it.

- A deferred constraint trigger checks at commit that every transaction a posting belongs to
  sums to zero in that currency (the posting service checks first; this catches anything else).
- Postings and journal transactions can be neither updated nor deleted.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE FUNCTION payments_check_balanced() RETURNS trigger AS $$
    DECLARE total bigint;
    BEGIN
        SELECT COALESCE(SUM(amount_minor), 0) INTO total FROM payments_posting
         WHERE transaction_id = NEW.transaction_id AND currency = NEW.currency;
        IF total <> 0 THEN
            RAISE EXCEPTION 'journal transaction % does not balance in %: %',
                NEW.transaction_id, NEW.currency, total;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER payments_posting_balanced
        AFTER INSERT ON payments_posting DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION payments_check_balanced()
    """,
    """
    CREATE FUNCTION payments_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER payments_posting_append_only BEFORE UPDATE OR DELETE ON payments_posting
        FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()
    """,
    """
    CREATE TRIGGER payments_transaction_append_only
        BEFORE UPDATE OR DELETE ON payments_journaltransaction
        FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS payments_transaction_append_only ON payments_journaltransaction",
    "DROP TRIGGER IF EXISTS payments_posting_append_only ON payments_posting",
    "DROP FUNCTION IF EXISTS payments_refuse_change()",
    "DROP TRIGGER IF EXISTS payments_posting_balanced ON payments_posting",
    "DROP FUNCTION IF EXISTS payments_check_balanced()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
