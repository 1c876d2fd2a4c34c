//===- AsanDefaults.cpp - ASan options every fuzz target starts with ------===//
//
// allow_user_poisoning=0: LLVM's headers poison and unpoison BumpPtrAllocator
// slabs when compiled with ASan. nasc's code is, Debian's MLIR libraries are
// not, and the linker keeps one copy of each inline function: an allocation
// made through the uninstrumented copy is never unpoisoned, and the next read
// of it is a false "use-after-poison" (MLIRContext's constructor hits it).
// Manual poisoning off, ASan still checks every heap and stack access.
// ASAN_OPTIONS in the environment adds to (and overrides) these.
//
//===----------------------------------------------------------------------===//
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0:detect_leaks=1";
}
