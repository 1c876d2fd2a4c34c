//===- Architecture.h - Naming one architecture of a space ----------------===//
//
// An architecture is an assignment of every decision of a space. Its ID is
// `name=value` pairs sorted by decision name and joined by ',', where a
// value is the alternative's label (how the source named it: nor_conv_3x3),
// else its number, for ranges the number itself, for input choices the
// positions of the picked candidates joined by '+' (`in3=0+2`; `none` for an
// empty subset). IDs round-trip: parse an
// ID, print it, get the same text. The hash is FNV-1a (64 bits) of the ID.
//
//===----------------------------------------------------------------------===//
#ifndef NAS_ARCHITECTURE_H
#define NAS_ARCHITECTURE_H

#include "nas/Evaluate.h"

#include <string>

namespace mlir::nas {

/// The ID of `decisions` in `space`: canonical (a decision the architecture
/// does not use reads as its first value); decisions it does not fix are
/// left out.
std::string architectureId(SpaceOp space, const DecisionValues &decisions);

/// The assignment an ID names. Every discrete decision of the space must be
/// given exactly once; errors say which name or value is wrong.
FailureOr<DecisionValues> parseArchitectureId(SpaceOp space, StringRef id, std::string &error);

/// How decision `decision` taking `value` (DecisionValues form) reads:
/// the alternative's label or value, a range's number.
std::string decisionValueText(Operation *decision, Attribute value);

/// Turns `space` into the choice-free network of one architecture: every
/// decision replaced by its value, then folded (unused alternatives, and
/// copies a decided repetition does not reach, disappear). Fails with an
/// error when the architecture breaks one of the space's requirements or
/// leaves a sum with no input.
LogicalResult fixArchitecture(SpaceOp space, const DecisionValues &decisions);

/// 16 hex digits of FNV-1a over the ID: stable across runs and machines.
std::string architectureHash(StringRef id);

} // namespace mlir::nas

#endif // NAS_ARCHITECTURE_H
