DROP TABLE "profile";
