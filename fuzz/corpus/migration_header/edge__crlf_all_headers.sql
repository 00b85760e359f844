-- depends: auth __first__, contenttypes 0002_remove_content_type_name
-- replaces: a 0001_initial
-- no-transaction
SELECT 1;
