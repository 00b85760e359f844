CREATE TABLE d_three (id int);
