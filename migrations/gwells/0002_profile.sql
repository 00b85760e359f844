-- The seed's `gwells 0002_profile`: the other branch of the 0003 merge; `user_id` is
-- Django's swappable dependency on the user model, hence `auth __first__`.
-- depends: gwells 0001_initial, auth __first__
CREATE TABLE "profile" ("create_user" varchar(30) NOT NULL, "create_date" timestamp with time zone NULL, "update_user" varchar(30) NULL, "update_date" timestamp with time zone NULL, "profile_guid" uuid NOT NULL PRIMARY KEY, "user_id" integer NOT NULL UNIQUE, "username" varchar(100) NULL);
ALTER TABLE "profile" ADD CONSTRAINT "profile_user_id_c2c211c2_fk_auth_use" FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX "profile_user_id_8ee2291d" ON "profile" ("user_id");
