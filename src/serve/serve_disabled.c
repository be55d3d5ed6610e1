// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_serve() in a build without the console in the browser (meson
// -Dserve=disabled, or without libwebsockets, jansson or jack): it exists
// and fails, saying how to build it, so callers need no #if.
// Thread: control.

#include "mixdown.h"

#include <stdio.h>

MixdownStatus
mixdown_serve(const char* session_path, const MixdownServeOptions* options, char* message, size_t message_size)
{
  (void)session_path;
  (void)options;
  if (message && message_size) {
    snprintf(message, message_size,
             "this build of mixdown has no console in the browser (libwebsockets, jansson): rebuild with meson "
             "-Dserve=enabled");
  }
  return MIXDOWN_ERR_IO;
}
