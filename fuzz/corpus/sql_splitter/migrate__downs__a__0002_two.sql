CREATE TABLE d_two (id int);
