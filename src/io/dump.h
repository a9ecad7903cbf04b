#pragma once
// A dump: the whole database as files, which a restore turns back into the same database.
//
//   DIR/manifest.json          {"format": "amity-dump", "version": 2,
//                               "types": [{"entity", "file", "records", "live", "sha256"}, …],
//                               "history": {"file", "entries", "sha256"},
//                               "users", "grants", "tokens": {"file", "entries", "sha256"},
//                               "audit": {"file", "entries", "sha256", "head"},
//                               "files": [{"file", "size", "sha256"}, …]}
//   DIR/<plural>.jsonl         every record of a type (the trash too), every field, as stored
//                              (ExportRecords with ExportOptions::as_stored), in registry order
//   DIR/history.jsonl          every history entry, in the order they were written (HistoryJson)
//   DIR/users.jsonl, grants.jsonl, tokens.jsonl, audit.jsonl
//                              the accounts (with their password hashes), their grants, the API
//                              tokens (hashes only) and the whole audit log, exactly
//                              (store/access_dump.h); not the browser sessions or failed logins
//   DIR/files/<sha256>         the documents' uploaded files, named by content
//
// Version 1 dumps (without the access parts) are still restored, without users.
//
// The same database dumps to the same bytes (keys sorted, records by id, no dump time), so two
// dumps can be compared with cmp. A dump reads committed data type by type: take it from a
// quiet database (or a backup) for a consistent one.
#include <string>

#include "io/files.h"
#include "store/records.h"

namespace amity::io {

// Writes the dump into `dir`, which must not exist or be empty. Returns the manifest.
Result<domain::Json> WriteDump(store::Records& records, const FileStore& files, const std::string& dir);

// Checks the manifest and every file's checksum, stores the files, then loads the records,
// history, users, grants, tokens and audit log (Records::LoadDump: an empty database only, one
// transaction; the audit chain must verify and end at the manifest's head) and checks the
// counts against the manifest before and after the commit (the audit log then has one entry
// more: the restore's own). Problems in rows are in the report (nothing
// written); anything else is an error.
Result<store::LoadReport> RestoreDump(store::Records& records, const FileStore& files,
                                      const std::string& dir);

// Moves a whole deployment into an empty database (of any engine): dumps `from` into
// `work_dir`/source, restores that into `to` (RestoreDump), dumps `to` into `work_dir`/check and
// compares the two manifests — every type's record and live counts and checksum, the history's,
// the users', grants', tokens', every file's — which are equal only when the databases hold the
// same bytes; the target's audit log must be the source's, byte for byte, and then the restore's
// own entry following it. Problems in rows
// come back in the report (nothing written); a difference after the commit is an error naming
// what differs. `work_dir` must not exist or be empty; it is removed on success.
Result<store::LoadReport> MigrateDatabase(store::Records& from, const FileStore& from_files,
                                          store::Records& to, const FileStore& to_files,
                                          const std::string& work_dir);

}  // namespace amity::io
