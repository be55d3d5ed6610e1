// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// match's listening: the long-term third-octave spectra of the mid and the
// side and the integrated loudness of each reference (libsndfile) and of
// the mix (assist_render), the references on a thread of their own while
// the mix renders.  FFTW's planner is not thread-safe (its plans run on any
// thread): every listener is opened and closed on the calling thread.

#include "match.h"

#include "bands.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_READ_FRAMES 4096U


typedef struct {
  const Thirds*  thirds;
  AssistBands*   mid;
  AssistBands*   side;
  ebur128_state* meter;
  uint32_t       channels;
  float*         scratch; ///< Negated right (side), then interleaved (loudness)
  size_t         scratch_frames;
  uint64_t       frames;
  uint32_t       rate;
} Listener;

// FFT frames of a second or more (65536 at 44.1 and 48 kHz): bins under
// 0.75 Hz, so a partial near a third octave's edge (a bass note at 55 Hz
// sits 1 Hz from the 50 Hz band's top) leaks the same way at any rate.
// With 0.3 s frames a reference at 44.1 kHz read the same mix up to 1.5 dB
// differently per third from one at 48 kHz on a tonal bass.
static uint32_t
fft_size_for(uint32_t rate)
{
  uint32_t n = 256U;
  while (n < 65536U && n < rate) {
    n *= 2U;
  }
  return n;
}

