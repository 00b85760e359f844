CREATE TABLE s_two (id int);
