//! Code-table CSVs: parse, validate offline, load without cascading, dump.
//!
//! * [`check_dir`]: offline validation of a folder of CSVs (syntax, header, values, keys,
//!   order, references between code tables); [`check_live`] adds the live schema's columns,
//!   types and lengths.
//! * [`load_dir`]: only code tables (`is_code_table`), only after the offline check passes,
//!   and no header-only CSV unless allowed; then one transaction under the tool's advisory lock; COPY into one staging table,
//!   then insert, update and delete by key; rows still referenced are never deleted (the load
//!   refuses, naming the referencing rows) and nothing ever cascades.
//! * [`dump_dir`]: tables back to CSV in the same conventions, so a load and a dump round-trip.
//! * [`import_dir`]: GWELLS's own code-table files, defects reported once, made canonical.
//!
//! The CSV conventions are written down in `codetables/README.md`.

mod catalog;
mod check;
mod dump;
mod error;
mod import;
mod load;
mod order;
mod schema;
mod table;

pub use check::{CheckReport, check_dir};
pub use dump::{DumpOptions, dump_dir};
pub use error::{Error, Reference};
pub use import::{Defect, ImportReport, import_dir};
pub use load::{LoadOptions, LoadReport, Loaded, TableReport, check_live, load_dir, loaded};
pub use table::{CodeTable, Row, parse_csv};
