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

#include <string>

namespace mlir::nas {

/// The artefact format this compiler writes.
constexpr int kArtefactVersion = 1;

/// The artefact of a lowered module (one nas.space per root, shapes
/// inferred): header line and payload, ready to write. Fails, with an error
/// at the op, on what the runtime cannot build yet (template instances left
/// un-inlined).
FailureOr<std::string> writeArtefact(ModuleOp module, StringRef source);

} // namespace mlir::nas

#endif // NAS_ARTEFACT_H
