CREATE TABLE a_one (id int);
