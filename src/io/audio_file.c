// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Whole-file decoding through a source (io/source.c): the file is read in
// 4096-frame steps into two planes allocated for its whole length.
// Thread: control.

#include "io/audio_file.h"

#include "io/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Reads the source's frames into the planes, 4096 at a time.
static MixdownStatus
read_all(MdSource* source, MdAudioFile* file)
{
  char          why[400];
  uint64_t      ignored = 0U;
  MixdownStatus st      = MIXDOWN_SUCCESS;
  for (uint64_t done = 0U; !st && done < file->length_frames;) {
    const uint32_t n      = file->length_frames - done < 4096U ? (uint32_t)(file->length_frames - done) : 4096U;
    float* const   out[2] = {file->planes[0] + done, file->planes[1] + done};
    st = md_source_read(source, out, n, &ignored, NULL, why, sizeof why);
    done += n;
  }
  return st;
}

MixdownStatus
md_audio_file_read(const char* path, double rate_hz, MdAudioFile* file, char* message,
                   size_t message_size)
{
  memset(file, 0, sizeof *file);
  MdSource*           source = NULL;
  const MixdownStatus opened = md_source_open_status(path, 0, rate_hz, &source, message, message_size);
  if (opened) {
    return opened; // out of memory, or the file (MIXDOWN_ERR_DECODE)
  }
  file->length_frames = md_source_length(source);
  file->channels      = md_source_channels(source);
  file->planes[0]     = calloc(file->length_frames + 1U, sizeof(float));
  file->planes[1]     = calloc(file->length_frames + 1U, sizeof(float));
  MixdownStatus st    = file->planes[0] && file->planes[1] ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  if (!st) {
    st = read_all(source, file);
  }
  md_source_close(source);
  if (st) {
    snprintf(message, message_size, "cannot load `%s`", path);
    md_audio_file_free(file);
  }
  return st;
}

void
md_audio_file_free(MdAudioFile* file)
{
  free(file->planes[0]);
  free(file->planes[1]);
  memset(file, 0, sizeof *file);
}
