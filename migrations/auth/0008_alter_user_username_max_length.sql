-- Django 5.2 `auth 0008_alter_user_username_max_length`.
ALTER TABLE "auth_user" ALTER COLUMN "username" TYPE varchar(150);
