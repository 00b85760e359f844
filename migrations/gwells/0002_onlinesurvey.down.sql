DROP TABLE "online_survey";
