// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Reading an assistant's options against its table (args.c), for run.c.
// Thread: control.

#ifndef MD_ASSIST_ARGS_H
#define MD_ASSIST_ARGS_H

#include "assist.h"

/// Fills ctx->values (one per option of ctx->kind; defaults first) from
/// `args`; fails the context for an unknown option (nearest name), one
/// given twice, or a value out of its range or choices.
MixdownStatus assist_read_args(AssistContext* ctx, const MixdownAssistArg* args, uint32_t n_args);

#endif
