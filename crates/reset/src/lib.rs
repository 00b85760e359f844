//! Reset guard, markers, and dropping every application object.
