-- Django 5.2 `auth 0012_alter_user_first_name_max_length`.
ALTER TABLE "auth_user" ALTER COLUMN "first_name" TYPE varchar(150);
