//===- Status.cpp - the thread-local last error ---------------------------===//

#include "Status.h"

#include <cstring>

namespace llmrt {

namespace {
thread_local std::string lastError;
} // namespace

void fail(llmrt_status status, std::string message) { throw Error(status, std::move(message)); }

llmrt_status setLastError(llmrt_status status, const std::string &message) {
  try {
    lastError = message;
  } catch (...) {
    // Out of memory while recording the message: keep what fits.
    lastError.clear();
  }
  return status;
}

std::string errnoMessage(int err) {
  char buffer[256];
  // The GNU strerror_r returns the message (possibly not in `buffer`).
  const char *text = strerror_r(err, buffer, sizeof(buffer));
  return text ? text : "unknown error";
}

} // namespace llmrt

extern "C" const char *llmrt_last_error(void) { return llmrt::lastError.c_str(); }
