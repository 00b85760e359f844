-- The seed's `gwells 0002_onlinesurvey`: one branch of the 0003 merge.
-- depends: gwells 0001_initial
CREATE TABLE "online_survey" ("create_user" varchar(30) NOT NULL, "create_date" timestamp with time zone NULL, "update_user" varchar(30) NULL, "update_date" timestamp with time zone NULL, "online_survey_guid" uuid NOT NULL PRIMARY KEY, "survey_introduction_text" varchar(200) NOT NULL, "survey_link" varchar(200) NOT NULL, "survey_page" varchar(1) NOT NULL, "survey_enabled" boolean NOT NULL, "effective_date" timestamp with time zone NULL, "expiry_date" timestamp with time zone NULL);
