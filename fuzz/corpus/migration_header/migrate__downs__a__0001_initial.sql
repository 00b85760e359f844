CREATE TABLE d_one (id int);
