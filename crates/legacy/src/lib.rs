//! The synthetic stand-in of the legacy Oracle `WELLS` schema.
