// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "finish/finish.h"

#include "dsp/registry.h"
#include "io/atomic_file.h"
#include "io/interleave.h"

#include <ebur128.h>
#include <sndfile.h>

#include <errno.h>
#include <limits.h>
#include <sys/statvfs.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MD_FINISH_FRAMES 4096U

struct MdPremaster {
  SNDFILE*       file;
  double         rate_hz;
  ebur128_state* meter;
  float*         interleaved;
  uint64_t       frames;
  uint64_t       non_finite;       ///< NaN or infinite samples written (the engine lets none through)
  uint64_t       first_non_finite; ///< …the frame of the first
  char           dir[256];         ///< The folder it is in, for messages
};

uint64_t
md_premaster_bytes(uint64_t frames)
{
  return frames * 2U * sizeof(float) + 4096U; // float stereo and a Wave64 header
}

// The caller's temporary folder (the CLI gives $TMPDIR), or /tmp: the
// premaster never lands beside the output, so a normalised render needs no
// more room there than the file itself.
MixdownStatus
md_premaster_open(const char* temp_dir, double rate, uint64_t expected_frames, MdPremaster** premaster,
                  char* message, size_t message_size)
{
  *premaster          = NULL;
  const char*    dir  = md_atomic_temp_dir(temp_dir);
  const uint64_t need = md_premaster_bytes(expected_frames);
  struct statvfs fs;
  if (statvfs(dir, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < need) {
    snprintf(message, message_size,
             "normalising needs %.0f MB of temporary space in `%s` (TMPDIR) for the premaster, and it has "
             "%.0f MB free; set TMPDIR to a folder with room",
             (double)need / 1e6, dir, (double)fs.f_bavail * (double)fs.f_frsize / 1e6);
    return MIXDOWN_ERR_IO;
  }
  MdPremaster* p = calloc(1U, sizeof(MdPremaster));
  if (!p || !(p->interleaved = malloc(MD_FINISH_FRAMES * 2U * sizeof(float))) ||
      !(p->meter = ebur128_init(2U, (unsigned long)rate, EBUR128_MODE_I))) {
    snprintf(message, message_size, "out of memory");
    md_premaster_free(p);
    return MIXDOWN_ERR_NO_MEM;
  }
  snprintf(p->dir, sizeof p->dir, "%s", dir);
  // Nameless from the start (O_TMPFILE where the filesystem has it): gone
  // when closed, however the process ends.
  const int fd = md_atomic_scratch(dir);
  if (fd < 0) {
    snprintf(message, message_size, "cannot write the premaster in `%s` (TMPDIR): %s", dir, strerror(errno));
    md_premaster_free(p);
    return MIXDOWN_ERR_IO;
  }
  // Wave64 has no 4 GiB limit; float keeps the mix exactly as rendered.
  SF_INFO info = {.samplerate = (int)rate, .channels = 2, .format = SF_FORMAT_W64 | SF_FORMAT_FLOAT};
  p->file      = sf_open_fd(fd, SFM_RDWR, &info, SF_TRUE);
  p->rate_hz   = rate;
  if (!p->file) {
    snprintf(message, message_size, "cannot write the premaster: %s", sf_strerror(NULL));
    close(fd);
    md_premaster_free(p);
    return MIXDOWN_ERR_IO;
  }
  *premaster = p;
  return MIXDOWN_SUCCESS;
}

MixdownStatus
md_premaster_write(MdPremaster* p, const float* left, const float* right, uint32_t n, char* message,
                   size_t message_size)
{
  for (uint32_t done = 0U; done < n;) {
    const uint32_t len = n - done < MD_FINISH_FRAMES ? n - done : MD_FINISH_FRAMES;
    md_interleave_stereo(p->interleaved, left + done, right + done, len);
    for (uint32_t i = 0U; i < 2U * len; ++i) {
      if (!isfinite(p->interleaved[i])) {
        p->first_non_finite = p->non_finite++ ? p->first_non_finite : p->frames + i / 2U;
      }
    }
    ebur128_add_frames_float(p->meter, p->interleaved, len);
    errno = 0;
    if (sf_writef_float(p->file, p->interleaved, len) != (sf_count_t)len) {
      snprintf(message, message_size, "writing the premaster in `%s` (TMPDIR) failed: %s", p->dir,
               errno == EFBIG ? "file too large (file-size limit reached)" : errno ? strerror(errno) : sf_strerror(p->file));
      return MIXDOWN_ERR_IO;
    }
    p->frames += len;
    done += len;
  }
  return MIXDOWN_SUCCESS;
}

double
md_premaster_loudness(MdPremaster* p)
{
  double loudness = -HUGE_VAL;
  if (ebur128_loudness_global(p->meter, &loudness) != EBUR128_SUCCESS) {
    return -HUGE_VAL;
  }
  return loudness;
}

void
md_premaster_free(MdPremaster* p)
{
  if (!p) {
    return;
  }
  if (p->file) {
    sf_close(p->file);
  }
  if (p->meter) {
    ebur128_destroy(&p->meter);
  }
  free(p->interleaved);
  free(p);
}

// A true-peak limiter from the registry, like any insert.
static void*
new_limiter(const MdProcessorClass* cls, double ceiling_db, double rate)
{
  double values[16] = {0.0};
  for (uint32_t i = 0U; i < cls->n_params && i < 16U; ++i) {
    values[i] = cls->params[i].info.default_value;
  }
  values[md_processor_param_index(cls, "ceiling_db")]   = ceiling_db;
  values[md_processor_param_index(cls, "true_peak")]    = 1.0;
  values[md_processor_param_index(cls, "lookahead_ms")] = 5.0;
  values[md_processor_param_index(cls, "release_ms")]   = 150.0;
  void* limiter = cls->create(cls, 2U, values);
  if (limiter && cls->prepare(limiter, rate, MD_FINISH_FRAMES) != MIXDOWN_SUCCESS) {
    cls->destroy(limiter);
    limiter = NULL;
  }
  return limiter;
}

// One pass: premaster × gain → limiter (when the goal limits) → sink.
static MixdownStatus
finish_pass(MdPremaster* p, double gain_db, const MdFinishGoal* goal, double ceiling_db,
            const MdFinishSink* sink, volatile int* cancel, MdFinishProgress progress, void* user_data,
            uint32_t pass, double* reduction_db, char* message, size_t message_size)
{
  const MdProcessorClass* cls     = goal->limit ? md_registry_find("limiter") : NULL;
  void*                   limiter = cls ? new_limiter(cls, ceiling_db, p->rate_hz) : NULL;
  float*                  left    = malloc(MD_FINISH_FRAMES * sizeof(float));
  float*                  right   = malloc(MD_FINISH_FRAMES * sizeof(float));
  MixdownStatus           st      = MIXDOWN_SUCCESS;
  *reduction_db                   = 0.0;
  if ((goal->limit && !limiter) || !left || !right || sf_seek(p->file, 0, SEEK_SET) < 0) {
    snprintf(message, message_size, "cannot start the finishing pass");
    st = MIXDOWN_ERR_NO_MEM;
  }
  const double   gain    = pow(10.0, gain_db / 20.0);
  const uint32_t latency = limiter ? cls->latency(limiter) : 0U;
  uint64_t       in_pos  = 0U; // frames fed to the limiter: the premaster, then silence
  uint64_t       out_pos = 0U; // frames output
  while (!st && out_pos < p->frames) {
    if (cancel && *cancel) {
      snprintf(message, message_size, "interrupted: the render was stopped");
      st = MIXDOWN_ERR_INTERRUPTED;
      break;
    }
    uint32_t n = 0U;
    if (in_pos < p->frames) {
      const uint64_t   left_in = p->frames - in_pos;
      const sf_count_t got     = sf_readf_float(p->file, p->interleaved,
                                                left_in < MD_FINISH_FRAMES ? (sf_count_t)left_in : MD_FINISH_FRAMES);
      n = got > 0 ? (uint32_t)got : 0U;
    }
    for (uint32_t i = 0U; i < n; ++i) {
      left[i]  = (float)(p->interleaved[2U * i] * gain);
      right[i] = (float)(p->interleaved[2U * i + 1U] * gain);
    }
    // Past the end, silence drains the limiter's lookahead.
    memset(left + n, 0, (MD_FINISH_FRAMES - n) * sizeof(float));
    memset(right + n, 0, (MD_FINISH_FRAMES - n) * sizeof(float));
    if (limiter) {
      float* const  io[2] = {left, right};
      const MdBlock block = {(const float* const*)io, io, NULL, 0U, MD_FINISH_FRAMES};
      cls->process(limiter, &block);
      *reduction_db = fmin(*reduction_db, cls->read_meter(limiter, 0U));
    }
    // The limiter's first `latency` output frames are its delay: dropped.
    const uint64_t first = in_pos;
    in_pos += MD_FINISH_FRAMES;
    const uint32_t drop = first < latency ? (uint32_t)(latency - first < MD_FINISH_FRAMES ? latency - first : MD_FINISH_FRAMES) : 0U;
    const uint64_t room = p->frames - out_pos;
    const uint32_t keep = MD_FINISH_FRAMES - drop < room ? MD_FINISH_FRAMES - drop : (uint32_t)room;
    if (keep) {
      st = sink->write(sink->ctx, left + drop, right + drop, keep, message, message_size);
      out_pos += keep;
    }
    if (progress) {
      progress(user_data, pass, (double)out_pos / (double)p->frames);
    }
  }
  if (limiter) {
    cls->destroy(limiter);
  }
  free(left);
  free(right);
  return st;
}

MixdownStatus
md_finish(MdPremaster* p, const MdFinishGoal* goal, const MdFinishSink* sink, volatile int* cancel,
          MdFinishProgress progress, void* user_data, MdFinishResult* result, char* message,
          size_t message_size)
{
  memset(result, 0, sizeof *result);
  if (p->non_finite) {
    // Its loudness cannot be measured: neither silence nor a level to reach.
    snprintf(message, message_size,
             "the mix holds %llu infinite or NaN sample%s (the first at %.3f s): it cannot be finished to a "
             "loudness or a ceiling", (unsigned long long)p->non_finite, p->non_finite == 1U ? "" : "s",
             (double)p->first_non_finite / p->rate_hz);
    return MIXDOWN_ERR_DECODE;
  }
  const double measured = md_premaster_loudness(p);
  double       gain     = goal->normalize && isfinite(measured) ? goal->target_lufs - measured : 0.0;
  const double max_gain = gain + 20.0;
  // The rate converter and dither may add a little to the true peak.
  double       limit_at      = goal->ceiling_db - 0.1;
  double       last_gain     = 0.0;
  double       last_loudness = -HUGE_VAL;
  MixdownStatus st           = MIXDOWN_SUCCESS;
  for (uint32_t pass = 0U; !st && pass < 8U; ++pass) {
    double reduction = 0.0, loudness = -HUGE_VAL, peak_db = -HUGE_VAL;
    if ((st = sink->begin(sink->ctx, message, message_size))) {
      break;
    }
    st = finish_pass(p, gain, goal, limit_at, sink, cancel, progress, user_data, pass, &reduction, message,
                     message_size);
    if (!st) {
      st = sink->end(sink->ctx, &loudness, &peak_db, message, message_size);
    }
    if (st) {
      sink->drop(sink->ctx);
      break;
    }
    const double error     = goal->normalize ? goal->target_lufs - loudness : 0.0;
    const bool   peak_ok   = !goal->limit || peak_db <= goal->ceiling_db;
    const bool   on_target = fabs(error) <= 0.1 && peak_ok;
    const bool   capped    = error > 0.1 && gain >= max_gain && peak_ok;
    if (on_target || capped || !isfinite(loudness) || pass == 7U) {
      result->gain_db       = gain;
      result->limiter_db    = reduction;
      result->loudness_lufs = loudness;
      result->true_peak_db  = peak_db;
      result->passes        = pass + 1U;
      result->shortfall_lu  = !goal->normalize ? 0.0 : isfinite(loudness) ? fmax(0.0, error) : HUGE_VAL;
      st = sink->keep ? sink->keep(sink->ctx, message, message_size) : MIXDOWN_SUCCESS;
      break;
    }
    sink->drop(sink->ctx);
    if (!peak_ok) {
      limit_at -= peak_db - goal->ceiling_db + 0.02;
    }
    if (goal->normalize) {
      const double slope = isfinite(last_loudness) && gain != last_gain
                             ? (loudness - last_loudness) / (gain - last_gain) : 1.0;
      last_gain     = gain;
      last_loudness = loudness;
      gain          = fmin(max_gain, gain + error / (slope > 0.05 && slope < 1.5 ? slope : 1.0));
    }
  }
  return st;
}
