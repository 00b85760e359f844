-- no-transaction
CREATE TABLE n_one (id int, note text);
CREATE INDEX CONCURRENTLY n_one_id ON n_one (id);
INSERT INTO n_missing VALUES ('a;b', $$ ; $$);
CREATE TABLE n_three (id int);
