// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The public header compiled as C++ (g++ -Wall -Wextra -pedantic -Werror)
// and linked against the shared library: every public type has the same
// size and alignment in C (layout.c) and C++, the functions link with C
// names from libmixdown.so.0, and a session's diagnostics reach a C++ callback.
// Prints `header: N passed, N failed`.

#include "mixdown.h"

#include "layout.h"

#include <cstdio>
#include <cstring>

namespace {

unsigned passed = 0U;
unsigned failed = 0U;

void
check(bool ok, const char* what)
{
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  ok ? ++passed : ++failed;
}

struct Diagnosed {
  unsigned count;
  unsigned line;
  unsigned column;
  char     first[256];
};

void
collect(void* user_data, const MixdownDiagnostic* diagnostic)
{
  Diagnosed* d = static_cast<Diagnosed*>(user_data);
  if (d->count++ == 0U) {
    d->line   = diagnostic->line;
    d->column = diagnostic->column;
    std::snprintf(d->first, sizeof d->first, "%s", diagnostic->message);
  }
}

void
check_layout()
{
  static const char* const names[] = {
#define MD_NAME_OF(type) #type,
    MD_PUBLIC_TYPES(MD_NAME_OF)
#undef MD_NAME_OF
  };
  const std::size_t cxx_sizes[]  = {
#define MD_SIZE_OF(type) sizeof(type),
    MD_PUBLIC_TYPES(MD_SIZE_OF)
#undef MD_SIZE_OF
  };
  const std::size_t cxx_aligns[] = {
#define MD_ALIGN_OF(type) alignof(type),
    MD_PUBLIC_TYPES(MD_ALIGN_OF)
#undef MD_ALIGN_OF
  };
  const std::size_t count = sizeof names / sizeof names[0];
  std::size_t       c_sizes[64];
  std::size_t       c_aligns[64];
  check(md_header_c_layout(c_sizes, c_aligns, 64U) == count && count <= 64U, "C and C++ list the same types");
  for (std::size_t k = 0U; k < count && k < 64U; ++k) {
    char what[160];
    std::snprintf(what, sizeof what, "%s: %zu bytes, aligned to %zu, in C and in C++", names[k], cxx_sizes[k],
                  cxx_aligns[k]);
    check(c_sizes[k] == cxx_sizes[k] && c_aligns[k] == cxx_aligns[k], what);
  }
}

void
check_calls()
{
  char version[32];
  std::snprintf(version, sizeof version, "%d.%d.%d", MIXDOWN_VERSION_MAJOR, MIXDOWN_VERSION_MINOR,
                MIXDOWN_VERSION_MICRO);
  check(std::strcmp(mixdown_version_string(), version) == 0, "mixdown_version_string() is the header's version");
  check(std::strcmp(mixdown_strerror(MIXDOWN_ERR_NO_MEM), "out of memory") == 0, "mixdown_strerror() links");
  check(std::strcmp(mixdown_feature_name(MIXDOWN_FEATURE_LV2), "lv2") == 0, "mixdown_feature_name() links");

  // A session from C++, its diagnostics through a C++ function passed as
  // the C callback: a session without tracks is refused at 1:1.
  static const char yaml[] = "mixdown: 1\nsample_rate: 48000\noutput: {file: out.wav}\n";
  Diagnosed           seen    = {0U, 0U, 0U, ""};
  MixdownSession*     session = nullptr;
  const MixdownStatus opened =
    mixdown_session_open_string(yaml, sizeof yaml - 1U, "header.yaml", nullptr, collect, &seen, &session);
  check(opened == MIXDOWN_ERR_SESSION && !session, "mixdown_session_open_string() from C++: an invalid session");
  check(seen.count == 1U && seen.line == 1U && seen.column == 1U && std::strstr(seen.first, "no tracks"),
        "the diagnostic reaches a C++ callback: 1:1, the session has no tracks");
  mixdown_session_free(session);
}

} // namespace

int
main()
{
  check_layout();
  check_calls();
  std::printf("header: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
