from django.db import migrations

# The audit trail is append-only for the role the application uses: any UPDATE, DELETE or
# TRUNCATE is refused by the database itself, whatever code path tries it.
FORWARD = """
CREATE FUNCTION maillage_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION maillage_audit_refuse_change();
CREATE TRIGGER audit_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION maillage_audit_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS audit_no_update_delete ON core_auditevent;
DROP FUNCTION IF EXISTS maillage_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
