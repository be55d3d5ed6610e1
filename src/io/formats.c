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

// The rates the encoders take (libsndfile refuses others).
static const uint32_t mp3_rates[]  = {8000U, 11025U, 12000U, 16000U, 22050U, 24000U, 32000U, 44100U, 48000U, 0U};
static const uint32_t opus_rates[] = {8000U, 12000U, 16000U, 24000U, 48000U, 0U};

// Debian's libsndfile 1.2 encodes all of these.  Lossy formats take a
// float signal: the encoder shapes its own noise, so no dither is added.
// Default qualities, through libsndfile's mappings (writer.c): MP3 0.8 is
// LAME's VBR -V2 (~190 kbit/s), Vorbis 0.5 is -q5 (~160 kbit/s), Opus 0.3
// is 2 × (6 + 0.3 × 250) = 162 kbit/s.
static const MdFileFormat formats[] = {
  {.extension = ".wav", .name = "WAV", .container = SF_FORMAT_WAV, .bits_mask = ALL_BITS},
  {.extension = ".rf64", .name = "RF64", .container = SF_FORMAT_RF64, .bits_mask = ALL_BITS},
  // libsndfile's FLAC encoder keeps to the streamable subset: a rate past
  // 65535 Hz must be a multiple of 10 Hz (measured: 65536, 100001 and
  // 383999 Hz fail at the encoder's start, 65540 and 383990 Hz work).
  {.extension = ".flac", .name = "FLAC", .container = SF_FORMAT_FLAC,
   .bits_mask = BITS(MIXDOWN_FORMAT_PCM_16) | BITS(MIXDOWN_FORMAT_PCM_24), .max_rate = 655350U,
   .plain_up_to = 65535U, .step_above = 10U},
  {.extension = ".mp3", .name = "MP3", .container = SF_FORMAT_MPEG, .lossy = true,
   .codec = SF_FORMAT_MPEG_LAYER_III, .default_quality = 0.8, .rates = mp3_rates},
  // libvorbis's encoder setups stop at 200 kHz (measured: 200000 Hz
  // works, 200001 Hz fails at the start).
  {.extension = ".ogg", .name = "Ogg Vorbis", .container = SF_FORMAT_OGG, .lossy = true,
   .codec = SF_FORMAT_VORBIS, .default_quality = 0.5, .max_rate = 200000U},
  {.extension = ".opus", .name = "Ogg Opus", .container = SF_FORMAT_OGG, .lossy = true,
   .codec = SF_FORMAT_OPUS, .default_quality = 0.3, .rates = opus_rates},
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

uint32_t
md_file_format_rate(const MdFileFormat* format, uint32_t rate)
{
  if (!format->rates) {
    return rate;
  }
  // The lowest rate at or above `rate` keeps every band of the mix; past
  // the highest, the highest keeps the most.
  uint32_t above   = 0U;
  uint32_t highest = 0U;
  for (const uint32_t* r = format->rates; *r; ++r) {
    if (*r >= rate && (!above || *r < above)) {
      above = *r;
    }
    highest = *r > highest ? *r : highest;
  }
  return above ? above : highest;
}

bool
md_file_format_rate_ok(const MdFileFormat* format, uint32_t rate, char* valid, size_t size)
{
  const bool stepped = format->step_above && rate > format->plain_up_to && rate % format->step_above;
  if (!stepped && (!format->max_rate || rate <= format->max_rate)) {
    return true;
  }
  if (format->step_above) {
    const uint32_t down = rate - rate % format->step_above;
    const uint32_t up   = down + format->step_above;
    snprintf(valid, size, "%s takes any rate up to %u Hz and multiples of %u Hz above it, up to %u Hz (nearest: %u Hz)",
             format->name, format->plain_up_to, format->step_above, format->max_rate,
             rate - down < up - rate || up > format->max_rate ? down : up);
  } else {
    snprintf(valid, size, "%s takes at most %u Hz", format->name, format->max_rate);
  }
  return false;
}

void
md_file_format_bits_list(const MdFileFormat* format, char* out, size_t size)
{
  static const char* const names[] = {"", "16", "24", "32", "float"};
  unsigned                 left    = (unsigned)__builtin_popcount(format->bits_mask);
  size_t                   used    = 0U;
  out[0]                           = '\0';
  for (int f = MIXDOWN_FORMAT_PCM_16; f <= MIXDOWN_FORMAT_FLOAT && used < size; ++f) {
    if (format->bits_mask & BITS(f)) {
      // "16, 24, 32 or float": the last one joins with "or".
      const char* joint = !used ? "" : --left == 1U ? " or " : ", ";
      used += (size_t)snprintf(out + used, size - used, "%s%s", joint, names[f]);
    }
  }
}
