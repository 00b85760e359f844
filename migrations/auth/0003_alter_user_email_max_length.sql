-- Django 5.2 `auth 0003_alter_user_email_max_length`.
ALTER TABLE "auth_user" ALTER COLUMN "email" TYPE varchar(254);
