CREATE TABLE a_two (id int);
