DROP TABLE d_one;
