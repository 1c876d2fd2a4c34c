//===- LargeStack.cpp - Run the compiler on a stack sized for it ----------===//
#include "nasc/LargeStack.h"

#include <pthread.h>

namespace {
struct Call {
  llvm::function_ref<int()> fn;
  int result = 0;
};
} // namespace

static void *trampoline(void *arg) {
  auto *call = static_cast<Call *>(arg);
  call->result = call->fn();
  return nullptr;
}

int nasc::runOnLargeStack(llvm::function_ref<int()> fn) {
  Call call{fn};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0)
    return fn();
  bool started = pthread_attr_setstacksize(&attr, kCompilerStackBytes) == 0 &&
                 pthread_create(&thread, &attr, trampoline, &call) == 0;
  pthread_attr_destroy(&attr);
  if (!started)
    return fn();
  pthread_join(thread, nullptr);
  return call.result;
}
