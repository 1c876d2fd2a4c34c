//===- Export.h - An architecture as a choice-free .nas network -----------===//
#ifndef NASC_RUNTIME_EXPORT_H
#define NASC_RUNTIME_EXPORT_H

#include "nasc/runtime/Plan.h"

#include <string>
#include <vector>

namespace nasc::runtime {

/// .nas source of architecture `a` as a network named `name` without a
/// single choice: every live op with all its parameters written out (so
/// the file means the same whatever the defaults become), sums and
/// concatenations of what was picked. `imports` are written first
/// (std/ops, and the searched file when it declares its own ops);
/// `comment` lines go on top.
std::string exportNas(const Json &ops, const Space &space, const Architecture &a, const std::string &name,
                      const std::vector<std::string> &imports, const std::vector<std::string> &comment);

} // namespace nasc::runtime

#endif // NASC_RUNTIME_EXPORT_H
