CREATE TABLE s_one (id int);
