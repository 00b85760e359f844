-- depends: gwells 0001_initial

--depends:a b,c d
SELECT 1;
-- depends: late 0001_x
