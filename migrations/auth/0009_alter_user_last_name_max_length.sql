-- Django 5.2 `auth 0009_alter_user_last_name_max_length`.
ALTER TABLE "auth_user" ALTER COLUMN "last_name" TYPE varchar(150);
