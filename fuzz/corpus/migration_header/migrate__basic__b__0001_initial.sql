-- depends: a 0002_more
CREATE TABLE b_one (id int);
