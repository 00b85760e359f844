CREATE TABLE f_one (id int);
