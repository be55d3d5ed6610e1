// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "mixdown.h"

#define MD_STR2(x) #x
#define MD_STR(x)  MD_STR2(x)

const char*
mixdown_strerror(MixdownStatus status)
{
  switch (status) {
  case MIXDOWN_SUCCESS: return "success";
  case MIXDOWN_ERR_BAD_ARG: return "invalid argument";
  case MIXDOWN_ERR_NO_MEM: return "out of memory";
  case MIXDOWN_ERR_SESSION: return "invalid session";
  case MIXDOWN_ERR_IO: return "input/output error";
  case MIXDOWN_ERR_DECODE: return "cannot decode audio";
  case MIXDOWN_ERR_INTERRUPTED: return "interrupted";
  case MIXDOWN_ERR_NUMERIC: return "audio went non-finite";
  }
  return "unknown status";
}

const char*
mixdown_version_string(void)
{
  return MD_STR(MIXDOWN_VERSION_MAJOR) "." MD_STR(MIXDOWN_VERSION_MINOR) "." MD_STR(MIXDOWN_VERSION_MICRO);
}
