//===- nasa-check.cpp - Validates .nasa artefacts and summarizes them -----===//
//
//   nasa-check FILE...   exit 0 and one line a space, or the error, exit 1
//
//===----------------------------------------------------------------------===//
#include "nasc/runtime/Artefact.h"

#include <iostream>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: nasa-check FILE.nasa...\n";
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    try {
      nasc::runtime::Artefact a = nasc::runtime::loadArtefact(argv[i]);
      for (const auto &s : a.spaces())
        std::cout << a.path << ": space " << s.at("name").get<std::string>() << ": " << s.at("nodes").size()
                  << " nodes, " << s.at("decisions").size() << " decisions, size "
                  << s.value("size", std::string("?")) << "\n";
      for (const auto &s : a.searches())
        std::cout << a.path << ": search " << s.at("name").get<std::string>() << ": " << s.at("objectives").size()
                  << " objectives\n";
    } catch (const nasc::runtime::ArtefactError &e) {
      std::cerr << "nasa-check: error: " << e.what() << "\n";
      status = 1;
    }
  }
  return status;
}
