#pragma once
// Access and accountability in a dump (io/dump.h): the accounts, their grants, the API tokens
// and the audit log, written and loaded exactly (ids, hashes, dates), so a deployment moved to
// another engine keeps its users, their tokens still authenticate, and the audit chain verifies
// with the same head. Browser sessions and failed logins are not dumped: a restored database
// starts with none. Engine-agnostic: Store::Rows and Transaction::Rows only.
//
// One JSON object per line, in id order (the audit log in seq order):
//   users.jsonl   {id, name, password_hash (argon2id, or null), disabled, created_at, updated_at}
//   grants.jsonl  {id, user, unit (null: the root), role, clearance}
//   tokens.jsonl  {id, user, hash (SHA-256 of the secret), label, read_only, client,
//                  created_at, seen_at, expires_at, revoked_at}
//   audit.jsonl   {seq, at, actor, client, action, entity, record_id, unit, detail, prev_hash,
//                  hash} (store/audit.h: AuditDumpJson; detail is the text that was hashed)
#include <functional>
#include <string>
#include <vector>

#include "store/records.h"

namespace amity::store {

// The parts, in the order they are written and loaded: users, grants, tokens, audit.
const std::vector<std::string>& AccessParts();

// Calls `fn` with every line of `part`, in order; stops at the first error `fn` returns.
Status ScanAccess(Store& store, const std::string& part, const std::function<Status(const Json&)>& fn);

// kFailedPrecondition unless the database has no users and no audit entries (a restore keeps
// the audit log's sequence numbers, so it cannot follow entries of the database's own).
Status CheckNoAccess(Transaction& tx);

// Loads the parts `dump` has into `tx`, after the records (grants name units). Checks each line
// (shape; unique ids, user names and token hashes; grants and tokens naming a user of the dump;
// grants naming a unit of the dump or the root; the audit chain from its first entry, as
// VerifyAudit does) and adds what is wrong to report->problems with its file and line. Writes
// nothing once report->problems is not empty. Sets report->counts of each part and
// report->audit_head.
Status LoadAccess(Transaction& tx, DumpSource& dump, LoadReport* report);

}  // namespace amity::store
