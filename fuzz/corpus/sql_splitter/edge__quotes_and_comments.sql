DO $body$ BEGIN PERFORM $$;$$; END $body$; SELECT E'a\';b', 'it''s;', "a;""b", $1, a$b$c;
/* a; /* nested; */ still; */ SELECT 10/2; -- c; d
