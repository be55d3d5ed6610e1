// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// mixdown_assist(): one assistant run on an editor — its options read,
// its analysis and writes done, its report handed back as text and JSON.

#include "assist.h"
#include "assist_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MixdownStatus
assist_fail(AssistContext* ctx, MixdownStatus status, const char* fmt, ...)
{
  if (ctx->message && ctx->message_size) {
    const int n = ctx->kind ? snprintf(ctx->message, ctx->message_size, "assist %s: ", ctx->kind->name)
                            : snprintf(ctx->message, ctx->message_size, "assist: ");
    if (n >= 0 && (size_t)n < ctx->message_size) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(ctx->message + n, ctx->message_size - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return status;
}

static void
free_context(AssistContext* ctx)
{
  free(ctx->values);
  free(ctx->text);
  json_decref(ctx->report);
}

static MixdownStatus
hand_back(AssistContext* ctx, char** report_text, char** report_json)
{
  if (report_json) {
    *report_json = json_dumps(ctx->report, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (!*report_json) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  if (report_text) {
    *report_text = ctx->text ? ctx->text : strdup("");
    ctx->text    = NULL;
    if (!*report_text) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  return MIXDOWN_SUCCESS;
}

MixdownStatus
mixdown_assist(MixdownEditor* editor, const char* kind_name, const MixdownAssistOptions* options, char** report_text,
               char** report_json, char* message, size_t message_size)
{
  if (report_text) {
    *report_text = NULL;
  }
  if (report_json) {
    *report_json = NULL;
  }
  if (message && message_size) {
    message[0] = '\0';
  }
  AssistContext ctx = {.editor = editor, .message = message, .message_size = message_size};
  ctx.kind = kind_name ? assist_kind_named(kind_name) : NULL;
  if (!ctx.kind) {
    const char* near = kind_name ? assist_kind_nearest(kind_name) : NULL;
    return assist_fail(&ctx, MIXDOWN_ERR_BAD_ARG, "no assistant %s%s%s%s", kind_name ? kind_name : "named",
                       near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
  }
  if (!editor) {
    return assist_fail(&ctx, MIXDOWN_ERR_BAD_ARG, "no session");
  }
  const MixdownAssistOptions none = {0};
  if (!options) {
    options = &none;
  }
  ctx.threads   = options->threads;
  ctx.dry_run   = options->dry_run;
  ctx.progress  = options->progress;
  ctx.user_data = options->user_data;
  ctx.values    = calloc(ctx.kind->n_options ? ctx.kind->n_options : 1U, sizeof *ctx.values);
  ctx.report    = json_object();
  if (!ctx.values || !ctx.report) {
    free_context(&ctx);
    return MIXDOWN_ERR_NO_MEM;
  }
  json_object_set_new(ctx.report, "assistant", json_string(ctx.kind->name));
  json_object_set_new(ctx.report, "writes", json_array());
  MixdownStatus st = assist_read_args(&ctx, options->args, options->n_args);
  if (st == MIXDOWN_SUCCESS) {
    st = ctx.kind->run(&ctx);
  }
  // One place for every assistant's allocation failures that said nothing.
  if (st == MIXDOWN_ERR_NO_MEM && message && message_size && !message[0]) {
    assist_fail(&ctx, st, "out of memory");
  }
  if (st == MIXDOWN_SUCCESS) {
    st = hand_back(&ctx, report_text, report_json);
  }
  free_context(&ctx);
  return st;
}
