//===- Artefact.h - Reading the compiled search artefact ------------------===//
//
// The runtime's view of a .nasa file (docs/artefact.md): no MLIR, no torch.
// Loading checks the header, length, checksum, version and every reference
// inside (node ids, ops, decisions) so later stages can trust the graph.
//
//===----------------------------------------------------------------------===//
#ifndef NASC_RUNTIME_ARTEFACT_H
#define NASC_RUNTIME_ARTEFACT_H

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace nasc::runtime {

/// The artefact version this runtime reads.
constexpr int kArtefactVersion = 1;

/// A bad artefact: the message names the file and what is wrong with it.
class ArtefactError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A loaded, validated artefact.
struct Artefact {
  std::string path;
  nlohmann::json payload;

  const nlohmann::json &spaces() const { return payload.at("spaces"); }
  const nlohmann::json &ops() const { return payload.at("ops"); }
  const nlohmann::json &searches() const { return payload.at("searches"); }
  /// The space named `name`; throws ArtefactError if there is none.
  const nlohmann::json &space(const std::string &name) const;
};

/// Reads and validates `path`; throws ArtefactError.
Artefact loadArtefact(const std::string &path);

/// Validates bytes already in memory (`path` names them in errors).
Artefact parseArtefact(const std::string &bytes, const std::string &path);

} // namespace nasc::runtime

#endif // NASC_RUNTIME_ARTEFACT_H
