CREATE TABLE f_two (id int);
INSERT INTO f_two VALUES (1);
SELECT no_such_column FROM f_two;
