CREATE TABLE n_zero (id int);
