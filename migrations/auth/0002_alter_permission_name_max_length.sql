-- Django 5.2 `auth 0002_alter_permission_name_max_length`.
ALTER TABLE "auth_permission" ALTER COLUMN "name" TYPE varchar(255);
