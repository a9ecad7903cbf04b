#pragma once
// The SQLite engine: one database file in WAL mode, foreign keys on, synchronous=FULL (an
// acknowledged commit survives power loss), prepared statements only. Reads use a pool of
// connections; writes go through one writer connection, one transaction at a time per process
// (BEGIN IMMEDIATE plus a busy timeout serialises writers across processes).
#include <memory>
#include <string>

#include "store/store.h"

struct sqlite3;

namespace amity::store {

struct SqliteOptions {
  int read_connections = 8;
  int busy_timeout_ms = 10000;
  int writer_cache_kib = 256 * 1024;
  int read_cache_kib = 8 * 1024;  // per read connection
};

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, SqliteOptions options = {});

// Opens a connection to the file (sqlite3_open_v2 `flags`) with the collations Amity's indexes
// and lists use, `vi` and `en` (domain/collation.h), registered: every connection Amity opens
// comes from here, since a database whose indexes name a collation cannot be written, nor read
// through those indexes, by a connection that lacks it ("no such collation sequence"). The
// caller closes it (sqlite3_close_v2).
Result<sqlite3*> OpenSqliteConnection(const std::string& path, int flags);

}  // namespace amity::store
