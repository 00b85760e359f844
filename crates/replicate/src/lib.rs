//! Legacy stand-in generator, replication driver, verification and report.
