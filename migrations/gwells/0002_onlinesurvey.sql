-- The seed's `gwells 0002_onlinesurvey`: one branch of the 0003 merge. No audit columns, and
-- dates rather than timestamps, as its model has them.
-- depends: gwells 0001_initial
CREATE TABLE "online_survey" ("survey_guid" uuid NOT NULL PRIMARY KEY, "survey_introduction_text" text NULL, "survey_link" varchar(200) NULL, "survey_page" varchar(1) NOT NULL, "survey_enabled" boolean NOT NULL, "effective_date" date NOT NULL, "expiry_date" date NULL);
