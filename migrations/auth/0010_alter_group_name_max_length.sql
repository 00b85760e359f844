-- Django 5.2 `auth 0010_alter_group_name_max_length`.
ALTER TABLE "auth_group" ALTER COLUMN "name" TYPE varchar(150);
