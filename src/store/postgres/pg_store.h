#pragma once
// The PostgreSQL engine (libpqxx): the multi-user deployment. Reads use a pool of connections;
// writes go through one writer connection per process, one transaction at a time, and a
// transaction-level advisory lock serialises writers across processes (the contract's "one write
// transaction per database at a time", which the write rules in records.cc rely on). Nothing is
// kept only in a process's memory: ids come from the database's sequences, and the generation
// counters that caches check are rows of the database.
#include <memory>
#include <string>

#include "store/store.h"

namespace amity::store {

struct PostgresOptions {
  int read_connections = 8;
  int lock_timeout_ms = 10000;  // how long a write waits for another process's write
  // A streaming replica (pg_basebackup -R) that reads inside store::ReplicaReads may use.
  std::string replica_url;
};

// `url`: a libpq connection URI, "postgresql://user@host:port/database".
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, PostgresOptions options = {});

}  // namespace amity::store
