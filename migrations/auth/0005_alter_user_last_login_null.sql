-- Django 5.2 `auth 0005_alter_user_last_login_null`.
ALTER TABLE "auth_user" ALTER COLUMN "last_login" DROP NOT NULL;
