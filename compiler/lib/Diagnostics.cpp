//===- Diagnostics.cpp ----------------------------------------------------===//
#include "nasc/Diagnostics.h"

#include <algorithm>

using namespace nasc;

std::string nasc::closestName(llvm::StringRef name,
                              const std::vector<std::string> &candidates) {
  // A typo is at most about a third of the name's letters away (at least
  // one); a swapped pair of letters counts two.
  unsigned best = std::max<unsigned>(1, (name.size() + 2) / 3) + 1;
  std::string bestName;
  for (const std::string &candidate : candidates) {
    if (candidate == name)
      continue;
    unsigned distance = name.edit_distance(candidate, /*AllowReplacements=*/true, best);
    if (distance < best) {
      best = distance;
      bestName = candidate;
    }
  }
  return bestName;
}

std::string nasc::didYouMean(llvm::StringRef name,
                             const std::vector<std::string> &candidates) {
  std::string best = closestName(name, candidates);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}
