# Instrumentation for the fuzz and sanitizer builds (included by the top
# CMakeLists.txt before any of nasc's targets exists, so the flags reach every
# target nasc compiles and none of the prebuilt libraries: LLVM/MLIR, ANTLR,
# LibTorch, SQLite stay as Debian built them; ASan works with them as they are).
if(NOT NASC_FUZZ AND NOT NASC_SANITIZE)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "NASC_FUZZ / NASC_SANITIZE need clang (-DCMAKE_CXX_COMPILER=clang++-19 "
                      "-DCMAKE_C_COMPILER=clang-19): use scripts/fuzz.sh or scripts/sanitize.sh")
endif()
set(nasc_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
if(NASC_FUZZ)
  # Coverage for libFuzzer in the libraries; fuzz/ links -fsanitize=fuzzer
  # (libFuzzer's main) into its targets only.
  list(APPEND nasc_sanitizers -fsanitize=fuzzer-no-link)
endif()
add_compile_options(${nasc_sanitizers})
add_link_options(-fsanitize=address,undefined)
