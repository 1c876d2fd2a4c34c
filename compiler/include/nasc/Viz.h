//===- Viz.h - Drawing a search space ---------------------------*- C++ -*-===//
#ifndef NASC_VIZ_H
#define NASC_VIZ_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace nasc {

/// What `nasc viz` writes: Graphviz DOT text, SVG rendered by Graphviz's
/// `dot`, or a self-contained HTML page with the SVG inlined.
enum class VizFormat { Dot, Svg, Html };

/// "dot", "svg" or "html"; nullopt for anything else.
std::optional<VizFormat> parseVizFormat(llvm::StringRef name);

/// `nasc viz`: draws every template of `module` (as mlirGen generates it, not
/// lowered) as one cluster: a cell's or block's DAG with its decisions on the
/// edges, a network's sequence of layers and template instances labelled by
/// sharing and repetition. `sourceName` names the drawing when the module has
/// no network. Output is deterministic. SVG and HTML need Graphviz's `dot` on
/// PATH; a missing `dot` or a failing run is returned as an error.
llvm::Error writeViz(mlir::ModuleOp module, VizFormat format, llvm::StringRef sourceName,
                     llvm::raw_ostream &os);

} // namespace nasc

#endif // NASC_VIZ_H
