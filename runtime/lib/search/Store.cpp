//===- Store.cpp - The experiment store: SQLite or PostgreSQL -------------===//
#include "StoreBackend.h"

#include <ctime>

using namespace nasc::search;

bool Store::isPostgres(const std::string &path) {
  return path.rfind("postgresql://", 0) == 0 || path.rfind("postgres://", 0) == 0;
}

Store::Store(const std::string &path, const StoreMeta &meta, bool resume)
    : backend_(isPostgres(path) ? openPostgresStore(path, meta, resume) : openSqliteStore(path, meta, resume)) {}

Store::Store(std::unique_ptr<StoreBackend> backend) : backend_(std::move(backend)) {}

std::unique_ptr<Store> Store::openForReading(const std::string &path) {
  return std::unique_ptr<Store>(new Store(isPostgres(path) ? readPostgresStore(path) : readSqliteStore(path)));
}

Store::~Store() = default;

const std::string &Store::path() const { return backend_->path(); }
std::vector<Record> Store::records() const { return backend_->records(); }
std::optional<Json> Store::snapshot() const { return backend_->snapshot(); }
std::optional<Json> Store::pending() const { return backend_->pending(); }

void Store::append(const Record &r, const Json &snapshot) { append(std::vector<const Record *>{&r}, snapshot); }

void Store::append(const std::vector<Record> &rows, const Json &snapshot) {
  std::vector<const Record *> p;
  for (const Record &r : rows)
    p.push_back(&r);
  append(p, snapshot);
}

void Store::append(const std::vector<const Record *> &rows, const Json &snapshot, const Json *pending) {
  backend_->append(rows, snapshot, pending);
}

void Store::appendEpoch(int64_t epoch, const Json &figures) { backend_->appendEpoch(epoch, figures); }
std::vector<Json> Store::epochs() const { return backend_->epochs(); }
void Store::finish(const std::string &reason) { backend_->finish(reason); }
void Store::onFirstWrite(std::function<void()> f) { backend_->onFirstWrite(std::move(f)); }
bool Store::finished() const { return backend_->finished(); }
std::optional<std::string> Store::metaValue(const std::string &key) const { return backend_->metaValue(key); }

std::string nasc::search::utcTimestamp() {
  // Formatted once a second (a table search stamps 100,000 rows a second).
  thread_local std::time_t last = -1;
  thread_local std::string text;
  std::time_t t = std::time(nullptr);
  if (t == last)
    return text;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  last = t;
  text = buf;
  return text;
}
