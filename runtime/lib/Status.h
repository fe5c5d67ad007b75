//===- Status.h - errors inside llmrt and the thread-local last error -----===//
//
// Inside the runtime, failures are thrown as llmrt::Error (a status and a
// message). Every C API function runs its body through guard(), which turns
// any exception into a status and records the message for llmrt_last_error()
// on the calling thread, so nothing ever throws across the C API.
//
//===----------------------------------------------------------------------===//

#ifndef LLMRT_LIB_STATUS_H
#define LLMRT_LIB_STATUS_H

#include "llmrt/llmrt.h"

#include <exception>
#include <new>
#include <string>

namespace llmrt {

class Error : public std::exception {
public:
  Error(llmrt_status status, std::string message) : status_(status), message_(std::move(message)) {}
  llmrt_status status() const { return status_; }
  const char *what() const noexcept override { return message_.c_str(); }

private:
  llmrt_status status_;
  std::string message_;
};

[[noreturn]] void fail(llmrt_status status, std::string message);

/// Records `message` as this thread's last error and returns `status`.
llmrt_status setLastError(llmrt_status status, const std::string &message);

/// Runs `body` (returning void), translating every exception into a status.
template <typename Body> llmrt_status guard(Body &&body) noexcept {
  try {
    body();
    return LLMRT_OK;
  } catch (const Error &e) {
    return setLastError(e.status(), e.what());
  } catch (const std::bad_alloc &) {
    return setLastError(LLMRT_ERROR_RUN, "out of memory");
  } catch (const std::exception &e) {
    return setLastError(LLMRT_ERROR_RUN, std::string("internal error: ") + e.what());
  } catch (...) {
    return setLastError(LLMRT_ERROR_RUN, "internal error: unknown exception");
  }
}

/// "No such file or directory" for errno.
std::string errnoMessage(int err);

} // namespace llmrt

#endif // LLMRT_LIB_STATUS_H
