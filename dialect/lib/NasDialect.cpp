//===- NasDialect.cpp - The nas dialect -----------------------------------===//
#include "nas/NasDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::nas;

#include "nas/NasOpsDialect.cpp.inc"
#include "nas/NasEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "nas/NasOpsTypes.cpp.inc"

void NasDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "nas/NasOpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "nas/NasOps.cpp.inc"
      >();
}
