//! The Django superuser.
