//! The mark of a throwaway server, read by anyone holding only a URL.

use crate::{Result, Target, connect};

/// Passed as `-c` to every server devdb starts, local or container, so that a tool holding
/// only a URL can tell a throwaway server (where databases may be cloned, renamed and dropped at
/// will) from any other: see [`is_devdb_server`]. `cluster_name` is set only when the server
/// starts — a client cannot set it for its session (the connection is refused) nor a role or
/// database — so no URL option can make a real server look throwaway. It also names the
/// server's processes in `ps`. It lives here, not in devdb, because the product binary (which
/// links no server code) guards reset with it too.
pub const SERVER_MARK: &str = "cluster_name=gwells-devdb";

/// Whether the server of `target` was started by devdb (it carries [`SERVER_MARK`]).
pub async fn is_devdb_server(target: &Target) -> Result<bool> {
    let conn = connect(target, "gwells-db devdb").await?;
    let row = conn
        .query_one("SELECT current_setting('cluster_name') = 'gwells-devdb'", &[])
        .await
        .map_err(crate::report::doing("reading the server's cluster_name"))?;
    Ok(row.get(0))
}
