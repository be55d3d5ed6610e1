// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/formats.h"

#include <sndfile.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BITS(f) (1U << (f))
#define ALL_BITS (BITS(MIXDOWN_FORMAT_PCM_16) | BITS(MIXDOWN_FORMAT_PCM_24) | BITS(MIXDOWN_FORMAT_PCM_32) | \
                  BITS(MIXDOWN_FORMAT_FLOAT))

// Debian's libsndfile 1.2 encodes all of these.  Lossy formats take a
// float signal: the encoder shapes its own noise, so no dither is added.
static const MdFileFormat formats[] = {
  {".wav", "WAV", SF_FORMAT_WAV, false, ALL_BITS},
  {".rf64", "RF64", SF_FORMAT_RF64, false, ALL_BITS},
  {".flac", "FLAC", SF_FORMAT_FLAC, false, BITS(MIXDOWN_FORMAT_PCM_16) | BITS(MIXDOWN_FORMAT_PCM_24)},
  {".mp3", "MP3", SF_FORMAT_MPEG, true, 0U},
  {".ogg", "Ogg Vorbis", SF_FORMAT_OGG, true, 0U},
  {".opus", "Ogg Opus", SF_FORMAT_OGG, true, 0U},
};

const MdFileFormat*
md_file_format_for_path(const char* path)
{
  const char* slash = path ? strrchr(path, '/') : NULL;
  const char* dot   = path ? strrchr(slash ? slash : path, '.') : NULL;
  for (size_t i = 0U; dot && i < sizeof formats / sizeof formats[0]; ++i) {
    if (!strcasecmp(dot, formats[i].extension)) {
      return &formats[i];
    }
  }
  return NULL;
}

const char*
md_file_format_list(void)
{
  static const char list[] = ".wav, .rf64, .flac, .mp3, .ogg, .opus";
  return list;
}

bool
md_file_format_holds(const MdFileFormat* format, MixdownSampleFormat sample_format)
{
  return sample_format == MIXDOWN_FORMAT_DEFAULT || format->lossy || (format->bits_mask & BITS(sample_format));
}

void
md_file_format_bits_list(const MdFileFormat* format, char* out, size_t size)
{
  static const char* const names[] = {"", "16", "24", "32", "float"};
  size_t                   used    = 0U;
  out[0]                           = '\0';
  for (int f = MIXDOWN_FORMAT_PCM_16; f <= MIXDOWN_FORMAT_FLOAT && used < size; ++f) {
    if (format->bits_mask & BITS(f)) {
      used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", names[f]);
    }
  }
}
