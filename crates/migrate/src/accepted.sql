-- Reviewed changes to applied migrations (`migrate --accept-checksum APP NAME`): which checksum
-- replaced which, when and by whom. Created by the first acceptance, so databases nobody
-- accepted a change on keep exactly the two ledger tables (the schema `gwells_db` exists: the ledger created it).
CREATE TABLE IF NOT EXISTS gwells_db.accepted_checksum (
    app               varchar(255) NOT NULL,
    name              varchar(255) NOT NULL,
    previous_checksum text         NULL,
    checksum          text         NOT NULL,
    accepted          timestamptz  NOT NULL,
    accepted_by       text         NOT NULL,
    tool_version      text         NOT NULL
);
