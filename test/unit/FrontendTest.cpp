//===- FrontendTest.cpp - The front end as a library ----------------------===//
//
// What an embedding C++ program sees: load a file with its imports, check it,
// get counts and diagnostics back without a process boundary.
//
//===----------------------------------------------------------------------===//
#include "nasc/Diagnostics.h"
#include "nasc/ModuleLoader.h"
#include "nasc/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace nasc;

namespace {

/// Writes `files` (name -> text) into a fresh directory.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("nasc-frontend", dir));
    path = std::string(dir);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string write(const std::string &name, const std::string &text) {
    llvm::SmallString<128> file(path);
    llvm::sys::path::append(file, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    EXPECT_FALSE(ec);
    os << text;
    return std::string(file);
  }
  std::string path;
};

struct Checked {
  bool loaded = false;
  SemaResult result;
  std::vector<std::string> messages;
  size_t modules = 0;
};

Checked check(const std::string &file) {
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  Checked out;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    out.messages.push_back(diag.str());
    return mlir::success();
  });
  ModuleLoader loader(sourceMgr, context, "");
  Module *main = loader.load(file);
  out.loaded = main != nullptr;
  out.modules = loader.modules().size();
  if (main)
    out.result = checkProgram(loader.modules(), context);
  return out;
}

const char *kOps = R"(
op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  require kernel >= 1, "kernel size must be at least 1";
}
op relu() = "relu";
)";

TEST(Frontend, ChecksACleanProgramWithImports) {
  TempDir dir;
  dir.write("ops.nas", kOps);
  std::string main = dir.write("space.nas", R"(
import "ops";
cell C() {
  input x;
  choice k: [1, 3, 5];
  output x |> conv(16, kernel=k) |> relu;
}
network N() {
  input image: tensor(3, 32, 32);
  output image |> C() shared as c;
}
)");
  Checked c = check(main);
  EXPECT_TRUE(c.loaded);
  EXPECT_EQ(c.modules, 2u);
  EXPECT_TRUE(c.result.succeeded());
  EXPECT_EQ(c.result.warnings, 0u);
  EXPECT_TRUE(c.messages.empty());
}

TEST(Frontend, ReportsEveryBadAlternativeOfAChoice) {
  TempDir dir;
  dir.write("ops.nas", kOps);
  std::string main = dir.write("space.nas", R"(
import "ops";
cell C() {
  input x;
  choice k: [3, 0];
  output x |> conv(16, kernel=k);
}
)");
  Checked c = check(main);
  ASSERT_TRUE(c.loaded);
  EXPECT_EQ(c.result.errors, 1u);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_NE(c.messages[0].find("kernel = 0 (when k = 0)"), std::string::npos) << c.messages[0];
}

TEST(Frontend, ImportCycleFailsToLoad) {
  TempDir dir;
  dir.write("a.nas", "import \"b\";\n");
  std::string b = dir.write("b.nas", "import \"a\";\n");
  Checked c = check(b);
  EXPECT_FALSE(c.loaded);
  ASSERT_FALSE(c.messages.empty());
  EXPECT_NE(c.messages[0].find("import cycle: b.nas -> a.nas -> b.nas"), std::string::npos) << c.messages[0];
}

TEST(Frontend, SyntaxErrorStopsBeforeSema) {
  TempDir dir;
  std::string main = dir.write("bad.nas", "cell C() { input x output x; }\n");
  Checked c = check(main);
  EXPECT_FALSE(c.loaded);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_NE(c.messages[0].find("expected"), std::string::npos) << c.messages[0];
}

TEST(Diagnostics, SuggestsOnlyPlausibleTypos) {
  std::vector<std::string> names = {"sep_conv", "dil_conv", "max_pool", "identity"};
  EXPECT_EQ(closestName("sepconv", names), "sep_conv");
  EXPECT_EQ(closestName("max_pol", names), "max_pool");
  EXPECT_EQ(closestName("transformer", names), "");
  EXPECT_EQ(didYouMean("identty", names), "; did you mean 'identity'?");
  EXPECT_EQ(didYouMean("zzz", names), "");
}

} // namespace