static MixdownStatus
listener_open(Listener* l, const Thirds* thirds, uint32_t rate, uint32_t channels)
{
  *l          = (Listener){.thirds = thirds, .channels = channels, .rate = rate};
  const uint32_t fft = fft_size_for(rate);
  l->mid      = assist_bands_new(rate, fft, thirds->edges_hz, thirds->n_thirds, false);
  l->side     = assist_bands_new(rate, fft, thirds->edges_hz, thirds->n_thirds, false);
  l->meter    = ebur128_init(channels, rate, EBUR128_MODE_I);
  return l->mid && l->side && l->meter ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static void
listener_free(Listener* l)
{
  assist_bands_free(l->mid);
  assist_bands_free(l->side);
  if (l->meter) {
    ebur128_destroy(&l->meter);
  }
  free(l->scratch);
}

// `right` NULL: mono (no side).
static MixdownStatus
listener_feed(Listener* l, const float* left, const float* right, uint32_t frames)
{
  if (frames > l->scratch_frames) {
    free(l->scratch);
    l->scratch        = malloc(2U * (size_t)frames * sizeof *l->scratch);
    l->scratch_frames = l->scratch ? frames : 0U;
    if (!l->scratch) {
      return MIXDOWN_ERR_NO_MEM;
    }
  }
  MixdownStatus st = assist_bands_feed(l->mid, left, right, frames);
  // side = (L − R) / 2: the feeder's mean of L and −R; silence for mono
  for (uint32_t i = 0; i < frames; ++i) {
    l->scratch[i] = right ? -right[i] : -left[i];
  }
  if (st == MIXDOWN_SUCCESS) {
    st = assist_bands_feed(l->side, left, l->scratch, frames);
  }
  if (l->channels == 2U) {
    for (uint32_t i = 0; i < frames; ++i) {
      l->scratch[2U * i]      = left[i];
      l->scratch[2U * i + 1U] = right[i];
    }
    ebur128_add_frames_float(l->meter, l->scratch, frames);
  } else {
    ebur128_add_frames_float(l->meter, left, frames);
  }
  l->frames += frames;
  return st;
}

static void
listener_result(const Listener* l, Measure* m)
{
  assist_bands_mean(l->mid, m->mid);
  assist_bands_mean(l->side, m->side);
  double lufs = -HUGE_VAL;
  if (ebur128_loudness_global(l->meter, &lufs) != EBUR128_SUCCESS) {
    lufs = -HUGE_VAL;
  }
  m->loudness_lufs = lufs;
  m->seconds       = (double)l->frames / l->rate;
}

/// A reference being listened to.  FFTW's planner is not thread-safe (its
/// plans run on any thread): the file and its listener are opened and
/// closed on the calling thread, only the reading may run on another.
typedef struct {
  SNDFILE* file;
  SF_INFO  info;
  Listener listener;
  bool     open;
} RefInput;

static MixdownStatus
ref_input_open(AssistContext* ctx, const Thirds* thirds, const char* path, RefInput* in)
{
  in->file = sf_open(path, SFM_READ, &in->info);
  if (!in->file) {
    return assist_fail(ctx, MIXDOWN_ERR_IO, "--ref %s: cannot be read (%s)", path, sf_strerror(NULL));
  }
  in->open = true;
  return listener_open(&in->listener, thirds, (uint32_t)in->info.samplerate, (uint32_t)in->info.channels);
}

static void
ref_input_close(RefInput* in)
{
  if (in->open) {
    listener_free(&in->listener);
  }
  if (in->file) {
    sf_close(in->file);
  }
  in->open = false;
  in->file = NULL;
}

static MixdownStatus
ref_input_listen(RefInput* in, Measure* m)
{
  const uint32_t channels = (uint32_t)in->info.channels;
  float*         frame    = malloc((size_t)MATCH_READ_FRAMES * channels * sizeof *frame);
  float*         left     = malloc(MATCH_READ_FRAMES * sizeof *left);
  float*         right    = malloc(MATCH_READ_FRAMES * sizeof *right);
  MixdownStatus  st       = frame && left && right ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
  while (st == MIXDOWN_SUCCESS) {
    const sf_count_t got = sf_readf_float(in->file, frame, MATCH_READ_FRAMES);
    if (got <= 0) {
      break;
    }
    for (sf_count_t i = 0; i < got; ++i) {
      left[i]  = frame[i * channels];
      right[i] = frame[i * channels + channels - 1U];
    }
    st = listener_feed(&in->listener, left, channels == 2U ? right : NULL, (uint32_t)got);
  }
  if (st == MIXDOWN_SUCCESS) {
    listener_result(&in->listener, m);
  }
  free(frame);
  free(left);
  free(right);
  return st;
}

typedef struct {
  Listener      listener;
  const Thirds* thirds;
  bool          open;
} MixListen;

static MixdownStatus
mix_begin(void* user_data, const AssistRenderInfo* info)
{
  MixListen* ml = user_data;
  ml->open      = true;
  return listener_open(&ml->listener, ml->thirds, info->rate, 2U);
}

static MixdownStatus
mix_block(void* user_data, uint64_t first_frame, const float* left, const float* right, const float* const* stems,
          uint32_t frames)
{
  (void)first_frame;
  (void)stems;
  MixListen* ml = user_data;
  return listener_feed(&ml->listener, left, right, frames);
}

// K-weighted side-to-mid energy over the thirds (the stereo insert scales
// the side by its width at every frequency, so any weighting gives the same
// width for a plain width change; K weighting keeps the bass from deciding
// alone what a listener hears as width).
double
match_side_to_mid(const Thirds* thirds, const double* mid, const double* side, const double* gain_db)
{
  double s = 0.0, m = 0.0;
  for (uint32_t t = 0; t < thirds->n_thirds; ++t) {
    const double w =
      assist_k_weight_power(thirds->centres_hz[t], MATCH_K_RATE) * (gain_db ? pow(10.0, gain_db[t] / 10.0) : 1.0);
    s += w * side[t];
    m += w * mid[t];
  }
  return m > 0.0 ? s / m : 0.0;
}

/// The references, listened to on a thread of their own while the mix
/// renders (they need nothing of the session): its own copy of the context
/// (no progress, its own message), read back after the join.
typedef struct {
  AssistContext    local;
  const Thirds*    thirds;
  const Reference* refs;
  size_t           n_refs;
  RefInput         inputs[MATCH_MAX_REFS];
  Measure          measures[MATCH_MAX_REFS];
  MixdownStatus    status;
  char             message[1024];
} RefJob;

static void*
ref_job_run(void* arg)
{
  RefJob* job = arg;
  job->status = MIXDOWN_SUCCESS;
  for (size_t r = 0; r < job->n_refs && job->status == MIXDOWN_SUCCESS; ++r) {
    job->status = ref_input_listen(&job->inputs[r], &job->measures[r]);
    if (job->status == MIXDOWN_ERR_NO_MEM) {
      assist_fail(&job->local, job->status, "out of memory");
    }
    if (job->status == MIXDOWN_SUCCESS && !isfinite(job->measures[r].loudness_lufs)) {
      job->status = assist_fail(&job->local, MIXDOWN_ERR_BAD_ARG, "--ref %s: silent (no loudness to match)",
                                job->refs[r].path);
    }
  }
  return NULL;
}

static void
ref_job_init(RefJob* job, AssistContext* ctx, const Thirds* thirds, const Reference* refs, size_t n_refs)
{
  job->local              = *ctx;
  job->local.progress     = NULL;
  job->local.message      = job->message;
  job->local.message_size = sizeof job->message;
  job->message[0]         = '\0';
  job->thirds             = thirds;
  job->refs               = refs;
  job->n_refs             = n_refs;
  job->status             = MIXDOWN_SUCCESS;
  for (size_t r = 0; r < n_refs && job->status == MIXDOWN_SUCCESS; ++r) {
    job->status = ref_input_open(&job->local, thirds, refs[r].path, &job->inputs[r]);
    if (job->status == MIXDOWN_ERR_NO_MEM) {
      assist_fail(&job->local, job->status, "out of memory");
    }
  }
}

static void
ref_job_close(RefJob* job)
{
  for (size_t r = 0; r < job->n_refs; ++r) {
    ref_input_close(&job->inputs[r]);
  }
}


static MixdownStatus
listen_mix(AssistContext* ctx, const Thirds* thirds, Measure* mix, uint32_t* rate)
{
  MixListen     ml = {.thirds = thirds};
  MixdownStatus st = assist_render(ctx, NULL, false, "mix", mix_begin, mix_block, &ml);
  if (st == MIXDOWN_SUCCESS) {
    listener_result(&ml.listener, mix);
    *rate = ml.listener.rate;
  }
  if (ml.open) {
    listener_free(&ml.listener);
  }
  return st;
}

// The references on a thread beside the mix's render (with one thread, in
// turn, the references first).  A reference's failure wins over the mix's
// (a bad --ref is the user's to fix).
static MixdownStatus
listen_with(AssistContext* ctx, RefJob* job, MixdownStatus (*before_mix)(AssistContext* ctx), Measure* mix,
            uint32_t* rate)
{
  pthread_t  thread;
  const bool threaded = job->status == MIXDOWN_SUCCESS && ctx->threads != 1U &&
                        pthread_create(&thread, NULL, ref_job_run, job) == 0;
  if (!threaded && job->status == MIXDOWN_SUCCESS) {
    ref_job_run(job);
  }
  MixdownStatus st = threaded || job->status == MIXDOWN_SUCCESS ? MIXDOWN_SUCCESS : job->status;
  if (st == MIXDOWN_SUCCESS && before_mix) {
    st = before_mix(ctx);
  }
  if (st == MIXDOWN_SUCCESS) {
    st = listen_mix(ctx, job->thirds, mix, rate);
  }
  if (threaded) {
    pthread_join(thread, NULL);
  }
  if (job->status != MIXDOWN_SUCCESS) {
    st = job->status;
    if (ctx->message && ctx->message_size) {
      snprintf(ctx->message, ctx->message_size, "%s", job->message);
    }
  }
  return st;
}

MixdownStatus
match_listen(AssistContext* ctx, const Thirds* thirds, const Reference* refs, size_t n_refs,
             MixdownStatus (*before_mix)(AssistContext* ctx), Measure* ref_measures, Measure* mix, uint32_t* rate)
{
  RefJob* job = calloc(1U, sizeof *job);
  if (!job) {
    return assist_fail(ctx, MIXDOWN_ERR_NO_MEM, "out of memory");
  }
  ref_job_init(job, ctx, thirds, refs, n_refs);
  const MixdownStatus st = listen_with(ctx, job, before_mix, mix, rate);
  if (st == MIXDOWN_SUCCESS) {
    memcpy(ref_measures, job->measures, n_refs * sizeof *ref_measures);
  }
  ref_job_close(job);
  free(job);
  return st;
}
