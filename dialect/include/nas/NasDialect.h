//===- NasDialect.h - The nas dialect -------------------------------------===//
#ifndef NAS_NASDIALECT_H
#define NAS_NASDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "nas/NasOpsDialect.h.inc"
#include "nas/NasEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "nas/NasOpsTypes.h.inc"

#define GET_OP_CLASSES
#include "nas/NasOps.h.inc"

#endif // NAS_NASDIALECT_H
