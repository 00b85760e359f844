-- The seed's `gwells 0002_profile`: the other branch of the 0003 merge; `user_id` is
-- Django's swappable dependency on the user model, hence `auth __first__`. No audit columns:
-- GWELLS creates a profile for every new user from a signal that sets none of them.
-- depends: gwells 0001_initial, auth __first__
CREATE TABLE "profile" ("profile_guid" uuid NOT NULL PRIMARY KEY, "user_id" integer NOT NULL UNIQUE, "smgov_useridentifier" uuid NULL, "smgov_useremail" varchar(254) NULL UNIQUE, "smgov_userdisplayname" varchar(100) NULL);
ALTER TABLE "profile" ADD CONSTRAINT "profile_user_id_edde5288_fk_auth_use" FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX "profile_smgov_useremail_340b50b0_like" ON "profile" ("smgov_useremail" varchar_pattern_ops);
