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

/// Folds produce strings (nas.string) and conditions (nas.string_eq).
Operation *NasDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type, Location loc) {
  if (auto s = dyn_cast<StringAttr>(value); s && isa<StringType>(type))
    return builder.create<StringOp>(loc, s);
  if (auto typed = dyn_cast<TypedAttr>(value); typed && typed.getType() == type)
    return builder.create<arith::ConstantOp>(loc, typed);
  return nullptr;
}

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
