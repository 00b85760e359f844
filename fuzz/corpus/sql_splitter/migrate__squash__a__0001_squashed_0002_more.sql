-- replaces: a 0001_initial, a 0002_more
CREATE TABLE s_one (id int);
CREATE TABLE s_two (id int);
