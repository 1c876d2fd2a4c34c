//===- Artefact.h - Writing the compiled search artefact ------------------===//
//
// The artefact (.nasa) is what the runtime reads: a header line
//   NASA <version> <payload bytes> <crc32 of the payload, 8 hex digits>
// then the payload, JSON. docs/artefact.md describes every field.
//
//===----------------------------------------------------------------------===//
#ifndef NAS_ARTEFACT_H
#define NAS_ARTEFACT_H

#include "nas/NasDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir::nas {

/// The artefact format this compiler writes.
constexpr int kArtefactVersion = 1;

/// The payload of a lowered module (one nas.space per root, shapes
/// inferred). Fails, with an error at the op, on what the runtime cannot
/// build yet (template instances left un-inlined).
FailureOr<llvm::json::Value> exportArtefact(ModuleOp module, StringRef source);

/// The header line and payload, ready to write.
std::string serializeArtefact(const llvm::json::Value &payload);

} // namespace mlir::nas

#endif // NAS_ARTEFACT_H
