// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to cmd_render*.c: what `mixdown render` prints after a render.
// Main thread.

#ifndef CLI_CMD_RENDER_PRINT_H
#define CLI_CMD_RENDER_PRINT_H

#include "cli.h"

void cli_render_print_stats(const MixdownRenderReport* r);
void cli_render_print_summary(const char* stems, const MixdownRenderReport* r);
void cli_render_print_file_rows(const MixdownRenderReport* r);
void cli_render_warn_auto_makeup(const MixdownRenderReport* r, const CliLevels* levels);

#endif
