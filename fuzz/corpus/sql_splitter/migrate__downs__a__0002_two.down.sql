DROP TABLE d_two;
