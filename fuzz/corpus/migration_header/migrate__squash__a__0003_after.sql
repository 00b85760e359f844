CREATE TABLE s_three (id int);
